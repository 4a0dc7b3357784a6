"""The JSON API: a public interface, so the field names stay as they are."""
from __future__ import annotations

import json
from typing import Any

from . import urls
from .catalog import Catalog
from .markup import render_markdown
from .model import Digest, DigestEntry, Paper


def _dump(data: Any) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def paper_fields(paper: Paper, base_url: str) -> dict[str, Any]:
    org = paper.organization
    return {
        "id": paper.id,
        "title": paper.title,
        "abstract": paper.abstract,
        "authors": list(paper.authors),
        "author_count": paper.author_count if paper.author_count is not None else (len(paper.authors) or None),
        "organization": {"name": org.name, "fullname": org.fullname} if org else None,
        "published": paper.published.isoformat() if paper.published else None,
        "upvotes": paper.upvotes,
        "url": base_url + urls.paper(paper.id),
        "links": paper.links.as_dict(),
    }


def entry_fields(entry: DigestEntry, base_url: str) -> dict[str, Any]:
    return {**paper_fields(entry.paper, base_url), "tags": list(entry.tags), "pick": entry.pick,
            "note_html": str(render_markdown(entry.note)) if entry.note else ""}


def digest_fields(digest: Digest, base_url: str) -> dict[str, Any]:
    return {"date": digest.date.isoformat(), "title": digest.title, "url": base_url + urls.digest(digest.date),
            "paper_count": len(digest.entries)}


def index_file(catalog: Catalog) -> bytes:
    base = catalog.site.config.base_url
    return _dump([digest_fields(d, base) for d in catalog.site.digests])


def digest_file(catalog: Catalog, digest: Digest) -> bytes:
    base = catalog.site.config.base_url
    return _dump({**digest_fields(digest, base),
                  "curator": {"id": digest.curator.id, "name": digest.curator.name},
                  "intro_html": str(render_markdown(digest.intro)) if digest.intro else "",
                  "papers": [entry_fields(e, base) for e in digest.entries]})


def paper_file(catalog: Catalog, paper: Paper) -> bytes:
    base = catalog.site.config.base_url
    appearances = catalog.by_paper[paper.id]
    return _dump({**paper_fields(paper, base), "arxiv": paper.arxiv or None, "category": paper.category or None,
                  "source": paper.source or None,
                  "digests": sorted({a.digest.date.isoformat() for a in appearances}, reverse=True)})
