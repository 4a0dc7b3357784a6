"""What the build writes, and the key of each file.

Every output is a function and the data it is made from: a page is its
template and the view it receives (site/pages.py), a feed or JSON file is a
function of the items it lists. An output's key is a fingerprint of exactly
that data, plus the templates it can reach, the site settings, the static
assets and the code that renders (digest's source and library versions). No
key is kept by hand: what an output is made of is what its key covers, so an
incremental build writes what a full build would.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from ..site import api, urls
from ..site.catalog import Catalog
from ..site.cards import card_png
from ..site.feeds import Feeds
from ..site.pages import PageRenderer, digest_card_text, page_views
from ..site.sitemap import robots_txt, sitemap_entries, sitemap_xml
from ..site.themes import Asset, Theme
from .fingerprint import Fingerprinter
from .stamp import code_fingerprint


@dataclass(frozen=True)
class Output:
    """One file of the site: where it goes, its key, and how to make it."""

    path: str
    key: str
    make: Callable[..., bytes | str]
    args: tuple[Any, ...]
    kind: str

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
        return Output(path, self.fingerprint(self.global_key, kind, extra, args), make, args, kind)

    def outputs(self) -> list[Output]:
        return [*self.pages(), *self.feeds(), *self.api(), *self.static(), *self.meta(), *self.cards()]

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
        """Each feed is made from the items it lists, so only a change to one of them rewrites it."""
        c, limits, feeds = self.catalog, self.config.feeds, Feeds(self.config)
        digests = c.site.digests[: limits.digests]
        out = [self._output(urls.RSS, "feed", feeds.rss, digests),
               self._output(urls.ATOM, "feed", feeds.atom, digests),
               self._output(urls.PAPERS_FEED, "feed", feeds.papers_feed, c.appearances[: limits.papers])]
        out += [self._output(urls.tag_feed(t.name), "feed", feeds.tag_feed, t.name, t.appearances[: limits.tags])
                for t in c.tags]
        return out

    def api(self) -> list[Output]:
        c, base = self.catalog, self.config.base_url
        out = [self._output(urls.API_DIGESTS, "api", api.index_file, base, tuple(d.summary for d in c.site.digests))]
        out += [self._output(urls.api_digest(d.date), "api", api.digest_file, base, d) for d in c.site.digests]
        out += [self._output(urls.api_paper(p.id), "api", api.paper_file, base, p, c.by_paper[p.id])
                for p in c.papers]
        return out

    def cards(self) -> list[Output]:
        """A social card (og:image) per digest, made from the words it shows."""
        return [self._output(urls.digest_card(d.date), "image", card_png, *digest_card_text(self.config, d))
                for d in self.catalog.site.digests]

    def static(self) -> list[Output]:
        return [self._output(a.path, "static", _identity, a.data) for a in self.assets.values()]

    def meta(self) -> list[Output]:
        base = self.config.base_url
        return [self._output(urls.SITEMAP, "meta", sitemap_xml, base, sitemap_entries(self.catalog)),
                self._output(urls.ROBOTS, "meta", robots_txt, base)]

    def search_keys(self, outputs: list[Output]) -> dict[str, str]:
        """Search shard -> a key of the pages it indexes."""
        keys = {item.path: item.key for item in outputs}
        return {name: self.fingerprint(tuple(keys[urls.file_for(urls.paper(pid))] for pid in ids))
                for name, ids in self.catalog.search_shards.items()}


def _identity(data: bytes) -> bytes:
    return data
