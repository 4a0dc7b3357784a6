"""The JSON API: a public interface. A paper's fields come from its declaration
(content/model.py), in declared order."""
from __future__ import annotations

import dataclasses
import json
from datetime import date
from typing import Any

from ..content.model import NESTED, Digest, DigestEntry, DigestSummary, Paper
from . import urls
from .catalog import Appearance
from .markup import render_markdown

DETAIL_ONLY = ("arxiv", "category", "source")  # in /api/papers/ID.json, not in digest listings


def _dump(data: Any) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def _json_value(value: Any) -> Any:
    if dataclasses.is_dataclass(value):
        return {f.name: _json_value(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple):
        return list(value)
    return value


def paper_fields(paper: Paper, base_url: str, detail: bool = False) -> dict[str, Any]:
    """Every declared field (nulls where unknown; links only where known), plus the page URL."""
    out: dict[str, Any] = {}
    for f in dataclasses.fields(paper):
        if f.name in DETAIL_ONLY and not detail:
            continue
        value = getattr(paper, f.name)
        if f.name == "links":
            out["links"] = paper.links.as_dict()
        elif f.name in NESTED or value not in ("", ()):
            out[f.name] = _json_value(value)
        else:
            out[f.name] = [] if isinstance(value, tuple) else None
    if out.get("author_count") is None and paper.authors:
        out["author_count"] = len(paper.authors)
    out["url"] = base_url + urls.paper(paper.id)
    return out


def entry_fields(entry: DigestEntry, base_url: str) -> dict[str, Any]:
    return {**paper_fields(entry.paper, base_url), "tags": list(entry.tags), "pick": entry.pick,
            "note_html": str(render_markdown(entry.note)) if entry.note else ""}


def summary_fields(digest: DigestSummary, base_url: str) -> dict[str, Any]:
    return {"date": digest.date.isoformat(), "title": digest.title, "url": base_url + urls.digest(digest.date),
            "paper_count": digest.paper_count}


def index_file(base_url: str, digests: tuple[DigestSummary, ...]) -> bytes:
    return _dump([summary_fields(d, base_url) for d in digests])


def digest_file(base_url: str, digest: Digest) -> bytes:
    return _dump({**summary_fields(digest.summary, base_url),
                  "curator": {"id": digest.curator.id, "name": digest.curator.name},
                  "intro_html": str(render_markdown(digest.intro)) if digest.intro else "",
                  "papers": [entry_fields(e, base_url) for e in digest.entries]})


def paper_file(base_url: str, paper: Paper, appearances: tuple[Appearance, ...]) -> bytes:
    return _dump({**paper_fields(paper, base_url, detail=True),
                  "digests": sorted({a.digest.date.isoformat() for a in appearances}, reverse=True)})
