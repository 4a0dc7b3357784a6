"""Small pure functions templates use: dates in words, plurals, BibTeX, JSON-LD.

Dates are spelled out here rather than with strftime, which follows the locale.
"""
from __future__ import annotations

import json
from datetime import date
from typing import Any

from markupsafe import Markup

from ..content.model import Paper
from . import bibtex as bib
from .catalog import MONTH_NAMES
from .markup import truncate

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def long_date(day: date) -> str:
    return f"{day.day} {MONTH_NAMES[day.month - 1]} {day.year}"


def weekday_date(day: date) -> str:
    return f"{WEEKDAYS[day.weekday()]}, {long_date(day)}"


def plural(count: int, word: str, many: str | None = None) -> str:
    return f"{count:,} {word if count == 1 else (many or word + 's')}"


def bibtex(paper: Paper, page_url: str = "") -> str:
    """The paper's BibTeX entry (site/bibtex.py: the same entries as the .bib files)."""
    return bib.bibtex_entry(paper, page_url=page_url)


def json_ld(data: dict[str, Any]) -> Markup:
    """JSON for a <script type="application/ld+json"> block that cannot close the element."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def scholarly_article(paper: Paper, url: str) -> Markup:
    """schema.org JSON-LD for a paper page."""
    data: dict[str, Any] = {"@context": "https://schema.org", "@type": "ScholarlyArticle",
                            "headline": paper.title[:110], "name": paper.title, "url": url}
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
        data["interactionStatistic"] = {"@type": "InteractionCounter",
                                        "interactionType": "https://schema.org/LikeAction",
                                        "userInteractionCount": paper.upvotes}
    return json_ld(data)


_ABBREVIATIONS = ("e.g.", "i.e.", "et al.", "etc.", "vs.", "cf.", "Fig.", "Figs.", "Eq.", "Eqs.", "Sec.", "resp.",
                  "approx.", "No.", "Dr.", "Tab.", "Ref.", "ca.")


def first_sentence(text: str, limit: int = 320) -> str:
    """The first sentence of an abstract (raw text, LaTeX left in), for a one-line preview.

    A sentence ends at '.', '!' or '?' followed by a space and an upper-case letter, a digit or an
    opening quote/bracket, outside $..$ math, and not after a common abbreviation or a single
    capital (an initial). Linear in the length of the text; at most `limit` characters are kept."""
    text = " ".join(text.split())
    math = False
    n = len(text)
    for i, ch in enumerate(text):
        if i >= limit:
            break
        if ch == "$" and (i == 0 or text[i - 1] != "\\"):
            math = not math
        elif ch in ".!?" and not math and i + 2 < n and text[i + 1] == " " and \
                (text[i + 2].isupper() or text[i + 2].isdigit() or text[i + 2] in "\"'`([$"):
            head = text[: i + 1]
            word = head.rsplit(" ", 1)[-1]
            if word in _ABBREVIATIONS or (len(word) == 2 and word[0].isupper()):
                continue
            return head
    if len(text) <= limit:
        return text
    return truncate(text, limit)


def dashes(text: str) -> str:
    """A title's spaced ' -- ' and ' --- ' as an en and an em dash (as LaTeX sets them); '--' inside a
    word or a flag is left alone."""
    return text.replace(" --- ", " — ").replace(" -- ", " – ")
