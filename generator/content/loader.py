"""Load a content folder, validate all of it, and build the model.

`load_site` reports every problem at once: it keeps going after the first
bad file and raises `DigestError` with all diagnostics at the end.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..diagnostics import Diagnostic, DigestError, Report
from ..site import urls
from . import files, schema, yamlio
from .digests import DigestCache, load_digests
from .documents import Document, read_document
from .model import Curator, FeedLimits, Page, Site, SiteConfig
from .records import Mapper, RecordCache, load_papers
from .validate import FORBIDDEN_CHARS, SLUG, char_name, slugify_hint


def _serial(task: Callable[[Any], Any], items: Sequence[Any]) -> list[Any]:
    return [task(item) for item in items]


@dataclass
class ContentCache:
    """What a reload can reuse: parsed records and digest files, by file stamp."""

    records: RecordCache = field(default_factory=dict)
    digests: DigestCache = field(default_factory=dict)


def load_site(content: Path, cache: ContentCache | None = None,
              mapper: Mapper = _serial) -> tuple[Site, list[Diagnostic]]:
    """Load and validate everything under `content`.

    Returns the site and its warnings, or raises `DigestError` listing every
    error and warning found. `cache` (updated in place) makes reloads cheap;
    `mapper` parses changed records, possibly on several cores."""
    cache = cache if cache is not None else ContentCache()
    files.forget_folders()
    report = Report()
    if not content.is_dir():
        raise DigestError.single(files.display_path(content), "content folder not found",
                                 "run from your site's folder or pass --content DIR")
    config = load_config(content, report)
    curators = load_curators(content, report)
    broken: set[str] = set()
    papers = load_papers(content, report, broken, cache.records, mapper)
    digests = load_digests(content, papers, curators, report, frozenset(broken), cache.digests)
    pages = load_pages(content, report)
    report.raise_if_errors()
    assert config is not None
    site = Site(config=config, curators=curators or {}, papers=papers, digests=tuple(digests), pages=tuple(pages))
    return site, report.warnings


def load_config(content: Path, report: Report) -> SiteConfig | None:
    path = content / "site.yaml"
    if not path.exists():
        report.error(files.display_path(path), "site settings file is missing",
                     "create it with at least 'title:' and 'base_url:'")
        return None
    doc = read_document(path, report, content)
    if doc is None or not doc.check(schema.SITE, report):
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
    if not path.exists():
        return {}
    doc = read_document(path, report, content)
    if doc is None:
        return None
    if doc.data is None:
        return {}
    if not doc.check(schema.CURATORS, report):
        return None
    curators: dict[str, Curator] = {}
    for i, item in enumerate(doc.data):
        if item["id"] in curators:
            doc.error_at((i, "id"), f"curator id '{item['id']}' is listed twice", "give each curator a unique id",
                         report)
            continue
        curators[item["id"]] = Curator(item["id"], item["name"], item.get("url") or "")
    return curators


_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)^---[ \t]*\r?$\n?", re.S | re.M)


def load_pages(content: Path, report: Report) -> list[Page]:
    root = content / "pages"
    pages: list[Page] = []
    if not root.is_dir():
        return pages
    for path in sorted(root.glob("*.md")):
        page = _load_page(path, content, report)
        if page is not None:
            pages.append(page)
    return pages


def _load_page(path: Path, content: Path, report: Report) -> Page | None:
    shown = files.display_path(path)
    if path.stem in urls.RESERVED:
        report.error(shown, f"page name '{path.stem}' is taken by a section of the site",
                     "rename the file, e.g. about-" + path.stem + ".md")
        return None
    if not SLUG.fullmatch(path.stem):
        report.error(shown, f"page file name '{path.name}' is not URL-safe",
                     slugify_hint(path.stem) or "use lowercase letters, digits and '-'")
        return None
    try:
        text = files.read_text(path, content, shown)
    except DigestError as exc:
        report.extend(exc.diagnostics)
        return None
    match = _FRONT_MATTER.match(text)
    if not match:
        report.error(shown, "page has no front matter", "start the file with '---', 'title: ...', '---'", 1, 1)
        return None
    try:
        meta = yamlio.parse(match.group(1), shown)
    except DigestError as exc:  # front matter starts on line 2 of the file
        report.extend([Diagnostic(d.path, d.line + 1, d.col, d.message, d.hint, d.severity)
                       for d in exc.diagnostics])
        return None
    doc = Document(path, shown, match.group(1), meta, content)
    if not doc.check(schema.PAGE, report, line_offset=1):
        return None
    body = text[match.end():]
    bad = FORBIDDEN_CHARS.search(body)
    if bad:
        line = text.count("\n", 0, match.end() + bad.start()) + 1
        report.error(shown, f"the page contains the control character {char_name(bad.group())}",
                     "remove it; only tabs and line breaks may appear in text", line, 1)
        return None
    if "](" in body or "<" in body or "]:" in body:
        from ..site.markup import unsafe_links
        for url in unsafe_links(body):
            line = text.count("\n", 0, max(text.find(url), 0)) + 1
            report.warning(shown, f"link '{url[:60]}' is not http(s) or relative; it will be dropped",
                           "use an https:// link", line, 1)
    return Page(slug=path.stem, title=meta["title"], body=body,
                description=meta.get("description") or "", menu=meta.get("menu", True))
