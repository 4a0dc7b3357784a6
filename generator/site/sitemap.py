"""sitemap.xml and robots.txt."""
from __future__ import annotations

from xml.sax.saxutils import escape

from . import urls
from .catalog import Catalog

Entry = tuple[str, str | None]  # (site path, last modified day)


def sitemap_entries(catalog: Catalog) -> tuple[Entry, ...]:
    """Every page with the date of its newest digest."""
    digests = catalog.site.digests
    latest = digests[0].date.isoformat() if digests else None
    entries: list[Entry] = [(urls.HOME, latest), (urls.ARCHIVE, latest), (urls.TAGS, latest)]
    entries += [(urls.digest(d.date), d.date.isoformat()) for d in digests]
    entries += [(urls.paper(p.id), catalog.by_paper[p.id][0].digest.date.isoformat()) for p in catalog.papers]
    entries += [(urls.tag(t.name), t.appearances[0].digest.date.isoformat()) for t in catalog.tags]
    entries += [(urls.week(p.summary.key), p.digests[0].date.isoformat()) for p in catalog.weeks]
    entries += [(urls.month(p.summary.key), p.digests[0].date.isoformat()) for p in catalog.month_periods]
    entries += [(urls.page(p.slug), None) for p in catalog.site.pages]
    return tuple(entries)


def sitemap_xml(base_url: str, entries: tuple[Entry, ...]) -> str:
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    for path, lastmod in entries:
        stamp = f"<lastmod>{lastmod}</lastmod>" if lastmod else ""
        lines.append(f"  <url><loc>{escape(base_url + path)}</loc>{stamp}</url>")
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"


def robots_txt(base_url: str) -> str:
    return f"User-agent: *\nAllow: /\n\nSitemap: {base_url}{urls.SITEMAP}\n"
