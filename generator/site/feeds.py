"""The site's feeds: RSS 2.0 and Atom (written with feedgen), JSON Feed 1.1 and OPML.

Every feed is a pure function of the items it lists and the site settings, and
passes the W3C Feed Validator with no warning (see feedhtml.py for how).

The rules (README, "Feeds"):

- Item ids never change. A digest's id is its page URL; a paper's id is its
  paper page URL, whatever digest it appears in. The papers feed and tag feeds
  hold one item per paper: its newest appearance (note, tags and digest of
  that appearance).
- Dates come from digest dates, never from a clock: an item is published at
  PUBLISH_HOUR on the day of its (newest) digest, in the site's time zone.
  Items of one digest share that instant; the file order is the curator's order.
- Atom ``updated`` (and JSON Feed ``date_modified``) is the published instant
  plus a number of seconds (under 12 hours, so never past the digest's day)
  taken from a hash of the entry's content: an edit of a note changes that
  entry's ``updated`` and nothing else; a rebuild of unchanged content changes
  nothing. It is a content fingerprint on the digest's day, not the time of
  the edit (the build has no history to know that).
- Titles are plain titles, whatever the pick state. Fields that change
  without the curator (upvotes) never reach a feed (`for_feeds`), so they do
  not rewrite feed files.
"""
from __future__ import annotations

import hashlib
import html as _html
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from .. import __version__
from ..content.model import Digest, DigestEntry, SiteConfig
from . import feedhtml, jsonfeed, opml, urls
from .catalog import Appearance
from .markup import plain_text, render_markdown

if TYPE_CHECKING:
    from feedgen.feed import FeedGenerator

PUBLISH_HOUR = 12  # digests are dated by day; items get a fixed time on that day
EDIT_WINDOW = 12 * 3600  # `updated` lies in [published, published + 12 h)
SUMMARY_CHARS = 400
JSON_FEED, PAPERS_JSON_FEED, OPML, tag_json_feed = urls.JSON_FEED, urls.PAPERS_JSON_FEED, urls.OPML, urls.tag_json_feed


# -- what a feed is made of --------------------------------------------------

@lru_cache(maxsize=65536)  # one object per entry, shared by every feed that lists it; bounded for digest serve
def _entry_for_feeds(entry: DigestEntry) -> DigestEntry:
    return replace(entry, paper=replace(entry.paper, upvotes=None))


@lru_cache(maxsize=4096)  # bounded: digest serve builds again and again in one process
def for_feeds(digest: Digest) -> Digest:
    """The digest as feeds see it: without upvotes, which feeds do not show."""
    return replace(digest, entries=tuple(_entry_for_feeds(e) for e in digest.entries))


def newest_per_paper(appearances: Iterable[Appearance], limit: int) -> tuple[Appearance, ...]:
    """One appearance per paper, its newest (`appearances` is newest first), at most `limit`,
    without upvotes (see `for_feeds`)."""
    seen: set[str] = set()
    out = []
    for a in appearances:
        if a.paper.id in seen:
            continue
        seen.add(a.paper.id)
        out.append(Appearance(a.digest, _entry_for_feeds(a.entry)))
        if len(out) == limit:
            break
    return tuple(out)


@dataclass(frozen=True)
class FeedInfo:
    """One feed of the site, as the /feeds/ page and feeds.opml list it."""

    title: str
    path: str
    kind: str  # "rss", "atom" or "json"
    home: str  # the page the feed follows
    description: str
    group: str = ""

    @property
    def mime(self) -> str:
        return {"rss": "application/rss+xml", "atom": "application/atom+xml", "json": jsonfeed.MIME_TYPE}[self.kind]


def site_feeds(title: str, tag_names: Iterable[str]) -> tuple[FeedInfo, ...]:
    """Every feed the site publishes, site-wide feeds first, then two per tag."""
    feeds = [FeedInfo(f"{title}: digests (RSS)", urls.RSS, "rss", urls.HOME,
                      "One item per digest: the intro, then every paper with its note, tags and links."),
             FeedInfo(f"{title}: digests (Atom)", urls.ATOM, "atom", urls.HOME,
                      "The same items as the RSS digest feed, in Atom."),
             FeedInfo(f"{title}: digests (JSON Feed)", JSON_FEED, "json", urls.HOME,
                      "The same items as the RSS digest feed, in JSON Feed 1.1."),
             FeedInfo(f"{title}: every paper (RSS)", urls.PAPERS_FEED, "rss", urls.ARCHIVE,
                      "One item per paper, from its newest digest, curator picks first."),
             FeedInfo(f"{title}: every paper (JSON Feed)", PAPERS_JSON_FEED, "json", urls.ARCHIVE,
                      "The same items as the RSS paper feed, in JSON Feed 1.1.")]
    for name in tag_names:
        feeds += [FeedInfo(f"{title}: {name} (RSS)", urls.tag_feed(name), "rss", urls.tag(name),
                           f"One item per paper tagged {name}.", group="Tags"),
                  FeedInfo(f"{title}: {name} (JSON Feed)", tag_json_feed(name), "json", urls.tag(name),
                           f"One item per paper tagged {name}, in JSON Feed 1.1.", group="Tags")]
    return tuple(feeds)


@dataclass(frozen=True)
class _Item:
    """One feed item in every format's terms."""

    id: str  # absolute URL, also the link
    title: str
    content_html: str
    summary: str  # plain text
    published: datetime
    updated: datetime
    authors: tuple[str, ...]
    tags: tuple[str, ...]
    external_url: str = ""


class Feeds:
    """Makes each feed from exactly the items it lists, and the site settings."""

    def __init__(self, config: SiteConfig):
        self.config = config
        self.zone = ZoneInfo(self.config.timezone)

    def abs(self, path: str) -> str:
        return urls.absolute(self.config.base_url, path)

    def published(self, day: date) -> datetime:
        return datetime.combine(day, time(PUBLISH_HOUR), self.zone)

    @staticmethod
    def updated(published: datetime, *content: str) -> datetime:
        """`published` plus a content fingerprint in seconds (see the module docstring)."""
        digest = hashlib.sha256("\x00".join(content).encode("utf-8")).digest()
        return published + timedelta(seconds=int.from_bytes(digest[:8], "big") % EDIT_WINDOW)

    # -- items ---------------------------------------------------------------

    def _digest_item(self, digest: Digest) -> _Item:
        page = self.abs(urls.digest(digest.date))
        html = feedhtml.digest_item_html(digest, base_url=self.config.base_url, page_url=page,
                                         render=render_markdown,
                                         paper_url=lambda p: self.abs(urls.paper(p.id)),
                                         tag_url=lambda t: self.abs(urls.tag(t)))
        count = len(digest.entries)
        summary = plain_text(digest.intro) or f"{count} paper{'' if count == 1 else 's'} curated by " \
                                               f"{digest.curator.name}."
        summary = feedhtml.shorten(summary, SUMMARY_CHARS)
        tags = tuple(sorted({t for e in digest.entries for t in e.tags}))
        published = self.published(digest.date)
        return _Item(page, digest.title, html, summary, published,
                     self.updated(published, digest.title, html, summary), (digest.curator.name,), tags)

    def _paper_item(self, a: Appearance) -> _Item:
        paper, entry = a.paper, a.entry
        page = self.abs(urls.digest(a.digest.date))
        link = self.abs(urls.paper(paper.id))
        html = feedhtml.entry_html(entry, page_url=page, paper_url=link,
                                   note_html=str(render_markdown(entry.note)) if entry.note.strip() else "",
                                   tag_urls=[(t, self.abs(urls.tag(t))) for t in entry.tags])
        html += (f'<p>From <a href="{_html.escape(page + "#" + urls.entry_anchor(paper.id))}">'
                 f"{_html.escape(a.digest.title, quote=False)}</a>, curated by "
                 f"{_html.escape(a.digest.curator.name, quote=False)}.</p>")
        summary = feedhtml.shorten(plain_text(entry.note) or feedhtml.abstract_preview(paper.abstract)
                                   or paper.title, SUMMARY_CHARS)
        if paper.authors:
            authors = paper.authors
        else:
            who = feedhtml.byline(paper)
            authors = (who,) if who else ()
        published = self.published(a.digest.date)
        external = next((u for _, u in feedhtml.outbound_links(paper)), "")
        return _Item(link, paper.title, html, summary, published,
                     self.updated(published, paper.title, html, summary), authors, entry.tags, external)

    # -- RSS and Atom --------------------------------------------------------

    def _feedgen(self, title: str, description: str, self_path: str, alternate: str,
                 items: list[_Item]) -> FeedGenerator:
        from feedgen.feed import FeedGenerator  # imported when a feed is actually rendered
        fg = FeedGenerator()
        fg.load_extension("dc", atom=False, rss=True)
        fg.id(self.abs(self_path))
        fg.title(title)
        fg.description(description or title)
        fg.link(href=self.abs(self_path), rel="self")
        fg.link(href=self.abs(alternate), rel="alternate")  # feedgen uses the last link as the RSS <link>
        fg.language(self.config.language)
        fg.generator("digest", version=__version__)
        fg.lastBuildDate(max((i.published for i in items), default=datetime(2000, 1, 1, tzinfo=self.zone)))
        fg.updated(max((i.updated for i in items), default=datetime(2000, 1, 1, tzinfo=self.zone)))
        for item in reversed(items):  # feedgen prepends: add oldest first
            fe = fg.add_entry()
            fe.id(item.id)
            fe.guid(item.id, permalink=True)
            fe.title(item.title)
            fe.link(href=item.id)
            for name in item.authors:
                fe.author(name=name)
            if item.authors:
                fe.dc.dc_creator(list(item.authors))
            for tag in item.tags:
                fe.category(term=tag, label=tag)
            feedhtml.apply_entry_content(fe, item.content_html, item.summary)
            fe.published(item.published)
            fe.updated(item.updated)
        return fg

    @staticmethod
    def _rss(fg: FeedGenerator) -> bytes:
        return feedhtml.hex_char_refs(fg.rss_str(pretty=True))

    def _digests_fg(self, digests: tuple[Digest, ...], self_path: str) -> FeedGenerator:
        return self._feedgen(self.config.title, self.config.description, self_path, urls.HOME,
                             [self._digest_item(d) for d in digests])

    def rss(self, digests: tuple[Digest, ...]) -> bytes:
        return self._rss(self._digests_fg(digests, urls.RSS))

    def atom(self, digests: tuple[Digest, ...]) -> bytes:
        return self._digests_fg(digests, urls.ATOM).atom_str(pretty=True)

    def papers_feed(self, appearances: tuple[Appearance, ...]) -> bytes:
        return self._rss(self._feedgen(f"{self.config.title}: every paper",
                                       f"Every paper in {self.config.title}, one item each, from its newest digest.",
                                       urls.PAPERS_FEED, urls.ARCHIVE, [self._paper_item(a) for a in appearances]))

    def tag_feed(self, tag: str, appearances: tuple[Appearance, ...]) -> bytes:
        return self._rss(self._feedgen(f"{self.config.title}: {tag}", f"Papers tagged {tag}.",
                                       urls.tag_feed(tag), urls.tag(tag), [self._paper_item(a) for a in appearances]))

    # -- JSON Feed -----------------------------------------------------------

    def _json(self, title: str, description: str, self_path: str, home: str, items: list[_Item]) -> bytes:
        return jsonfeed.json_feed(
            title=title, description=description, home_page_url=self.abs(home), feed_url=self.abs(self_path),
            language=self.config.language,
            items=[jsonfeed.Item(id=i.id, url=i.id, title=i.title, content_html=i.content_html, summary=i.summary,
                                 external_url=i.external_url, date_published=i.published, date_modified=i.updated,
                                 authors=[jsonfeed.Author(name=a) for a in i.authors], tags=i.tags)
                   for i in items])

    def json_digests(self, digests: tuple[Digest, ...]) -> bytes:
        return self._json(self.config.title, self.config.description or self.config.title, JSON_FEED, urls.HOME,
                          [self._digest_item(d) for d in digests])

    def json_papers(self, appearances: tuple[Appearance, ...]) -> bytes:
        return self._json(f"{self.config.title}: every paper", f"Every paper in {self.config.title}.",
                          PAPERS_JSON_FEED, urls.ARCHIVE, [self._paper_item(a) for a in appearances])

    def json_tag(self, tag: str, appearances: tuple[Appearance, ...]) -> bytes:
        return self._json(f"{self.config.title}: {tag}", f"Papers tagged {tag}.", tag_json_feed(tag),
                          urls.tag(tag), [self._paper_item(a) for a in appearances])

    # -- OPML ----------------------------------------------------------------

    def opml(self, feeds: tuple[FeedInfo, ...]) -> bytes:
        return opml.opml([opml.FeedRef(f.title, self.abs(f.path), self.abs(f.home), f.kind, f.description,
                                       self.config.language, f.group) for f in feeds],
                         title=f"{self.config.title}: feeds")
