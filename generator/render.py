"""Render the HTML pages of the site from the catalog and a theme."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlsplit

import jinja2
from markupsafe import Markup

from . import urls
from .catalog import MONTH_NAMES, Appearance, Catalog
from .markup import abstract_html, plain_text, render_markdown, truncate
from .model import Digest, Paper
from .themes import Asset, Theme

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def long_date(day: date) -> str:
    return f"{day.day} {MONTH_NAMES[day.month - 1]} {day.year}"


def weekday_date(day: date) -> str:
    return f"{WEEKDAYS[day.weekday()]}, {long_date(day)}"


def plural(count: int, word: str, many: str | None = None) -> str:
    return f"{count:,} {word if count == 1 else (many or word + 's')}"


def bibtex(paper: Paper) -> str:
    """A BibTeX entry; arXiv papers get the eprint fields biblatex and Zotero understand."""
    first = (paper.authors[0].split()[-1] if paper.authors else "anon").lower()
    first = "".join(ch for ch in first if ch.isalnum()) or "anon"
    year = str(paper.published.year) if paper.published else ""
    word = next((w for w in "".join(c if c.isalnum() else " " for c in paper.title.lower()).split()
                 if len(w) > 3), "paper")
    fields = [("title", "{" + _bib_escape(paper.title) + "}")]
    if paper.authors:
        fields.append(("author", " and ".join(_bib_escape(a) for a in paper.authors)))
    if year:
        fields.append(("year", year))
    if paper.arxiv:
        fields += [("eprint", paper.arxiv), ("archivePrefix", "arXiv")]
        if paper.category:
            fields.append(("primaryClass", paper.category))
    url = paper.links.arxiv or (f"https://arxiv.org/abs/{paper.arxiv}" if paper.arxiv else "")
    if url:
        fields.append(("url", url))
    body = ",\n".join(f"  {k} = {{{v}}}" if not v.startswith("{") else f"  {k} = {v}" for k, v in fields)
    return f"@misc{{{first}{year}{word},\n{body}\n}}"


def _bib_escape(text: str) -> str:
    return text.replace("{", "\\{").replace("}", "\\}") if text.count("{") != text.count("}") else text


def json_ld(data: dict[str, Any]) -> Markup:
    """JSON for a <script type="application/ld+json"> block that cannot close the element."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


@dataclass(frozen=True)
class Feed:
    title: str
    path: str
    kind: str = "application/rss+xml"


class Renderer:
    """Renders each kind of page; every method returns (file path, html)."""

    def __init__(self, catalog: Catalog, theme: Theme, assets: dict[str, Asset]):
        self.catalog = catalog
        self.site = catalog.site.config
        self.assets = assets
        self.env = jinja2.Environment(loader=theme.loader(), autoescape=True, trim_blocks=True,
                                      lstrip_blocks=True, undefined=jinja2.StrictUndefined,
                                      auto_reload=False, cache_size=-1)
        self.env.filters.update(markdown=render_markdown, abstract=abstract_html, long_date=long_date,
                                weekday_date=weekday_date, plain=plain_text, truncate_text=truncate)
        self.env.globals.update(site=self.site, plural=plural, urls=urls,
                                menu_pages=[p for p in catalog.site.pages if p.menu],
                                catalog=catalog)
        self.root_prefix = urlsplit(self.site.base_url).path or "/"
        self.site_feeds = [Feed(f"{self.site.title}: digests (RSS)", urls.RSS),
                           Feed(f"{self.site.title}: digests (Atom)", urls.ATOM, "application/atom+xml"),
                           Feed(f"{self.site.title}: every paper (RSS)", urls.PAPERS_FEED)]

    # -- shared page context -------------------------------------------------

    def _render(self, template: str, path: str, *, title: str, description: str = "",
                feeds: list[Feed] | None = None, absolute_links: bool = False, **context: Any) -> tuple[str, str]:
        if absolute_links:  # 404.html is served at any depth, so it links from the site root
            def url(target: str) -> str:
                return self.root_prefix + target
        else:
            def url(target: str) -> str:
                return urls.relative(path, target)

        def asset(name: str) -> str:
            return url(self.assets[name].path)

        html = self.env.get_template(template).render(
            page_path=path, url=url, asset=asset, abs_url=self.abs_url, title=title,
            description=description or self.site.description, canonical=self.abs_url(path),
            feeds=[*self.site_feeds, *(feeds or [])], **context)
        return urls.file_for(path), html

    def abs_url(self, path: str) -> str:
        return urls.absolute(self.site.base_url, path)

    def _digest_context(self, digest: Digest) -> dict[str, Any]:
        newer, older = self.catalog.neighbours(digest)
        return {"digest": digest, "newer": newer, "older": older}

    # -- pages ------------------------------------------------------------------

    def home(self) -> tuple[str, str]:
        digests = self.catalog.site.digests
        latest = digests[0] if digests else None
        context = self._digest_context(latest) if latest else {"digest": None, "newer": None, "older": None}
        return self._render("index.html", urls.HOME, title=self.site.title, earlier=digests[1:13], **context)

    def digest(self, digest: Digest) -> tuple[str, str]:
        description = plain_text(digest.intro) or f"{plural(len(digest.entries), 'paper')} curated by " \
                                                  f"{digest.curator.name}."
        return self._render("digest.html", urls.digest(digest.date), title=digest.title,
                            description=truncate(description, 200), og_type="article",
                            **self._digest_context(digest))

    def paper(self, paper: Paper) -> tuple[str, str]:
        appearances: tuple[Appearance, ...] = self.catalog.by_paper.get(paper.id, ())
        path = urls.paper(paper.id)
        return self._render("paper.html", path, title=paper.title, description=truncate(paper.abstract, 200),
                            og_type="article", paper=paper, appearances=appearances, bibtex=bibtex(paper),
                            json_ld=json_ld(self._scholarly_article(paper, path)))

    def _scholarly_article(self, paper: Paper, path: str) -> dict[str, Any]:
        data: dict[str, Any] = {"@context": "https://schema.org", "@type": "ScholarlyArticle",
                                "headline": paper.title[:110], "name": paper.title, "url": self.abs_url(path)}
        if paper.abstract:
            data["abstract"] = paper.abstract
        if paper.authors:
            data["author"] = [{"@type": "Person", "name": a} for a in paper.authors]
        elif paper.organization:
            data["author"] = {"@type": "Organization", "name": paper.organization.fullname or paper.organization.name}
        if paper.published:
            data["datePublished"] = paper.published.isoformat()
        same_as = [u for u in (paper.links.arxiv, paper.links.hf) if u]
        if same_as:
            data["sameAs"] = same_as
        if paper.upvotes is not None:
            data["interactionStatistic"] = {"@type": "InteractionCounter", "interactionType": "https://schema.org/LikeAction",
                                            "userInteractionCount": paper.upvotes}
        return data

    def tags_index(self) -> tuple[str, str]:
        return self._render("tags.html", urls.TAGS, title="Tags",
                            description=f"{plural(len(self.catalog.tags), 'topic')} tagged by the curators.",
                            tags=self.catalog.tags)

    def tag(self, tag: Any) -> tuple[str, str]:
        feed = Feed(f"{self.site.title}: papers tagged {tag.name}", urls.tag_feed(tag.name))
        return self._render("tag.html", urls.tag(tag.name), title=f"Papers tagged {tag.name}",
                            description=f"{plural(len(tag.appearances), 'paper')} tagged {tag.name}.",
                            tag=tag, feeds=[feed], tag_feed=feed)

    def archive(self) -> tuple[str, str]:
        return self._render("archive.html", urls.ARCHIVE, title="Archive",
                            description=f"All {plural(len(self.catalog.site.digests), 'digest')}, by month.",
                            months=self.catalog.months)

    def page(self, page: Any) -> tuple[str, str]:
        return self._render("page.html", urls.page(page.slug), title=page.title, description=page.description,
                            page=page)

    def search(self) -> tuple[str, str]:
        return self._render("search.html", urls.SEARCH, title="Search",
                            description="Search titles, abstracts, notes and tags.",
                            bundles=list(self.catalog.search_shards))

    def not_found(self) -> tuple[str, str]:
        return self._render("404.html", urls.NOT_FOUND, title="Page not found", absolute_links=True)
