"""The JSON API: a public interface. A paper's fields come from its declaration
(content/model.py), in declared order."""
from __future__ import annotations

import dataclasses
import json
from datetime import date
from functools import cache
from typing import Any

from ..content.model import NESTED, Digest, DigestEntry, DigestSummary, Links, Organization, Paper
from . import urls
from .catalog import Appearance
from .feedhtml import absolutize_html
from .markup import render_markdown

DETAIL_ONLY = ("arxiv", "category", "source")  # in /api/papers/ID.json, not in digest listings


def _dump(data: Any) -> bytes:
    """Compact: tools read these files, and the C encoder (which Python uses only
    without indentation) makes 20k of them three times faster and a third smaller."""
    return (json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


def _json_value(value: Any) -> Any:
    kind: Any = type(value)
    if kind is str or value is None or kind is int:  # most values: checked first
        return value
    if isinstance(value, tuple):
        return list(value)
    if isinstance(value, date):
        return value.isoformat()
    if dataclasses.is_dataclass(value):
        return {name: _json_value(getattr(value, name)) for name in _field_names(kind)}
    return value


@cache
def _field_names(kind: Any) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(kind))


@cache
def _paper_plan(detail: bool) -> tuple[tuple[str, bool], ...]:
    """The fields a paper's JSON shows, in declared order, each with whether it is always
    shown as it is (nested objects) rather than null or [] when empty."""
    return tuple((name, name in NESTED) for name in _field_names(Paper) if detail or name not in DETAIL_ONLY)


def paper_fields(paper: Paper, base_url: str, detail: bool = False) -> dict[str, Any]:
    """Every declared field (nulls where unknown; links only where known), plus the page URL."""
    out: dict[str, Any] = {}
    for name, nested in _paper_plan(detail):
        value = getattr(paper, name)
        if name == "links":
            out["links"] = paper.links.as_dict()
        elif nested or value not in ("", ()):
            out[name] = _json_value(value)
        else:
            out[name] = [] if isinstance(value, tuple) else None
    if out.get("author_count") is None and paper.authors:
        out["author_count"] = len(paper.authors)
    out["url"] = base_url + urls.paper(paper.id)
    return out


def entry_fields(entry: DigestEntry, base_url: str, page_url: str) -> dict[str, Any]:
    return {**paper_fields(entry.paper, base_url), "tags": list(entry.tags), "pick": entry.pick,
            "note_html": _note_html(entry.note, page_url)}


def summary_fields(digest: DigestSummary, base_url: str) -> dict[str, Any]:
    return {"date": digest.date.isoformat(), "title": digest.title, "url": base_url + urls.digest(digest.date),
            "paper_count": digest.paper_count}


def index_file(base_url: str, digests: tuple[DigestSummary, ...]) -> bytes:
    return _dump([summary_fields(d, base_url) for d in digests])


def digest_file(base_url: str, digest: Digest) -> bytes:
    return _dump({**summary_fields(digest.summary, base_url),
                  "curator": {"id": digest.curator.id, "name": digest.curator.name},
                  "intro_html": _note_html(digest.intro, base_url + urls.digest(digest.date)),
                  "papers": [entry_fields(e, base_url, base_url + urls.digest(digest.date)) for e in digest.entries]})


def paper_file(base_url: str, paper: Paper, appearances: tuple[Appearance, ...]) -> bytes:
    return _dump({**paper_fields(paper, base_url, detail=True),
                  "digests": sorted({a.digest.date.isoformat() for a in appearances}, reverse=True)})


# -- version 1: /api/v1/ ------------------------------------------------------
# The files above (api/digests.json, api/digests/DATE.json, api/papers/ID.json)
# stay as they were, for existing clients. Version 1 adds a version field,
# absolute links between resources, the overridden fields, notes with
# absolute links, and JSON Schemas (api/v1/schema/*.json). docs/api.md
# describes every field.

VERSION = 1
V1_INDEX = urls.API_V1
SCHEMA_NAMES = ("index", "digest", "paper")


def v1_digest(day: date) -> str:
    return f"api/v1/digests/{day.isoformat()}.json"


def v1_paper(paper_id: str) -> str:
    return f"api/v1/papers/{paper_id}.json"


def v1_schema(name: str) -> str:
    return f"api/v1/schema/{name}.json"


def _head(base_url: str, kind: str, self_path: str) -> dict[str, Any]:
    return {"version": VERSION, "schema": base_url + v1_schema(kind), "api_url": base_url + self_path}


def _curator(digest: DigestSummary | Digest) -> dict[str, Any]:
    c = digest.curator
    return {"id": c.id, "name": c.name, "url": c.url or None}


def _v1_summary(base_url: str, digest: DigestSummary) -> dict[str, Any]:
    return {"date": digest.date.isoformat(), "title": digest.title, "curator": _curator(digest),
            "paper_count": digest.paper_count, "pick_count": digest.pick_count,
            "url": base_url + urls.digest(digest.date), "api_url": base_url + v1_digest(digest.date)}


def _note_html(note: str, page_url: str) -> str:
    return absolutize_html(str(render_markdown(note)), page_url) if note.strip() else ""


def v1_index_file(base_url: str, digests: tuple[DigestSummary, ...]) -> bytes:
    return _dump({**_head(base_url, "index", V1_INDEX), "url": base_url,
                  "digests": [_v1_summary(base_url, d) for d in digests]})


def v1_digest_file(base_url: str, digest: Digest) -> bytes:
    page = base_url + urls.digest(digest.date)
    papers = []
    for e in digest.entries:
        papers.append({**paper_fields(e.paper, base_url), "api_url": base_url + v1_paper(e.paper.id),
                       "position": e.position, "pick": e.pick, "tags": list(e.tags),
                       "note_html": _note_html(e.note, page), "overridden": list(e.overridden)})
    return _dump({**_head(base_url, "digest", v1_digest(digest.date)),
                  **{k: v for k, v in _v1_summary(base_url, digest.summary).items() if k != "api_url"},
                  "index_url": base_url + V1_INDEX,
                  "intro_html": _note_html(digest.intro, page), "papers": papers})


def v1_paper_file(base_url: str, paper: Paper, appearances: tuple[Appearance, ...]) -> bytes:
    """The record as imported (no digest's overrides), and each digest it appears in."""
    shown = []
    for a in appearances:
        page = base_url + urls.digest(a.digest.date)
        shown.append({"date": a.digest.date.isoformat(), "title": a.digest.title,
                      "url": page + "#" + urls.entry_anchor(paper.id), "api_url": base_url + v1_digest(a.digest.date),
                      "pick": a.entry.pick, "tags": list(a.entry.tags), "note_html": _note_html(a.entry.note, page),
                      "overridden": list(a.entry.overridden)})
    return _dump({**_head(base_url, "paper", v1_paper(paper.id)), **paper_fields(paper, base_url, detail=True),
                  "index_url": base_url + V1_INDEX, "appearances": shown})


# -- JSON Schemas of version 1 --------------------------------------------------

_URL = {"type": "string", "format": "uri", "pattern": "^https?://"}


def _url(description: str, nullable: bool = False) -> dict[str, Any]:
    return {**_URL, "type": ["string", "null"] if nullable else "string", "description": description}


def _paper_properties(detail: bool) -> dict[str, Any]:
    """The record fields, typed as paper_fields writes them, described by their declarations."""
    props: dict[str, Any] = {}
    for f in dataclasses.fields(Paper):
        if f.name in DETAIL_ONLY and not detail:
            continue
        spec = f.metadata["spec"]
        desc = spec.description
        if f.name == "links":
            props[f.name] = {"type": "object", "description": desc + " Only the known ones.",
                             "additionalProperties": False,
                             "properties": {g.name: _url(g.metadata["spec"].description)
                                            for g in dataclasses.fields(Links)}}
        elif f.name == "organization":
            props[f.name] = {"type": ["object", "null"], "description": desc, "additionalProperties": False,
                             "required": ["name", "fullname"],
                             "properties": {g.name: {"type": "string", "description": g.metadata["spec"].description}
                                            for g in dataclasses.fields(Organization)}}
        elif spec.kind == "list":
            props[f.name] = {"type": "array", "items": {"type": "string"}, "description": desc}
        elif spec.kind == "integer":
            props[f.name] = {"type": ["integer", "null"], "minimum": spec.minimum or 0, "description": desc}
        elif spec.kind == "date":
            props[f.name] = {"type": ["string", "null"], "format": "date", "description": desc}
        elif f.name == "id":
            props[f.name] = {"type": "string", "description": desc}
        else:
            props[f.name] = {"type": ["string", "null"], "description": desc}
    props["url"] = _url("The paper's page on this site.")
    return props


def _object(title: str, description: str, props: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "title": title, "description": description, "additionalProperties": False,
            "required": list(props), "properties": props}


_HEAD = {"version": {"const": VERSION, "description": "The API version; a change that breaks clients gets a new one."},
         "schema": _url("The JSON Schema of this file."),
         "api_url": _url("This file.")}
_CURATOR = _object("Curator", "Who curated the digest.", {
    "id": {"type": "string", "description": "Short id of the curator."},
    "name": {"type": "string", "description": "Display name."},
    "url": _url("The curator's home page, if known.", nullable=True)})
_SUMMARY = {"date": {"type": "string", "format": "date", "description": "The day of the digest."},
            "title": {"type": "string", "description": "The digest's headline."},
            "curator": _CURATOR,
            "paper_count": {"type": "integer", "minimum": 0, "description": "Papers in the digest."},
            "pick_count": {"type": "integer", "minimum": 0, "description": "Curator picks in the digest."},
            "url": _url("The digest's page on this site.")}
_CURATION = {"pick": {"type": "boolean", "description": "A curator's pick."},
             "tags": {"type": "array", "items": {"type": "string"}, "description": "Topic tags given in this digest."},
             "note_html": {"type": "string", "description": "The curator's note as sanitized HTML, links absolute; "
                                                            "empty if none."},
             "overridden": {"type": "array", "items": {"type": "string"},
                            "description": "Record fields the curator corrected for this digest; the values shown "
                                           "are the corrected ones."}}


def schemas(base_url: str) -> dict[str, dict[str, Any]]:
    """The JSON Schema (draft 2020-12) of each version 1 file, by name."""
    def doc(name: str, title: str, description: str, props: dict[str, Any]) -> dict[str, Any]:
        return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": base_url + v1_schema(name),
                **_object(title, description, props)}

    entry = _object("Digest entry", "One paper as this digest shows it (with the curator's corrections).", {
        **_paper_properties(detail=False), "api_url": _url("The paper's API file."),
        "position": {"type": "integer", "minimum": 0, "description": "Place in the digest, from 0."}, **_CURATION})
    appearance = _object("Appearance", "A digest the paper appears in, newest first.", {
        "date": _SUMMARY["date"], "title": _SUMMARY["title"],
        "url": _url("The paper's entry on the digest page."), "api_url": _url("The digest's API file."),
        **_CURATION})
    return {
        "index": doc("index", "Digest index", "Every digest, newest first.", {
            **_HEAD, "url": _url("The site's home page."),
            "digests": {"type": "array", "description": "Every digest, newest first.",
                        "items": _object("Digest summary", "A digest, in short.", {
                            **_SUMMARY, "api_url": _url("The digest's API file.")})}}),
        "digest": doc("digest", "Digest", "One digest with its papers, in reading order.", {
            **_HEAD, **_SUMMARY, "index_url": _url("The digest index."),
            "intro_html": {"type": "string",
                           "description": "The intro as sanitized HTML, links absolute; empty if none."},
            "papers": {"type": "array", "items": entry, "description": "The papers, in reading order."}}),
        "paper": doc("paper", "Paper", "One paper record as imported, and the digests it appears in.", {
            **_HEAD, **_paper_properties(detail=True), "index_url": _url("The digest index."),
            "appearances": {"type": "array", "items": appearance, "description": "Where the paper appears."}}),
    }


def schema_file(base_url: str, name: str) -> bytes:
    return (json.dumps(schemas(base_url)[name], ensure_ascii=False, indent=1) + "\n").encode("utf-8")
