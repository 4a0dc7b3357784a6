"""What the search index knows of a paper: its terms, and a score per term.

Only five fields of a paper are indexed, never page chrome (curator names,
"In N digests", navigation): title, authors with the organization (its short
name and full name), abstract, curator notes and tags. Per field a BM25 term
score (saturated term frequency, normalised against a *fixed* typical length,
so one paper's scores never depend on another's), weighted by field and
summed, stored as an integer. The browser multiplies by the term's idf, known
only at query time, so ranks compare across the whole archive.

Terms: NFKD-folded, lower-cased runs of letters and digits, a short stop
list, English plurals folded (chickadees -> chickadee) and nothing more:
stemming merges distinct technical words (general/generation). The client,
themes/default/static/js/search.js, mirrors `fold`, `stem` and `shard_key`.
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

FORMAT = 1
K1 = 1.2
SCALE = 100  # scores are stored as integers: round(score * SCALE)
KEY_CHARS = 2  # a term's shard is its first KEY_CHARS characters
# field: (weight, b, typical length in terms)
FIELDS: dict[str, tuple[float, float, float]] = {
    "title": (5.0, 0.3, 10.0),
    "authors": (3.0, 0.3, 8.0),
    "abstract": (1.0, 0.75, 160.0),
    "notes": (0.7, 0.75, 40.0),
    "tags": (0.5, 0.0, 2.0),
}
STOP = frozenset(
    "a an and are as at be by for from has have in into is it its of on or our that the their this to was we "
    "were which with".split())
_CODE = hashlib.blake2b(Path(__file__).read_bytes(), digest_size=6).hexdigest()  # analyses change with it
_TOKEN = re.compile(r"[^\W_]+")
_KEY_SAFE = re.compile(r"^[a-z0-9]+$")


@dataclass(frozen=True)
class Record:
    """One paper as search sees it; built from the catalog (site/search.py)."""

    id: str
    url: str  # relative to the site root, e.g. papers/ID/
    title: str
    authors: tuple[str, ...] = ()
    organization: tuple[str, ...] = ()  # short name and full name
    abstract: str = ""
    notes: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    date: str = ""  # ISO date of its first digest: the archive sorts and filters by it
    byline: str = ""  # shown in results, not indexed separately

    @property
    def key(self) -> str:
        """What `analyze` depends on, hashed: analyses are cached by it across builds."""
        h = hashlib.blake2b(digest_size=12)
        for text in (self.title, *self.authors, "\0", *self.organization, "\0", self.abstract, "\0",
                     *self.notes, "\0", *self.tags):
            data = text.encode("utf-8", "surrogatepass")
            h.update(b"%d:" % len(data))
            h.update(data)
        return f"{_CODE}-{h.hexdigest()}"


def fold(text: str) -> str:
    """Lower case without accents; JS: s.normalize("NFKD").replace(/\\p{M}/gu, "").toLowerCase()."""
    if not text.isascii():
        text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return text.lower()


def stem(term: str) -> str:
    """English plurals only."""
    if len(term) <= 3 or term[-1] != "s" or not term.isalpha():
        return term
    if term.endswith("ies") and len(term) > 4:
        return term[:-3] + "y"
    if term.endswith(("sses", "xes", "ches", "shes")):
        return term[:-2]
    if term.endswith(("ss", "us", "is")):
        return term
    return term[:-1]


_STEMS: dict[str, str] = {w: "" for w in STOP}  # memo: token -> term, "" for a stop word


def words(text: str) -> list[str]:
    return _TOKEN.findall(fold(text))


def terms(text: str) -> list[str]:
    memo, out = _STEMS, []
    for token in _TOKEN.findall(fold(text)):
        term = memo.get(token)
        if term is None:
            term = memo[token] = stem(token)
        if term:
            out.append(term)
    return out


_KEYS: dict[str, str] = {}


def shard_key(term: str) -> str:
    """File name of the term's shard; JS: the same rule on Array.from(term)."""
    key = term[:KEY_CHARS]
    safe = _KEYS.get(key)
    if safe is None:
        safe = _KEYS[key] = key if _KEY_SAFE.match(key) else "u" + "-".join(f"{ord(c):x}" for c in key)
    return safe


def tag_file(tag: str) -> str:
    return hashlib.blake2b(tag.encode("utf-8"), digest_size=6).hexdigest()


def _fields(r: Record) -> dict[str, str]:
    return {"title": r.title, "authors": " ".join((*r.authors, *r.organization)), "abstract": r.abstract,
            "notes": "\n".join(r.notes), "tags": " ".join(r.tags)}


def analyze(r: Record) -> dict[str, int]:
    """term -> integer score of this record; depends on the record alone."""
    scores: dict[str, float] = {}
    for name, text in _fields(r).items():
        if not text:
            continue
        weight, b, typical = FIELDS[name]
        tokens = terms(text)
        norm = K1 * (1 - b + b * len(tokens) / typical)
        for t, tf in Counter(tokens).items():
            scores[t] = scores.get(t, 0.0) + weight * tf * (K1 + 1) / (tf + norm)
    return {t: max(1, round(s * SCALE)) for t, s in sorted(scores.items())}
