"""Importers turn an outside source into `Candidate` records for one or more
digest days; `store.import_candidates` merges them into a content folder."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

FORMATS = ("hf-page", "hf-api", "arxiv")


@dataclass
class Candidate:
    """A paper as a source describes it, before it gets an id and is merged."""

    title: str
    abstract: str = ""
    authors: list[str] = field(default_factory=list)
    author_count: int | None = None
    organization: dict[str, str] | None = None
    published: str | None = None
    upvotes: int | None = None
    arxiv: str | None = None
    category: str | None = None
    links: dict[str, str] = field(default_factory=dict)
    source: str = ""
    digest_date: date | None = None
    published_exact: bool = True  # False when the year was guessed (hf-page "May 15")
