"""What the build writes, and what each output depends on.

Every output file gets a *key*: a hash of exactly the inputs its content is
made from (records, digests, neighbours, site settings, theme). A rebuild
renders only the files whose key changed, and removes files that are no
longer produced, so an incremental build writes the same bytes a full build
would. Keys are built from content hashes and stable reprs, never from
Python's randomized hash().
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Callable

from . import __version__, urls
from .catalog import Catalog
from .feeds import Feeds
from .model import Digest
from .render import Renderer
from .themes import Asset


def _h(*parts: object) -> str:
    h = hashlib.blake2b(digest_size=16)
    for part in parts:
        h.update(repr(part).encode("utf-8"))
        h.update(b"\x1f")
    return h.hexdigest()


@dataclass(frozen=True)
class Output:
    """One file of the site: where it goes, its key, and how to make it."""

    path: str
    key: str
    make: Callable[[], bytes | str]
    kind: str


class Planner:
    def __init__(self, catalog: Catalog, renderer: Renderer, assets: dict[str, Asset], theme_hash: str,
                 record_hashes: dict[str, str]):
        self.catalog = catalog
        self.renderer = renderer
        site = catalog.site
        menu = [(p.slug, p.title, p.menu) for p in site.pages]
        self.global_key = _h(__version__, site.config, theme_hash, sorted((k, a.path) for k, a in assets.items()),
                             menu)
        self.record_hashes = record_hashes
        self.digest_keys = {d.date: self._digest_key(d) for d in site.digests}

    def _digest_key(self, digest: Digest) -> str:
        records = self.catalog.site.papers
        entries = [(e.paper.id, self.record_hashes.get(e.paper.id, ""), e.pick, e.note, e.tags, e.position,
                    None if e.paper is records.get(e.paper.id) else e.paper) for e in digest.entries]
        return _h(digest.date, digest.title, digest.curator, digest.intro, entries)

    def _summary(self, digest: Digest | None) -> tuple:
        return (digest.date, digest.title, len(digest.entries), len(digest.picks)) if digest else ()

    def pages(self) -> list[Output]:
        c, r, g = self.catalog, self.renderer, self.global_key
        digests = c.site.digests
        out: list[Output] = []

        def add(kind: str, path: str, key: object, make: Callable[[], tuple[str, str]]) -> None:
            out.append(Output(urls.file_for(path), _h(g, kind, key), lambda: make()[1], kind))

        if digests:
            newer, older = c.neighbours(digests[0])
            add("home", urls.HOME, (self.digest_keys[digests[0].date], self._summary(older),
                                    [self._summary(d) for d in digests[1:13]]), r.home)
        else:
            add("home", urls.HOME, "", r.home)
        for d in digests:
            newer, older = c.neighbours(d)
            add("digest", urls.digest(d.date), (self.digest_keys[d.date], self._summary(newer),
                                                self._summary(older)), lambda d=d: r.digest(d))
        for p in c.papers:
            seen = [self.digest_keys[a.digest.date] for a in c.by_paper[p.id]]
            add("paper", f"papers/{p.id}/", (self.record_hashes.get(p.id) or p, seen), lambda p=p: r.paper(p))
        add("tags", urls.TAGS, [(t.name, len(t.appearances)) for t in c.tags], r.tags_index)
        for t in c.tags:
            items = [(self._summary(a.digest), a.paper.id, a.paper.title, a.entry.pick, a.entry.note)
                     for a in t.appearances]
            add("tag", urls.tag(t.name), (t.name, items), lambda t=t: r.tag(t))
        add("archive", urls.ARCHIVE, [self._summary(d) for d in digests], r.archive)
        for page in c.site.pages:
            add("page", urls.page(page.slug), page, lambda page=page: r.page(page))
        add("search", urls.SEARCH, list(c.search_shards), r.search)
        add("404", urls.NOT_FOUND, "", r.not_found)
        return out

    def feeds(self, feeds: "Feeds") -> list[Output]:
        """Feeds are keyed by the digests their items come from, so they are only
        rendered when one of those changed."""
        c, g, limits = self.catalog, self.global_key, self.catalog.site.config.feeds
        digests = c.site.digests[: limits.digests]
        keys = [self.digest_keys[d.date] for d in digests]
        out = [Output(urls.RSS, _h(g, "rss", keys), lambda: feeds.digests_feed().rss_str(pretty=True), "feed"),
               Output(urls.ATOM, _h(g, "atom", keys),
                      lambda: feeds.digests_feed(urls.ATOM).atom_str(pretty=True), "feed")]
        items = [(self.digest_keys[a.digest.date], a.paper.id) for a in c.appearances[: limits.papers]]
        out.append(Output(urls.PAPERS_FEED, _h(g, "papers", items), lambda: feeds.papers_feed().rss_str(pretty=True),
                          "feed"))
        for tag in c.tags:
            items = [(self.digest_keys[a.digest.date], a.paper.id) for a in tag.appearances[: limits.tags]]
            out.append(Output(urls.tag_feed(tag.name), _h(g, "tag", tag.name, items),
                              (lambda tag=tag: feeds.tag_feed(tag).rss_str(pretty=True)), "feed"))
        return out

    def files(self, produced: list[tuple[str, bytes | str]], kind: str) -> list[Output]:
        """Outputs whose content is cheap to make up front (feeds, sitemap): keyed by the bytes."""
        return [Output(path, _h(self.global_key, data), (lambda data=data: data), kind) for path, data in produced]

    def assets(self, assets: dict[str, Asset]) -> list[Output]:
        return [Output(a.path, _h(a.data), (lambda a=a: a.data), "static") for a in assets.values()]

    def api(self, make_digest: Callable, make_paper: Callable, make_index: Callable) -> list[Output]:
        c, g = self.catalog, self.global_key
        out = [Output(urls.API_DIGESTS, _h(g, "api-index", [self._summary(d) for d in c.site.digests]),
                      make_index, "api")]
        for d in c.site.digests:
            out.append(Output(urls.api_digest(d.date), _h(g, "api-digest", self.digest_keys[d.date]),
                              (lambda d=d: make_digest(d)), "api"))
        for p in c.papers:
            dates = [a.digest.date for a in c.by_paper[p.id]]  # newest first, possibly repeated
            out.append(Output(f"api/papers/{p.id}.json", _h(g, "api-paper", self.record_hashes.get(p.id) or p, dates),
                              (lambda p=p: make_paper(p)), "api"))
        return out

    def sitemap(self, pages: list[Output], make: Callable[[], str]) -> Output:
        """The sitemap lists every page with the date of its newest digest, all of
        which the page keys already cover."""
        return Output(urls.SITEMAP, _h(self.global_key, "sitemap", [(o.path, o.key) for o in pages]), make, "meta")
