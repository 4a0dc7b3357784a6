"""Digest files: content/digests/YYYY-MM-DD.yaml, one per day, written by curators.

A rebuild re-validates only digest files whose size or time changed (see
`DigestCache`); cross-references to records and curators are checked every
time, since those may have changed.
"""
from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

from ..diagnostics import Report
from . import files, schema, yamlio
from .documents import Document, read_document
from .model import Curator, Digest, DigestEntry, Paper, with_overrides
from .records import Stamp, file_stamp
from .validate import PAPER_ID, Suggester

DIGEST_NAME = re.compile(r"\d{4}-\d{2}-\d{2}\.yaml")
DigestCache = dict[str, tuple[Stamp, Any]]  # file path -> (stamp, schema-valid data)


def load_digests(content: Path, papers: dict[str, Paper], curators: dict[str, Curator] | None,
                 report: Report, broken_papers: frozenset[str], cache: DigestCache) -> list[Digest]:
    """Digests newest first. `curators` is None when curators.yaml is broken
    (its errors are already reported)."""
    root = content / "digests"
    digests: list[Digest] = []
    live: DigestCache = {}
    suggest = Suggester(papers)
    if not root.exists():
        cache.clear()
        return digests
    if not root.is_dir():
        report.error(files.display_path(root), "is a file, not a folder", "digests/ holds one YAML file per day")
        return digests
    for path in sorted(root.iterdir()):
        if path.name.startswith("."):
            continue
        shown = files.display_path(path)
        if not DIGEST_NAME.fullmatch(path.name):
            if not path.is_dir():
                report.error(shown, f"'{path.name}' is not a digest file name",
                             "name digest files YYYY-MM-DD.yaml, after the digest's date")
            continue
        name = str(path)
        stamp = file_stamp(name)
        cached = cache.get(name)
        if cached is not None and stamp is not None and cached[0] == stamp:
            doc = Document(path, shown, None, cached[1], content)
        else:
            found = read_document(path, report, content)
            if found is None:
                continue
            doc = found
            if doc.data is None:
                report.error(doc.display, "digest file is empty", "start from 'digest new DATE'", 1, 1)
                continue
            if not doc.check(schema.DIGEST, report):
                _report_unknown_ids(doc, papers, broken_papers, suggest, report)  # every mistake at once
                continue
        if stamp is not None:
            live[name] = (stamp, doc.data)
        digest = _build_digest(doc, papers, curators, report, broken_papers, suggest)
        if digest is not None:
            digests.append(digest)
    cache.clear()
    cache.update(live)
    digests.sort(key=lambda d: d.date, reverse=True)
    return digests


def _report_unknown_ids(doc: Document, papers: dict[str, Paper], broken: frozenset[str], suggest: Suggester,
                       report: Report) -> None:
    """In a file with other mistakes, the entries' unknown paper ids are still worth saying."""
    items = doc.data.get("papers") if isinstance(doc.data, dict) else None
    for i, item in enumerate(items if isinstance(items, list) else []):
        paper_id = item.get("paper") if isinstance(item, dict) else None
        if isinstance(paper_id, str) and PAPER_ID.fullmatch(paper_id) and paper_id not in papers \
                and paper_id not in broken:
            doc.error_at(("papers", i, "paper"), f"unknown paper id '{paper_id}'",
                         suggest(paper_id) or "import it first with 'digest import'", report)


def _build_digest(doc: Document, papers: dict[str, Paper], curators: dict[str, Curator] | None,
                  report: Report, broken_papers: frozenset[str], suggest: Suggester) -> Digest | None:
    data = doc.data
    ok = True
    if data["date"] + ".yaml" != doc.path.name:
        doc.error_at(("date",), f"date {data['date']} does not match the file name '{doc.path.name}'",
                     f"rename the file to {data['date']}.yaml or fix the date", report)
        ok = False
    curator = curators.get(data["curator"]) if curators is not None else None
    if curators is None:
        ok = False
    elif curator is None:
        known = Suggester(curators)(data["curator"])
        doc.error_at(("curator",), f"unknown curator '{data['curator']}'",
                     known or "add the curator to content/curators.yaml", report)
        ok = False
    entries: list[DigestEntry] = []
    first_index: dict[str, int] = {}
    items = data.get("papers") or []
    if not items:
        doc.error_at(("papers",) if "papers" in data else (), "digest lists no papers",
                     "add entries under 'papers:' such as '- paper: 2410.17243'", report, warning=True)
    for i, item in enumerate(items):
        paper_id = item["paper"]
        record = papers.get(paper_id)
        if record is None and paper_id in broken_papers:
            ok = False  # the record's own errors are reported
            continue
        if record is None:
            hint = suggest(paper_id) or "import it first with 'digest import'"
            doc.error_at(("papers", i, "paper"), f"unknown paper id '{paper_id}'", hint, report)
            ok = False
            continue
        if paper_id in first_index:
            first_line = yamlio.locate(doc.nodes, ("papers", first_index[paper_id], "paper"))[0]
            doc.error_at(("papers", i, "paper"), f"paper '{paper_id}' is listed twice in this digest",
                         f"it is already listed on line {first_line}; remove one", report)
            ok = False
            continue
        first_index[paper_id] = i
        tags = tuple(item.get("tags") or ())
        if len(set(tags)) != len(tags):
            doc.error_at(("papers", i, "tags"), "a tag is repeated", "list each tag once", report)
            ok = False
        if item.get("pick") and not (item.get("note") or "").strip():
            doc.error_at(("papers", i, "pick"), f"pick '{paper_id}' has no note",
                         "say in a sentence why readers should read it", report, warning=True)
        paper, overridden = with_overrides(record, item.get("override") or {})
        entries.append(DigestEntry(paper=paper, pick=bool(item.get("pick")), note=item.get("note") or "",
                                   tags=tags, position=len(entries) + 1, overridden=overridden))
    warn_unsafe_links(doc, ("intro",), data.get("intro") or "", report)
    for i, item in enumerate(items):
        warn_unsafe_links(doc, ("papers", i, "note"), item.get("note") or "", report)
    if not ok or curator is None:
        return None
    return Digest(date=date.fromisoformat(data["date"]), title=data["title"], curator=curator,
                  intro=data.get("intro") or "", entries=tuple(entries))


def warn_unsafe_links(doc: Document, where: tuple[Any, ...], text: str, report: Report) -> None:
    """Links other than http(s) and relative ones are dropped from the page; say so."""
    if not ("](" in text or "<" in text or "]:" in text):
        return  # no Markdown or HTML link can hide here: the common case stays cheap
    from ..site.markup import unsafe_links
    for url in unsafe_links(text):
        doc.error_at(where, f"link '{url[:60]}' is not http(s) or relative; it will be dropped",
                     "use an https:// link", report, warning=True)
