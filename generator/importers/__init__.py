"""Importers turn an outside source into `Candidate` records for one or more
digest days; `store.import_candidates` merges them into a content folder."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

FORMATS = ("hf-page", "hf-api", "arxiv")


@dataclass
class Candidate:
    """A paper as a source describes it, before it gets an id and is merged.
    `record` uses the record-file format: the field names and value types the
    Paper declaration in content/model.py gives, so no importer lists fields."""

    record: dict[str, Any]
    digest_date: date | None = None
    published_exact: bool = True  # False when the year was guessed (hf-page "May 15")

    @property
    def title(self) -> str:
        return str(self.record.get("title") or "")

    @property
    def abstract(self) -> str:
        return str(self.record.get("abstract") or "")

    @property
    def arxiv(self) -> str:
        return str(self.record.get("arxiv") or "")
