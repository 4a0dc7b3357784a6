"""RSS 2.0 and Atom feeds, written with feedgen.

Item ids (RSS guid, Atom id) are absolute URLs derived from content only, and
all dates come from digest dates, so a rebuild never makes a reader show old
items as new.
"""
from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING, Iterable
from zoneinfo import ZoneInfo

from markupsafe import escape

from .. import __version__
from ..content.model import Digest, DigestSummary, SiteConfig
from . import urls
from .catalog import Appearance
from .markup import plain_text, render_markdown, truncate

if TYPE_CHECKING:
    from feedgen.feed import FeedGenerator

PUBLISH_HOUR = 12  # digests are dated by day; items get a fixed time on that day


class Feeds:
    """Makes each feed from exactly the items it lists, and the site settings."""

    def __init__(self, config: SiteConfig):
        self.config = config
        self.zone = ZoneInfo(self.config.timezone)

    def abs(self, path: str) -> str:
        return urls.absolute(self.config.base_url, path)

    def _when(self, digest: Digest | DigestSummary, rank: int = 0) -> datetime:
        # later ranks get earlier times, so readers that sort by date keep curator order
        return datetime.combine(digest.date, time(PUBLISH_HOUR), self.zone) - timedelta(seconds=rank)

    def _feed(self, title: str, description: str, self_path: str, alternate: str,
              newest: datetime | None) -> "FeedGenerator":
        from feedgen.feed import FeedGenerator  # imported when a feed is actually rendered
        fg = FeedGenerator()
        fg.id(self.abs(self_path))
        fg.title(title)
        fg.description(description or title)
        fg.link(href=self.abs(self_path), rel="self")
        fg.link(href=self.abs(alternate), rel="alternate")  # feedgen uses the last link as the RSS <link>
        fg.language(self.config.language)
        fg.generator("digest", version=__version__)
        stamp = newest or datetime(2000, 1, 1, tzinfo=self.zone)
        fg.lastBuildDate(stamp)
        fg.updated(stamp)
        return fg

    def _digest_html(self, digest: Digest) -> str:
        parts = []
        if digest.intro:
            parts.append(str(render_markdown(digest.intro)))
        parts.append("<ol>")
        for entry in digest.entries:
            paper = entry.paper
            pick = "<strong>Pick:</strong> " if entry.pick else ""
            who = f" <em>{escape(paper.byline)}</em>" if paper.byline else ""
            note = str(render_markdown(entry.note)) if entry.note else ""
            parts.append(f'<li>{pick}<a href="{escape(self.abs(urls.paper(paper.id)))}">{escape(paper.title)}</a>'
                         f"{who}{note}</li>")
        parts.append("</ol>")
        return "".join(parts)

    def rss(self, digests: tuple[Digest, ...]) -> bytes:
        return self.digests_feed(digests).rss_str(pretty=True)

    def atom(self, digests: tuple[Digest, ...]) -> bytes:
        return self.digests_feed(digests, urls.ATOM).atom_str(pretty=True)

    def digests_feed(self, digests: tuple[Digest, ...], self_path: str = urls.RSS) -> FeedGenerator:
        fg = self._feed(self.config.title, self.config.description, self_path, urls.HOME,
                        self._when(digests[0]) if digests else None)
        for digest in reversed(digests):  # feedgen prepends: add oldest first
            fe = fg.add_entry()
            link = self.abs(urls.digest(digest.date))
            fe.id(link)
            fe.guid(link, permalink=True)
            fe.title(digest.title)
            fe.link(href=link)
            fe.author(name=digest.curator.name)
            summary = plain_text(digest.intro) or f"{len(digest.entries)} papers"
            fe.description(truncate(summary, 400))
            fe.content(self._digest_html(digest), type="CDATA")
            fe.published(self._when(digest))
            fe.updated(self._when(digest))
        return fg

    def _appearance_feed(self, title: str, description: str, self_path: str, alternate: str,
                         appearances: Iterable[Appearance]) -> FeedGenerator:
        items = list(appearances)
        ranks: dict[tuple, int] = {}
        per_day: dict = {}
        for a in items:
            ranks[(a.digest.date, a.paper.id)] = per_day.get(a.digest.date, 0)
            per_day[a.digest.date] = ranks[(a.digest.date, a.paper.id)] + 1
        fg = self._feed(title, description, self_path, alternate,
                        self._when(items[0].digest) if items else None)
        for a in reversed(items):
            paper = a.paper
            fe = fg.add_entry()
            link = self.abs(urls.digest(a.digest.date)) + "#" + urls.entry_anchor(paper.id)
            fe.id(link)
            fe.guid(link, permalink=True)
            fe.title(("Pick: " if a.entry.pick else "") + paper.title)
            fe.link(href=self.abs(urls.paper(paper.id)))
            body = []
            if paper.byline:
                body.append(f"<p><em>{escape(paper.byline)}</em></p>")
            if a.entry.note:
                body.append(str(render_markdown(a.entry.note)))
            if paper.abstract:
                body.append(f"<p>{escape(paper.abstract)}</p>")
            body.append(f'<p>From <a href="{escape(self.abs(urls.digest(a.digest.date)))}">'
                        f"{escape(a.digest.title)}</a>, curated by {escape(a.digest.curator.name)}.</p>")
            fe.description(truncate(plain_text(a.entry.note) or paper.abstract or paper.title, 400))
            fe.content("".join(body), type="CDATA")
            for tag in a.entry.tags:
                fe.category(term=tag, label=tag)
            when = self._when(a.digest, ranks[(a.digest.date, paper.id)])
            fe.published(when)
            fe.updated(when)
        return fg

    def papers_feed(self, appearances: tuple[Appearance, ...]) -> bytes:
        return self._appearance_feed(f"{self.config.title}: every paper",
                                     f"Every paper in {self.config.title}, curator picks first.",
                                     urls.PAPERS_FEED, urls.ARCHIVE, appearances).rss_str(pretty=True)

    def tag_feed(self, tag: str, appearances: tuple[Appearance, ...]) -> bytes:
        return self._appearance_feed(f"{self.config.title}: {tag}", f"Papers tagged {tag}.",
                                     urls.tag_feed(tag), urls.tag(tag), appearances).rss_str(pretty=True)
