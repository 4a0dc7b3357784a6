"""The static search index: plain JSON files the browser fetches a few at a time.

    records = search_records(catalog)          # one Record per paper
    files = index_files(records, analyses)     # {path under search/index/: bytes}

Layout (JSON, no whitespace, keys sorted, so the bytes depend on content only):
  meta.json          document count, chunk size, shard keys, year ranges, tags with counts
  terms/<key>.json   {term: [doc delta, score, doc delta, score, ...]} for the terms whose
                     first two characters give <key>: one fetch per query word
  docs/<n>.json      what a result shows (url, title, byline, date, tags) for docs n*CHUNK...
  tags/<hash>.json   the (delta-coded) numbers of the docs carrying that tag

Documents are numbered by the date of their first digest, then id: sort by date
is sort by number, a year is a range of numbers, and a new digest's papers get
new numbers at the end. Each file is an ordinary output of the build (see
build/plan.py): an edit rewrites only the files whose bytes it changes.
"""
from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence

from .catalog import Catalog
from .search_terms import FORMAT, KEY_CHARS, SCALE, STOP, Record, shard_key, stem, tag_file, words

ROOT = "search/index/"
_LINK_TARGETS = re.compile(r"\]\([^)]*\)|<[^>]*>|https?://\S+")  # Markdown link targets, tags, URLs
CHUNK = 32  # documents per docs/ file


def search_records(catalog: Catalog) -> list[Record]:
    """One record per paper, in document order: the title, authors and abstract as
    its newest digest shows them, every curator note, the union of its tags."""
    records = []
    for paper in catalog.papers:
        appearances = catalog.by_paper[paper.id]  # newest first
        shown = appearances[0].paper
        org = shown.organization
        organization = tuple(dict.fromkeys(n for n in (org.name, org.fullname) if n)) if org else ()
        notes = tuple(_LINK_TARGETS.sub(" ", a.entry.note) for a in appearances if a.entry.note)
        tags = tuple(sorted({t for a in appearances for t in a.entry.tags}))
        records.append(Record(paper.id, f"papers/{paper.id}/", shown.title, shown.authors, organization,
                              shown.abstract, notes, tags, appearances[-1].digest.date.isoformat(), shown.byline))
    return order(records)


def order(records: Iterable[Record]) -> list[Record]:
    """Document numbering: oldest first, then by id."""
    return sorted(records, key=lambda r: (r.date, r.id))


def dump(data: object) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")


def _deltas(numbers: Iterable[int]) -> list[int]:
    out, last = [], 0
    for n in numbers:
        out.append(n - last)
        last = n
    return out


def index_files(docs: Sequence[Record], analyses: Sequence[Mapping[str, int]]) -> dict[str, bytes]:
    """Every file of the index, {path relative to ROOT: bytes}; `analyses[n]` is
    search_terms.analyze(docs[n])."""
    postings: dict[str, list[int]] = {}  # term -> [doc delta, score, ...]
    last: dict[str, int] = {}
    for n, scores in enumerate(analyses):
        for t, sc in scores.items():
            p = postings.get(t)
            if p is None:
                postings[t] = [n, sc]
            else:
                p.append(n - last[t])
                p.append(sc)
            last[t] = n
    shards: dict[str, dict[str, list[int]]] = {}
    for t, p in postings.items():
        shards.setdefault(shard_key(t), {})[t] = p
    files = {f"terms/{key}.json": dump(shard) for key, shard in shards.items()}
    for k in range(0, len(docs), CHUNK):
        files[f"docs/{k // CHUNK}.json"] = dump([[r.url, r.title, r.byline, r.date, list(r.tags)]
                                                 for r in docs[k:k + CHUNK]])
    by_tag: dict[str, list[int]] = {}
    years: dict[str, list[int]] = {}
    for n, r in enumerate(docs):
        for tag in r.tags:
            by_tag.setdefault(tag, []).append(n)
        if r.date:
            years.setdefault(r.date[:4], [n, n])[1] = n
    files.update({f"tags/{tag_file(tag)}.json": dump(_deltas(numbers)) for tag, numbers in by_tag.items()})
    files["meta.json"] = dump({
        "format": FORMAT, "docs": len(docs), "chunk": CHUNK, "key_chars": KEY_CHARS, "scale": SCALE,
        "shards": sorted(shards), "stop": sorted(STOP),
        "years": [[y, a, b] for y, (a, b) in sorted(years.items())],
        "tags": [[tag, tag_file(tag), len(numbers)] for tag, numbers in sorted(by_tag.items())]})
    return dict(sorted(files.items()))


def idf(docs: int, df: int) -> float:
    """As the client computes it (BM25's, always positive)."""
    return math.log(1 + (docs - df + 0.5) / (df + 0.5))


def search(files: Mapping[str, bytes], query: str, *, tag: str = "", year: str = "", sort: str = "relevance",
           prefix_last: bool = True, limit: int = 10) -> list[tuple[float, str]]:
    """Reference implementation of the client's ranking (search.js), for tests:
    [(score, title)] of the best `limit` results."""
    meta = json.loads(files["meta.json"])
    n_docs, combined = meta["docs"], None
    typed = words(query)
    typed = [w for w in typed if w not in STOP] or typed
    for i, word in enumerate(typed):
        term = stem(word)
        shard = json.loads(files.get(f"terms/{shard_key(term)}.json", b"{}"))
        scores: dict[int, float] = {}
        expand = prefix_last and i == len(typed) - 1 and len(word) >= 2
        for t, p in shard.items():
            factor = 1.0 if t == term else 0.5 if expand and t.startswith(word) else 0.0
            if not factor:
                continue
            w, doc = factor * idf(n_docs, len(p) // 2) / SCALE, 0
            for j in range(0, len(p), 2):
                doc += p[j]
                scores[doc] = max(scores.get(doc, 0.0), w * p[j + 1])
        combined = scores if combined is None else {d: s + scores[d] for d, s in combined.items() if d in scores}
    found = combined or {}
    if tag:
        row = next((r for r in meta["tags"] if r[0] == tag), None)
        allowed = set(_undelta(json.loads(files[f"tags/{row[1]}.json"]))) if row else set()
        found = {d: s for d, s in found.items() if d in allowed}
    if year:
        span = next(((a, b) for y, a, b in meta["years"] if y == year), (1, 0))
        found = {d: s for d, s in found.items() if span[0] <= d <= span[1]}
    key = (lambda x: -x[0]) if sort == "date" else (lambda x: (-x[1], -x[0]))
    out = []
    for doc, score in sorted(found.items(), key=key)[:limit]:
        chunk = json.loads(files[f"docs/{doc // CHUNK}.json"])
        out.append((round(score, 3), chunk[doc % CHUNK][1]))
    return out


def _undelta(deltas: Iterable[int]) -> list[int]:
    out, n = [], 0
    for d in deltas:
        n += d
        out.append(n)
    return out

