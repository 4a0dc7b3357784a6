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
