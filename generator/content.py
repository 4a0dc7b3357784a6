"""Load a content folder, validate all of it, and build the model.

`load_site` reports every problem at once: it keeps going after the first
bad file and raises `DigestError` with all diagnostics at the end.
"""
from __future__ import annotations

import hashlib
import os
import re
from datetime import date
from pathlib import Path
from typing import Any, Iterator

from . import schema, urls, yamlio
from .diagnostics import Diagnostic, DigestError, Report
from .parallel import run_map
from .model import (Curator, Digest, DigestEntry, FeedLimits, Links, Organization, Page, Paper, Site,
                    SiteConfig, with_overrides)

DIGEST_NAME = re.compile(r"^\d{4}-\d{2}-\d{2}\.yaml$")


def display_path(path: Path) -> str:
    """A path as a person should see it: relative to the working folder when inside it.

    Cheap (no file-system calls beyond getcwd): it runs for every file of a build."""
    absolute = os.path.abspath(path)
    try:
        cwd = os.getcwd()
    except OSError:
        return str(path)
    prefix = cwd.rstrip(os.sep) + os.sep
    return absolute[len(prefix):] if absolute.startswith(prefix) else str(path)


class _Doc:
    """One parsed file, kept so that problems can be located lazily (the text
    is only read again when a problem needs a line number)."""

    def __init__(self, path: Path, display: str, text: str | None, data: Any):
        self.path, self.display, self._text, self.data = path, display, text, data

    @property
    def text(self) -> str:
        if self._text is None:
            self._text = yamlio.read_text(self.path, self.display)
        return self._text


def _read(path: Path, report: Report) -> _Doc | None:
    shown = display_path(path)
    try:
        data, text = yamlio.load_file(path, shown)
    except DigestError as exc:
        report.extend(exc.diagnostics)
        return None
    return _Doc(path, shown, text, data)


def _report_problems(doc: _Doc, problems: list[schema.Problem], report: Report) -> None:
    for problem in problems:
        line, col = yamlio.locate(doc.text, problem.where, key=problem.at_key)
        hint = problem.hint
        if hint == "put it in quotes":
            raw = yamlio.source_text(doc.text, problem.where)
            hint = f"put it in quotes: '{raw}'" if raw is not None else hint
        report.error(doc.display, problem.message, hint, line, col)


def _check(doc: _Doc, spec: schema.Field, report: Report) -> bool:
    problems = schema.validate(doc.data, spec)
    _report_problems(doc, problems, report)
    return not problems


def _error_at(doc: _Doc, where: tuple[Any, ...], message: str, hint: str, report: Report,
              warning: bool = False) -> None:
    line, col = yamlio.locate(doc.text, where)
    (report.warning if warning else report.error)(doc.display, message, hint, line, col)


def load_config(content: Path, report: Report) -> SiteConfig | None:
    path = content / "site.yaml"
    if not path.is_file():
        report.error(display_path(path), "site settings file is missing",
                     "create it with at least 'title:' and 'base_url:'")
        return None
    doc = _read(path, report)
    if doc is None or not _check(doc, schema.SITE, report):
        return None
    data = doc.data
    base_url = data["base_url"] if data["base_url"].endswith("/") else data["base_url"] + "/"
    feeds = data.get("feeds") or {}
    return SiteConfig(
        title=data["title"], base_url=base_url, description=data.get("description") or "",
        language=data.get("language") or "en", timezone=data.get("timezone") or "UTC",
        theme=data.get("theme") or "default",
        feeds=FeedLimits(**{k: v for k, v in feeds.items() if v is not None}))


def load_curators(content: Path, report: Report) -> dict[str, Curator] | None:
    """Curators by id, or None when curators.yaml is broken (errors reported)."""
    path = content / "curators.yaml"
    if not path.is_file():
        return {}
    doc = _read(path, report)
    if doc is None:
        return None
    if doc.data is None:
        return {}
    if not _check(doc, schema.CURATORS, report):
        return None
    curators: dict[str, Curator] = {}
    for i, item in enumerate(doc.data):
        if item["id"] in curators:
            _error_at(doc, (i, "id"), f"curator id '{item['id']}' is listed twice", "give each curator a unique id",
                      report)
            continue
        curators[item["id"]] = Curator(item["id"], item["name"], item.get("url") or "")
    return curators


def paper_file_names(content: Path) -> list[str]:
    """Every record file under content/papers/, as sorted path strings (cheap: runs on every build)."""
    found: list[str] = []
    for folder, dirs, files in os.walk(content / "papers"):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        found.extend(os.path.join(folder, f) for f in files if f.endswith((".yaml", ".yml")) and f[0] != ".")
    found.sort()
    return found


def paper_files(content: Path) -> Iterator[Path]:
    """Every record file under content/papers/, in a stable order."""
    return iter(Path(p) for p in paper_file_names(content))


def paper_from_data(data: dict[str, Any]) -> Paper:
    org = data.get("organization")
    published = data.get("published")
    return Paper(
        id=data["id"], title=data["title"], abstract=data.get("abstract") or "",
        authors=tuple(data.get("authors") or ()), author_count=data.get("author_count"),
        organization=Organization(org["name"], org.get("fullname") or "") if org else None,
        published=date.fromisoformat(published) if published else None,
        upvotes=data.get("upvotes"), arxiv=data.get("arxiv") or "", category=data.get("category") or "",
        links=Links(**(data.get("links") or {})), source=data.get("source") or "")


def _parse_record(item: tuple[Path, bytes]) -> tuple[Paper | None, list[Diagnostic]]:
    """One record file: the Paper, or the diagnostics that explain why not."""
    path, data = item
    report = Report()
    shown = display_path(path)
    if path.suffix == ".yml":
        report.error(shown, "record files must end in .yaml", f"rename it to {path.stem}.yaml")
        return None, report.diagnostics
    try:
        text = yamlio.decode(data, shown)
        doc = _Doc(path, shown, text, yamlio.parse(text, shown))
    except DigestError as exc:
        return None, exc.diagnostics
    if not _check(doc, schema.PAPER, report):
        return None, report.diagnostics
    if path.stem != doc.data["id"]:
        _error_at(doc, ("id",), f"record id '{doc.data['id']}' does not match its file name '{path.name}'",
                  f"rename the file to {doc.data['id']}.yaml or fix the id", report)
        return None, report.diagnostics
    return paper_from_data(doc.data), []


Stamp = tuple[int, int]  # (size, mtime_ns): unchanged files are not even read


def _stamp(path: str) -> Stamp | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_size, st.st_mtime_ns)


def load_papers(content: Path, report: Report, broken: set[str] | None = None,
                cache: dict[str, tuple[Stamp, bytes, Paper]] | None = None, jobs: int = 1) -> dict[str, Paper]:
    """Valid records by id; the file names of invalid ones go into `broken`, so
    digests that list them do not repeat the error as 'unknown paper id'.

    `cache` maps a file path to (stamp, content hash, validated Paper) and is
    updated in place: a rebuild reads only files whose size or time changed
    and parses only files whose content changed."""
    broken = broken if broken is not None else set()
    cache = cache if cache is not None else {}
    found: list[tuple[str, bytes]] = []
    misses: list[tuple[Path, bytes]] = []
    stamps: dict[str, Stamp] = {}
    for name in paper_file_names(content):
        stamp = _stamp(name)
        cached = cache.get(name)
        if cached is not None and stamp is not None and cached[0] == stamp:
            found.append((name, cached[1]))
            continue
        path = Path(name)
        try:
            data = yamlio.read_bytes(path, display_path(path))
        except DigestError as exc:
            report.extend(exc.diagnostics)
            broken.add(path.stem)
            continue
        digest = hashlib.blake2b(data, digest_size=16).digest()
        stamps[name] = stamp or (len(data), 0)
        found.append((name, digest))
        if cached is None or cached[1] != digest:
            misses.append((path, data))
    parsed = run_map(_parse_record, misses, jobs)
    fresh = {str(m[0]): r for m, r in zip(misses, parsed)}
    papers: dict[str, Paper] = {}
    where_defined: dict[str, str] = {}
    live: dict[str, tuple[Stamp, bytes, Paper]] = {}
    for name, digest in found:
        if name in fresh:
            paper, diagnostics = fresh[name]
            if paper is None:
                report.extend(diagnostics)
                broken.add(Path(name).stem)
                continue
        else:
            paper = cache[name][2]
        live[name] = (stamps.get(name) or cache[name][0], digest, paper)
        if paper.id in papers:
            path = Path(name)
            line, col = yamlio.locate(yamlio.read_text(path), ("id",))
            report.error(display_path(path), f"paper id '{paper.id}' is also defined in "
                         f"{display_path(Path(where_defined[paper.id]))}", "keep one record per paper", line, col)
            continue
        papers[paper.id] = paper
        where_defined[paper.id] = name
    cache.clear()
    cache.update(live)
    return papers


def record_hashes(cache: dict[str, tuple[Stamp, bytes, Paper]]) -> dict[str, str]:
    """Paper id -> content hash of its record file (for build dependency keys)."""
    return {paper.id: digest.hex() for _, digest, paper in cache.values()}


def load_digests(content: Path, papers: dict[str, Paper], curators: dict[str, Curator] | None,
                 report: Report, broken_papers: frozenset[str] = frozenset(),
                 cache: dict[str, tuple[Stamp, Any]] | None = None) -> list[Digest]:
    """Digests newest first. `curators` is None when curators.yaml is broken
    (its errors are already reported). `cache` keeps schema-valid file data by
    path and stamp; cross-references are checked on every load."""
    root = content / "digests"
    digests: list[Digest] = []
    cache = cache if cache is not None else {}
    live: dict[str, tuple[Stamp, Any]] = {}
    if not root.is_dir():
        cache.clear()
        return digests
    for path in sorted(root.iterdir()):
        if path.name.startswith(".") or path.is_dir():
            continue
        if not DIGEST_NAME.match(path.name):
            report.error(display_path(path), f"'{path.name}' is not a digest file name",
                         "name digest files YYYY-MM-DD.yaml, after the digest's date")
            continue
        name = str(path)
        stamp = _stamp(name)
        cached = cache.get(name)
        if cached is not None and stamp is not None and cached[0] == stamp:
            doc = _Doc(path, display_path(path), None, cached[1])
        else:
            doc = _read(path, report)
            if doc is None:
                continue
            if doc.data is None:
                report.error(doc.display, "digest file is empty", "start from 'digest new DATE'", 1, 1)
                continue
            if not _check(doc, schema.DIGEST, report):
                continue
        if stamp is not None:
            live[name] = (stamp, doc.data)
        digest = _build_digest(doc, papers, curators, report, broken_papers)
        if digest is not None:
            digests.append(digest)
    cache.clear()
    cache.update(live)
    digests.sort(key=lambda d: d.date, reverse=True)
    return digests


def _build_digest(doc: _Doc, papers: dict[str, Paper], curators: dict[str, Curator] | None,
                  report: Report, broken_papers: frozenset[str]) -> Digest | None:
    data = doc.data
    ok = True
    if data["date"] + ".yaml" != doc.path.name:
        _error_at(doc, ("date",), f"date {data['date']} does not match the file name '{doc.path.name}'",
                  f"rename the file to {data['date']}.yaml or fix the date", report)
        ok = False
    curator = curators.get(data["curator"]) if curators is not None else None
    if curators is None:
        ok = False
    elif curator is None:
        known = schema.did_you_mean(data["curator"], set(curators))
        _error_at(doc, ("curator",), f"unknown curator '{data['curator']}'",
                  known or "add the curator to content/curators.yaml", report)
        ok = False
    entries: list[DigestEntry] = []
    first_index: dict[str, int] = {}
    items = data.get("papers") or []
    if not items:
        _error_at(doc, ("papers",) if "papers" in data else (), "digest lists no papers",
                  "add entries under 'papers:' such as '- paper: 2410.17243'", report, warning=True)
    for i, item in enumerate(items):
        paper_id = item["paper"]
        record = papers.get(paper_id)
        if record is None and paper_id in broken_papers:
            ok = False  # the record's own errors are reported
            continue
        if record is None:
            hint = schema.did_you_mean(paper_id, set(papers)) or "import it first with 'digest import'"
            _error_at(doc, ("papers", i, "paper"), f"unknown paper id '{paper_id}'", hint, report)
            ok = False
            continue
        if paper_id in first_index:
            first_line = yamlio.locate(doc.text, ("papers", first_index[paper_id], "paper"))[0]
            _error_at(doc, ("papers", i, "paper"), f"paper '{paper_id}' is listed twice in this digest",
                      f"it is already listed on line {first_line}; remove one", report)
            ok = False
            continue
        first_index[paper_id] = i
        tags = tuple(item.get("tags") or ())
        if len(set(tags)) != len(tags):
            _error_at(doc, ("papers", i, "tags"), "a tag is repeated", "list each tag once", report)
            ok = False
        if item.get("pick") and not (item.get("note") or "").strip():
            _error_at(doc, ("papers", i, "pick"), f"pick '{paper_id}' has no note",
                      "say in a sentence why readers should read it", report, warning=True)
        entries.append(DigestEntry(paper=with_overrides(record, item.get("override") or {}),
                                   pick=bool(item.get("pick")), note=item.get("note") or "",
                                   tags=tags, position=len(entries) + 1))
    _warn_unsafe_links(doc, ("intro",), data.get("intro") or "", report)
    for i, item in enumerate(items):
        _warn_unsafe_links(doc, ("papers", i, "note"), item.get("note") or "", report)
    if not ok or curator is None:
        return None
    return Digest(date=date.fromisoformat(data["date"]), title=data["title"], curator=curator,
                  intro=data.get("intro") or "", entries=tuple(entries), source_path=doc.display)


def _warn_unsafe_links(doc: _Doc, where: tuple[Any, ...], text: str, report: Report) -> None:
    """Links other than http(s) and relative ones are dropped from the page; say so."""
    if ":" not in text or not ("](" in text or "<" in text or "]:" in text):
        return  # no Markdown or HTML link can hide here: the common case stays cheap
    from .markup import unsafe_links
    for url in unsafe_links(text):
        _error_at(doc, where, f"link '{url[:60]}' is not http(s) or relative; it will be dropped",
                  "use an https:// link", report, warning=True)


_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)^---[ \t]*\r?$\n?", re.S | re.M)


def load_pages(content: Path, report: Report) -> list[Page]:
    root = content / "pages"
    pages: list[Page] = []
    if not root.is_dir():
        return pages
    for path in sorted(root.glob("*.md")):
        shown = display_path(path)
        if path.stem in urls.RESERVED:
            report.error(shown, f"page name '{path.stem}' is taken by a section of the site",
                         "rename the file, e.g. about-" + path.stem + ".md")
            continue
        if not schema.SLUG.match(path.stem):
            report.error(shown, f"page file name '{path.name}' is not URL-safe",
                         schema.slugify_hint(path.stem) or "use lowercase letters, digits and '-'")
            continue
        try:
            text = yamlio.read_text(path, shown)
        except DigestError as exc:
            report.extend(exc.diagnostics)
            continue
        match = _FRONT_MATTER.match(text)
        if not match:
            report.error(shown, "page has no front matter", "start the file with '---', 'title: ...', '---'", 1, 1)
            continue
        try:
            meta = yamlio.parse(match.group(1), shown)
        except DigestError as exc:
            # front matter starts on line 2 of the file
            report.extend([Diagnostic(d.path, d.line + 1, d.col, d.message, d.hint, d.severity)
                           for d in exc.diagnostics])
            continue
        doc = _Doc(path, shown, match.group(1), meta)
        problems = schema.validate(meta, schema.PAGE)
        for problem in problems:
            line, col = yamlio.locate(doc.text, problem.where, key=problem.at_key)
            report.error(shown, problem.message, problem.hint, line + 1, col)
        if problems:
            continue
        body = text[match.end():]
        if ":" in body:
            from .markup import unsafe_links
            for url in unsafe_links(body):
                line = text.count("\n", 0, max(text.find(url), 0)) + 1
                report.warning(shown, f"link '{url[:60]}' is not http(s) or relative; it will be dropped",
                               "use an https:// link", line, 1)
        pages.append(Page(slug=path.stem, title=meta["title"], body=body,
                          description=meta.get("description") or "", menu=meta.get("menu", True)))
    return pages


def load_site(content: Path, paper_cache: dict | None = None, jobs: int = 1,
              digest_cache: dict | None = None) -> tuple[Site, list[Diagnostic]]:
    """Load and validate everything under `content`.

    Returns the site and its warnings, or raises `DigestError` listing every
    error and warning found. The caches (see load_papers, load_digests) make
    reloads cheap."""
    report = Report()
    if not content.is_dir():
        raise DigestError.single(display_path(content), "content folder not found",
                                 "run from your site's folder or pass --content DIR")
    config = load_config(content, report)
    curators = load_curators(content, report)
    broken: set[str] = set()
    papers = load_papers(content, report, broken, cache=paper_cache, jobs=jobs)
    digests = load_digests(content, papers, curators, report, frozenset(broken), cache=digest_cache)
    pages = load_pages(content, report)
    report.raise_if_errors()
    assert config is not None
    site = Site(config=config, curators=curators or {}, papers=papers, digests=tuple(digests), pages=tuple(pages))
    return site, report.warnings
