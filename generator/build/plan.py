"""What the build writes, and the key of each file.

Every output is a function and the data it is made from: a page is its
template and the view it receives (site/pages.py), a feed or JSON file is a
function of the items it lists, a search index file of the paper records it
covers. An output's key is a fingerprint of exactly
that data, plus the templates it can reach, the site settings, the static
assets and the code that renders (digest's source and library versions). No
key is kept by hand: what an output is made of is what its key covers, so an
incremental build writes what a full build would.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from ..diagnostics import Diagnostic, DigestError
from ..site import api, bibtex, urls
from ..site.cards import card_png
from ..site.catalog import Catalog
from ..site.feeds import (
    JSON_FEED,
    OPML,
    PAPERS_JSON_FEED,
    Feeds,
    for_feeds,
    newest_per_paper,
    site_feeds,
    tag_json_feed,
)
from ..site.pages import PageRenderer, digest_card_text, page_views, paper_card_text
from ..site.search import ROOT as SEARCH_ROOT
from ..site.search import index_files, search_records
from ..site.search_terms import analyze
from ..site.sitemap import robots_txt, sitemap_entries, sitemap_xml
from ..site.themes import Asset, Theme
from .fingerprint import Fingerprinter
from .stamp import code_fingerprint
from .workers import run_map


@dataclass(frozen=True)
class Output:
    """One file of the site: where it goes, how to make it, and what its key covers.

    The key is computed when first asked for, so the writer's workers compute the keys
    of the files they place, in parallel, instead of the planning process computing all
    of them before any is written. Every process computes the same key from the same data."""

    path: str
    kind: str
    make: Callable[..., bytes | str]
    args: tuple[Any, ...]
    about: tuple[Any, ...]  # what the key covers besides args: the site-wide key, the kind, templates
    fingerprint: Callable[..., str]

    @cached_property
    def key(self) -> str:
        return self.fingerprint(*self.about, self.args)

    def data(self) -> bytes:
        made = self.make(*self.args)
        return made.encode("utf-8") if isinstance(made, str) else made


class Plan:
    def __init__(self, catalog: Catalog, theme: Theme, assets: dict[str, Asset]):
        self.catalog = catalog
        self.assets = assets
        self.config = catalog.site.config
        self.renderer = PageRenderer(catalog, theme, assets)
        self.fingerprint = Fingerprinter()
        menu = tuple((p.slug, p.title, p.menu) for p in catalog.site.pages)
        self.global_key = self.fingerprint(code_fingerprint(), self.config,
                                           tuple((name, a.path) for name, a in assets.items()), menu)

    def _output(self, path: str, kind: str, make: Callable[..., bytes | str], *args: Any, extra: str = "") -> Output:
        return Output(path, kind, make, args, (self.global_key, kind, extra), self.fingerprint)

    def outputs(self) -> list[Output]:
        outputs = [*self.pages(), *self.feeds(), *self.bib(), *self.api(), *self.static(), *self.meta(),
                   *self.cards()]
        check_paths(outputs)
        return outputs

    def pages(self) -> list[Output]:
        whole_site = ""
        out = []
        for view in page_views(self.catalog):
            deps = self.renderer.templates.dependencies(view.template)
            extra = deps.fingerprint
            if deps.whole_site:  # the template reads `catalog`: the page depends on all content
                whole_site = whole_site or self.fingerprint(self.catalog)
                extra += whole_site
            out.append(self._output(urls.file_for(view.path), "page", self.renderer.render, view, extra=extra))
        return out

    def feeds(self) -> list[Output]:
        """Each feed is made from the items it lists, as feeds show them (no upvotes), so only a
        change to one of those items rewrites it."""
        c, limits, feeds = self.catalog, self.config.feeds, Feeds(self.config)
        digests = tuple(for_feeds(d) for d in c.site.digests[: limits.digests])
        papers = newest_per_paper(c.appearances, limits.papers)
        out = [self._output(urls.RSS, "feed", feeds.rss, digests),
               self._output(urls.ATOM, "feed", feeds.atom, digests),
               self._output(JSON_FEED, "feed", feeds.json_digests, digests),
               self._output(urls.PAPERS_FEED, "feed", feeds.papers_feed, papers),
               self._output(PAPERS_JSON_FEED, "feed", feeds.json_papers, papers),
               self._output(OPML, "feed", feeds.opml, site_feeds(self.config.title, [t.name for t in c.tags]))]
        for t in c.tags:
            items = newest_per_paper(t.appearances, limits.tags)
            out += [self._output(urls.tag_feed(t.name), "feed", feeds.tag_feed, t.name, items),
                    self._output(tag_json_feed(t.name), "feed", feeds.json_tag, t.name, items)]
        return out

    def bib(self) -> list[Output]:
        """A .bib file per digest and per tag, made from the records it lists (site_bib keeps each
        paper's first appearance). Records, not copies without upvotes as feeds use: a record is
        fingerprinted by its file's hash, a copy field by field, and an upvote change only
        rewrites a file with the same bytes."""
        c, base = self.catalog, self.config.base_url
        out = [self._output(urls.digest_bib(d.date), "bib", bibtex.site_bib, base,
                            tuple(e.paper for e in d.entries)) for d in c.site.digests]
        out += [self._output(urls.tag_bib(t.name), "bib", bibtex.site_bib, base,
                             tuple(a.paper for a in t.appearances)) for t in c.tags]
        return out

    def api(self) -> list[Output]:
        c, base = self.catalog, self.config.base_url
        out = [self._output(urls.API_DIGESTS, "api", api.index_file, base, tuple(d.summary for d in c.site.digests))]
        out += [self._output(urls.api_digest(d.date), "api", api.digest_file, base, d) for d in c.site.digests]
        out += [self._output(urls.api_paper(p.id), "api", api.paper_file, base, p, c.by_paper[p.id])
                for p in c.papers]
        out.append(self._output(api.V1_INDEX, "api", api.v1_index_file, base, tuple(d.summary for d in c.site.digests)))
        out += [self._output(api.v1_digest(d.date), "api", api.v1_digest_file, base, d) for d in c.site.digests]
        out += [self._output(api.v1_paper(p.id), "api", api.v1_paper_file, base, p, c.by_paper[p.id])
                for p in c.papers]
        out += [self._output(api.v1_schema(name), "api", api.schema_file, base, name) for name in api.SCHEMA_NAMES]
        return out

    def cards(self) -> list[Output]:
        """A social card (og:image) per digest and per paper, each made from the words it shows."""
        c = self.catalog
        out = [self._output(urls.digest_card(d.date), "image", card_png, *digest_card_text(self.config, d))
               for d in c.site.digests]
        out += [self._output(urls.paper_card(p.id), "image", card_png,
                             *paper_card_text(self.config, p, c.by_paper[p.id])) for p in c.papers]
        return out

    def static(self) -> list[Output]:
        return [self._output(a.path, "static", _identity, a.data) for a in self.assets.values()]

    def meta(self) -> list[Output]:
        base = self.config.base_url
        return [self._output(urls.SITEMAP, "meta", sitemap_xml, base, sitemap_entries(self.catalog)),
                self._output(urls.ROBOTS, "meta", robots_txt, base)]

    def search(self, known: dict[str, dict[str, int]], jobs: int) -> tuple[list[Output], dict[str, dict[str, int]]]:
        """The search index files (site/search.py), and each record's analysis by
        record key for the next build. Every file is made from the per-paper
        records alone; only papers whose record changed are analysed again, on
        `jobs` processes, and only files whose bytes change are written."""
        docs = search_records(self.catalog)
        keys = [r.key for r in docs]
        todo = [r for r, k in zip(docs, keys, strict=True) if k not in known]
        fresh = dict(zip((r.key for r in todo), run_map(analyze, todo, jobs), strict=True))
        analyses = [known[k] if k in known else fresh[k] for k in keys]
        files = index_files(docs, analyses)
        outputs = [self._output(SEARCH_ROOT + path, "search", _identity, data) for path, data in files.items()]
        return outputs, dict(zip(keys, analyses, strict=True))

    @staticmethod
    def kept(manifest: dict[str, str], root: str, output: Path) -> list[Output]:
        """The files under `root` of the tree in place, as they are: same key, and, should
        the new tree lack one, its bytes read back from the output (digest serve shows an
        edit first and brings the search index up to date after)."""
        return [Output(path, "search", _read_back, (output / path,), (key,), _known_key)
                for path, key in sorted(manifest.items()) if path.startswith(root)]


def _known_key(key: str, _args: tuple[Any, ...]) -> str:
    return key


def _read_back(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise DigestError.single(str(path), f"cannot read the search index in place: {exc.strerror or exc}",
                                 "build again; it will write a fresh index") from None


def check_paths(outputs: list[Output]) -> None:
    """Two outputs must never claim one path, nor a file the folder of another (a paper
    id 'feed.xml' would need papers/feed.xml/ where the paper feed is written)."""
    files: dict[str, Output] = {}
    problems = []
    for item in outputs:
        if item.path in files:
            problems.append(f"'{item.path}' would be written twice (a {files[item.path].kind} and a {item.kind})")
        files[item.path] = item
    for item in outputs:
        parts = item.path.split("/")
        for i in range(1, len(parts)):
            folder = "/".join(parts[:i])
            if folder in files:
                problems.append(f"'{folder}' is both a file (a {files[folder].kind}) and the folder of '{item.path}'")
    if problems:
        raise DigestError([Diagnostic("output", 0, 0, p, "rename the paper, tag or page that claims this address")
                           for p in problems[:20]])


def _identity(data: bytes) -> bytes:
    return data
