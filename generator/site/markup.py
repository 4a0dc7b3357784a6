"""Turning text into HTML safely.

Curator Markdown (intros, notes, pages) is rendered and then sanitized with
nh3 (the Ammonia sanitizer): scripts, event handlers and non-http(s) links
never reach a page. Abstracts never pass through Markdown: they are escaped
and shown exactly as the record holds them.
"""
from __future__ import annotations

import re
from functools import lru_cache

import markdown
import nh3
from markupsafe import Markup, escape

ALLOWED_TAGS = {"a", "abbr", "b", "blockquote", "br", "code", "del", "em", "h2", "h3", "h4", "hr", "i", "li",
                "ol", "p", "pre", "strong", "sub", "sup", "table", "tbody", "td", "th", "thead", "tr", "ul"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "td": {"align"}, "th": {"align"}}
SAFE_SCHEMES = {"http", "https"}
_SCHEME = re.compile(r"^\s*([a-zA-Z][a-zA-Z0-9+.-]*):")
_HREF = re.compile(r"""href\s*=\s*["']([^"']*)["']""", re.I)

_md = markdown.Markdown(extensions=["tables", "sane_lists"], output_format="html")


def is_safe_url(url: str) -> bool:
    """http(s) or relative; anything with another scheme (javascript:, data:, ...) is not."""
    cleaned = re.sub(r"[\x00-\x20\x7f]+", "", url)
    match = _SCHEME.match(cleaned)
    return match is None or match.group(1).lower() in SAFE_SCHEMES


def unsafe_links(text: str) -> list[str]:
    """Links in curator Markdown that will be dropped, so the loader can warn."""
    html = _render_raw(text)
    return [href for href in _HREF.findall(html) if not is_safe_url(href)]


def _render_raw(text: str) -> str:
    _md.reset()
    return _md.convert(text)


@lru_cache(maxsize=65536)
def render_markdown(text: str) -> Markup:
    """Curator Markdown as sanitized HTML. Headings start at h2 (the page owns h1)."""
    if not text.strip():
        return Markup("")
    html = _render_raw(text)
    html = re.sub(r"<(/?)h1([ >])", r"<\1h2\2", html)
    clean = nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=SAFE_SCHEMES,
                      link_rel="nofollow noopener noreferrer", strip_comments=True)
    return Markup(clean)


def plain_text(markdown_text: str) -> str:
    """Markdown reduced to plain text (for meta descriptions and feed summaries)."""
    html = str(render_markdown(markdown_text))
    text = nh3.clean(html, tags=set())
    return re.sub(r"\s+", " ", _unescape(text)).strip()


def _unescape(text: str) -> str:
    import html
    return html.unescape(text)


def abstract_html(text: str) -> Markup:
    """The abstract, escaped, with its paragraph breaks; nothing else changes."""
    paragraphs = [p for p in re.split(r"\n\s*\n", text) if p.strip()]
    return Markup("".join(f"<p>{escape(p)}</p>" for p in paragraphs))


def truncate(text: str, limit: int) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    return (cut[: cut.rfind(" ")] if " " in cut[limit // 2:] else cut).rstrip(",;: ") + "…"
