"""Paper ids: the arXiv id without its version, else a slug of the title."""
from __future__ import annotations

import hashlib
import re
import unicodedata

MAX_ID = 80
_NEW_ARXIV = re.compile(r"(\d{4}\.\d{4,5})(?:v\d+)?", re.ASCII)
_OLD_ARXIV = re.compile(r"([a-z-]+(?:\.[A-Za-z-]+)?)/(\d{7})(?:v\d+)?", re.ASCII)
_ARXIV_URL = re.compile(r"^(?:https?://)?(?:www\.|export\.)?arxiv\.org/(?:abs|pdf)/(.+?)(?:\.pdf)?/?$", re.I)


def normalize_arxiv(value: str) -> str | None:
    """'arXiv:2410.17243v2', 'https://arxiv.org/abs/2410.17243' -> '2410.17243'.
    Old-style ids keep their slash: 'hep-th/9901001'. None if not an arXiv id."""
    text = value.strip()
    match = _ARXIV_URL.match(text)
    if match:
        text = match.group(1)
    text = re.sub(r"^arxiv:", "", text, flags=re.I)
    new = _NEW_ARXIV.fullmatch(text)
    if new:
        return new.group(1)
    old = _OLD_ARXIV.fullmatch(text)
    if old:
        return f"{old.group(1)}/{old.group(2)}"
    return None


def id_for_arxiv(arxiv: str) -> str:
    """A URL-safe paper id for a normalized arXiv id (old style: '/' becomes '-')."""
    return arxiv.lower().replace("/", "-")


def slugify(text: str, limit: int = MAX_ID) -> str:
    """Lowercase ASCII words joined by '-', cut at a word boundary within `limit`."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if len(slug) > limit:
        cut = slug[: limit + 1]
        slug = cut[: cut.rfind("-")] if "-" in cut[limit // 2:] else slug[:limit]
        slug = slug.strip("-")
    return slug or "paper"


def title_key(title: str) -> str:
    """What makes two titles the same paper: case, punctuation and spacing ignored."""
    return slugify(title, limit=10_000)


def disambiguate(slug: str, title: str, abstract: str) -> str:
    """A slug for a different paper whose title slug is already taken: the
    suffix comes from the paper's own text, so it does not depend on order."""
    digest = hashlib.sha256(f"{title}\n{abstract}".encode()).hexdigest()[:8]
    return f"{slug[: MAX_ID - 9].rstrip('-')}-{digest}"


def shard(paper_id: str) -> str:
    """The subfolder of content/papers/ for an id: arXiv ids by year and month
    (at most a few thousand curated papers a month), slugs by the first two letters of the title."""
    if re.fullmatch(r"[0-9]{4}\.[0-9]{4,5}", paper_id):
        return paper_id[:4]
    letters = re.sub(r"[^a-z0-9]", "", paper_id)
    return "t-" + (letters[:2] or "00")
