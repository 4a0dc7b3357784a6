"""The HTML pages of the site: which pages exist, and what each one's template receives.

`page_views` lists every page as a `PageView`: its path, its template and
its context, which holds data only (records, digests, summaries). The build
keys each page by exactly that view (see build/plan.py), so what a template
can reach is what its key covers.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlsplit

from markupsafe import Markup

from ..content.files import display_path
from ..content.model import SiteConfig
from ..diagnostics import DigestError
from . import cards, filters, urls
from .catalog import Appearance, Catalog
from .feeds import site_feeds
from .latex import abstract_html  # remembered there: a paper's abstract shows on several pages
from .markup import plain_text, render_markdown, truncate
from .search import ROOT as SEARCH_INDEX
from .templates import TemplateSet
from .themes import Asset, Theme


@dataclass(frozen=True)
class Feed:
    title: str
    path: str
    kind: str = "application/rss+xml"


@dataclass(frozen=True)
class PageView:
    path: str  # site path: '' for home, 'digests/2026-05-20/'
    template: str
    context: dict[str, Any] = field(default_factory=dict)
    root_links: bool = False  # 404.html is served at any depth, so it links from the site root


def page_views(catalog: Catalog) -> list[PageView]:
    site, config = catalog.site, catalog.site.config
    digests = site.digests
    views: list[PageView] = []
    latest = digests[0] if digests else None
    older = catalog.neighbours(latest)[1] if latest else None
    home: dict[str, Any] = {"title": config.title, "digest": latest, "newer": None, "older": older,
                            "earlier": tuple(d.summary for d in digests[1:13]), "top_week": (), "week": None,
                            "month": None}
    if latest:
        home.update(og_image=urls.digest_card(latest.date), og_image_size=cards.size(cards.DIGEST_SCALE))
        week = catalog.period(catalog.week_of(latest.date).key)
        home.update(week=week.summary, month=catalog.month_of(latest.date),
                    top_week=tuple(sorted((a for a in week.appearances if a.paper.upvotes),
                                          key=lambda a: (-(a.paper.upvotes or 0), a.paper.id))[:TOP_WEEK]))
    views.append(PageView(urls.HOME, "index.html", home))
    for digest in digests:
        newer, older = catalog.neighbours(digest)
        intro = plain_text(digest.intro) or f"{filters.plural(len(digest.entries), 'paper')} curated by " \
                                           f"{digest.curator.name}."
        views.append(PageView(urls.digest(digest.date), "digest.html", {
            "title": digest.title, "description": truncate(intro, 200), "og_type": "article",
            "og_image": urls.digest_card(digest.date), "og_image_size": cards.size(cards.DIGEST_SCALE),
            "digest": digest, "newer": newer, "older": older,
            "week": catalog.week_of(digest.date), "month": catalog.month_of(digest.date)}))
    for period in (*catalog.weeks, *catalog.month_periods):
        newer_period, older_period = catalog.period_neighbours(period)
        summary = period.summary
        views.append(PageView(urls.week(summary.key) if summary.kind == "week" else urls.month(summary.key),
                              "period.html", {
            "title": f"Papers of {summary.label}" if summary.kind == "month" else f"Papers of week {summary.label[5:]}",
            "description": f"{filters.plural(summary.paper_count, 'paper')} from "
                           f"{filters.plural(len(period.digests), 'digest')}, picks first, then by upvotes.",
            "period": period, "newer": newer_period, "older": older_period}))
    related = catalog.related
    for paper in catalog.papers:
        views.append(PageView(urls.paper(paper.id), "paper.html", {
            "title": paper.title, "description": truncate(paper.abstract, 200), "og_type": "article",
            "og_image": urls.paper_card(paper.id), "og_image_size": cards.size(cards.PAPER_SCALE), "paper": paper,
            "appearances": catalog.by_paper[paper.id], "related": related.get(paper.id, ())}))
    views.append(PageView(urls.TAGS, "tags.html", {
        "title": "Tags", "description": f"{filters.plural(len(catalog.tags), 'topic')} tagged by the curators.",
        "tags": tuple(t.summary for t in catalog.tags)}))
    for tag in catalog.tags:
        feed = Feed(f"{config.title}: papers tagged {tag.name}", urls.tag_feed(tag.name))
        json_feed = Feed(f"{config.title}: papers tagged {tag.name} (JSON Feed)", urls.tag_json_feed(tag.name),
                         "application/feed+json")
        views.append(PageView(urls.tag(tag.name), "tag.html", {
            "title": f"Papers tagged {tag.name}",
            "description": f"{filters.plural(len(tag.appearances), 'paper')} tagged {tag.name}.",
            "tag": tag, "extra_feeds": (feed, json_feed), "tag_feed": feed}))
    views.append(PageView(urls.FEEDS, "feeds.html", {
        "title": "Feeds", "description": f"Follow {config.title} in a feed reader: every feed and its address.",
        "site_feeds": site_feeds(config.title, ()),
        "tag_feeds": tuple(f for f in site_feeds(config.title, tuple(t.name for t in catalog.tags)) if f.group)}))
    views.append(PageView(urls.ARCHIVE, "archive.html", {
        "title": "Archive", "description": f"All {filters.plural(len(digests), 'digest')}, by month.",
        "months": catalog.months}))
    for page in site.pages:
        views.append(PageView(urls.page(page.slug), "page.html", {
            "title": page.title, "description": page.description, "page": page}))
    views.append(PageView(urls.SEARCH, "search.html", {
        "title": "Search", "description": "Search titles, authors, abstracts, notes and tags.",
        "index": SEARCH_INDEX}))
    views.append(PageView(urls.NOT_FOUND, "404.html", {"title": "Page not found"}, root_links=True))
    return views


REQUIRED_TEMPLATES = ("index.html", "digest.html", "paper.html", "tags.html", "tag.html", "archive.html",
                      "page.html", "search.html", "404.html", "feeds.html", "period.html")
TOP_WEEK = 5  # most upvoted papers of the week on the home page


def digest_card_text(config: SiteConfig, digest: Any) -> tuple[str, str, str, str, int]:
    """What a digest's social card says (site, day, title, facts), and its scale: cards.card_png's arguments."""
    facts = filters.plural(len(digest.entries), "paper")
    if digest.picks:
        facts += " · " + filters.plural(len(digest.picks), "pick")
    return (config.title, filters.weekday_date(digest.date), digest.title,
            f"{facts} · curated by {digest.curator.name}", cards.DIGEST_SCALE)


def paper_card_text(config: SiteConfig, paper: Any,
                    appearances: tuple[Appearance, ...]) -> tuple[str, str, str, str, int]:
    """What a paper's social card says (site; date; title; authors), and its scale: only what the card shows, so
    that new upvotes or another digest listing the paper leave the card as it is. The date is the paper's
    publication date, else the day of the first digest that listed it."""
    day = paper.published or (appearances[-1].digest.date if appearances else None)
    return (config.title, "Paper" + (f" · {filters.long_date(day)}" if day else ""), filters.dashes(paper.title),
            paper.byline, cards.PAPER_SCALE)


@lru_cache(maxsize=65536)
def preview(paper: Any) -> Markup:
    """A one-line preview of a paper: its TL;DR if the record has one, else the first sentence of its
    abstract, typeset like the abstract."""
    text = getattr(paper, "ai_summary", "") or filters.first_sentence(paper.abstract)
    html = str(abstract_html(text))
    return Markup(html[3:-4] if html.startswith("<p>") and html.count("<p>") == 1 else html)
URLS = SimpleNamespace(**{name: getattr(urls, name) for name in urls.__all__})


class PageRenderer:
    """Renders a PageView with the theme's templates. Everything it adds to the
    view's context comes from the site settings and the theme, which every
    page's key covers."""

    def __init__(self, catalog: Catalog, theme: Theme, assets: dict[str, Asset]):
        self.config: SiteConfig = catalog.site.config
        self.assets = assets
        self.root_prefix = urlsplit(self.config.base_url).path or "/"
        self.site_feeds = (Feed(f"{self.config.title}: digests (RSS)", urls.RSS),
                           Feed(f"{self.config.title}: digests (Atom)", urls.ATOM, "application/atom+xml"),
                           Feed(f"{self.config.title}: digests (JSON Feed)", urls.JSON_FEED, "application/feed+json"),
                           Feed(f"{self.config.title}: every paper (RSS)", urls.PAPERS_FEED))
        self.templates = TemplateSet(theme, filters={
            "markdown": render_markdown, "abstract": abstract_html, "long_date": filters.long_date,
            "weekday_date": filters.weekday_date, "plain": plain_text, "truncate_text": truncate,
            "bibtex": filters.bibtex, "preview": preview, "dashes": filters.dashes}, globals_={
            "site": self.config, "plural": filters.plural, "scholarly_article": filters.scholarly_article,
            "urls": URLS, "catalog": catalog,
            "menu_pages": tuple(p for p in catalog.site.pages if p.menu)})
        missing = [name for name in REQUIRED_TEMPLATES if self.templates._find(name) is None]
        if missing:
            raise DigestError.single(display_path(theme.chain[0]), f"theme '{theme.name}' has no template "
                                     f"'{missing[0]}'" + (f" (nor {len(missing) - 1} more)" * (len(missing) > 1)),
                                     "add 'extends: default' to its theme.yaml, or add the templates")

    def abs_url(self, path: str) -> str:
        return urls.absolute(self.config.base_url, path)

    def render(self, view: PageView) -> str:
        if view.root_links:
            def url(target: str) -> str:
                return self.root_prefix + target
        else:
            def url(target: str) -> str:
                return urls.relative(view.path, target)

        def asset(name: str) -> str:
            return url(self.assets[name].path)

        context = {"page_path": view.path, "url": url, "asset": asset, "abs_url": self.abs_url,
                   "description": self.config.description, "canonical": self.abs_url(view.path),
                   **view.context}
        context["description"] = context["description"] or self.config.description
        context["feeds"] = (*self.site_feeds, *view.context.get("extra_feeds", ()))
        html = self.templates.render(view.template, context)
        if view.root_links and self.root_prefix != "/":
            html = self._root_fallback(html)
        return html

    def _root_fallback(self, html: str) -> str:
        """404.html links assets from the base path (/repo/static/...), which is right where the site is
        published. Served at / instead (a preview, a mirror, a custom domain), those links break: each
        stylesheet is linked a second time from the site root, so the page is styled either way (the
        link that does not resolve is one failed request, and loading the same sheet twice is harmless)."""
        prefix = re.escape(self.root_prefix)
        return re.sub(r'<link rel="stylesheet" href="' + prefix + r'(static/[^"]+)">',
                      lambda m: f'{m.group(0)}\n<link rel="stylesheet" href="/{m.group(1)}">', html)
