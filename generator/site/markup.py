"""Turning text into HTML safely.

Curator Markdown (intros, notes, pages) is rendered with markdown-it-py, a
CommonMark parser whose time grows linearly with its input (Python-Markdown
recursed on 800 nested list markers and took 22 s over 8,000 '['), and then
sanitized with nh3 (the Ammonia sanitizer). Every link and image address is
judged by one predicate, `is_safe_url`: the loader warns about the ones it
refuses, and the sanitizer drops the same ones. Abstracts never pass through
Markdown: site/latex.py typesets them, escaping everything else.
"""
from __future__ import annotations

import html as html_lib
import re
from collections.abc import Iterator
from functools import lru_cache
from urllib.parse import unquote

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token
from markupsafe import Markup

ALLOWED_TAGS = {"a", "abbr", "b", "blockquote", "br", "code", "del", "em", "h2", "h3", "h4", "hr", "i", "li",
                "ol", "p", "pre", "s", "strong", "sub", "sup", "table", "tbody", "td", "th", "thead", "tr", "ul"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "td": {"align"}, "th": {"align"}}
SAFE_SCHEMES = {"http", "https"}
_SCHEME = re.compile(r"([a-zA-Z][a-zA-Z0-9+.-]*):")
_INVISIBLE = re.compile(r"[\x00-\x20\x7f-\x9f\u200b-\u200f\u2028\u2029\ufeff]+")
_HTML_URL = re.compile(r"""\b(?:href|src)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.I)

_md = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
_md.validateLink = lambda url: True  # type: ignore[method-assign]  # every link becomes a token: is_safe_url decides, and says so


def is_safe_url(url: str) -> bool:
    """http(s) or relative to the site. Anything else is not: another scheme however it
    is disguised (entities, percent-encoding, control characters: 'jav&#x61;script:'),
    and '//host/x', which leaves the site."""
    cleaned = _INVISIBLE.sub("", unquote(html_lib.unescape(url)))
    if cleaned.startswith(("//", "\\\\", "/\\", "\\/")):
        return False
    match = _SCHEME.match(cleaned)
    return match is None or match.group(1).lower() in SAFE_SCHEMES


def _addresses(tokens: list[Token]) -> Iterator[str]:
    for token in tokens:
        if token.children:
            yield from _addresses(token.children)
        if token.type == "link_open":
            yield str(token.attrGet("href") or "")
        elif token.type == "image":
            yield str(token.attrGet("src") or "")
        elif token.type in ("html_inline", "html_block"):
            for match in _HTML_URL.finditer(token.content):
                yield next(group for group in match.groups() if group is not None)


def unsafe_links(text: str) -> list[str]:
    """Link and image addresses in curator Markdown that will be dropped, so the loader can warn."""
    return [url for url in _addresses(_md.parse(text)) if not is_safe_url(url)]


def _keep_safe(tag: str, attribute: str, value: str) -> str | None:
    return None if attribute in ("href", "src") and not is_safe_url(value) else value


@lru_cache(maxsize=65536)
def render_markdown(text: str) -> Markup:
    """Curator Markdown as sanitized HTML. Headings start at h2 (the page owns h1)."""
    if not text.strip():
        return Markup("")
    html = re.sub(r"<(/?)h1([ >])", r"<\1h2\2", _md.render(text).strip())
    clean = nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=SAFE_SCHEMES,
                      attribute_filter=_keep_safe, link_rel="nofollow noopener noreferrer", strip_comments=True)
    return Markup(clean)


def plain_text(markdown_text: str) -> str:
    """Markdown reduced to plain text (for meta descriptions and feed summaries)."""
    html = str(render_markdown(markdown_text))
    text = nh3.clean(html, tags=set())
    return re.sub(r"\s+", " ", html_lib.unescape(text)).strip()


def truncate(text: str, limit: int) -> str:
    """`text` with its white space collapsed, cut at a word boundary to at most `limit` characters."""
    head = " ".join(text[: 2 * limit + 2].split())  # as re.sub(r"\s+", " ").strip(), five times faster
    # a start of the text, collapsed, is a start of the whole text collapsed: when it is longer than
    # the limit, the cut is made inside it (a page's description needs 200 of an abstract's 1,500)
    text = head if len(head) > limit else " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    return (cut[: cut.rfind(" ")] if " " in cut[limit // 2:] else cut).rstrip(",;: ") + "…"
