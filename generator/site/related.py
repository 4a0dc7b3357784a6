"""Related papers: TF-IDF cosine similarity over titles and abstracts, top 5 per paper.

Vectors are TF-IDF ((1 + log tf) * (1 + log N/df)), L2-normalised, the title counted twice;
stopwords and words in one paper only or in more than half of them are left out. Comparing every
pair costs N^2 (10^8 at 10k papers), so the comparison is pruned the way search engines prune an
index: each paper is compared through its TOP_TERMS heaviest words, and each word's list keeps
its POSTINGS heaviest papers. The score of a pair is the dot product over those words, a lower
bound of the cosine that ranks the strong matches the same way. All of it is array arithmetic
(numpy, scipy.sparse), well under 10% of a cold build at 10k papers (see bench/related.py).

Deterministic: terms are numbered in sorted order, papers are in id order, scores are rounded
to 9 decimals before ranking and ties go to the smaller paper id.
"""
from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..content.model import Paper
    from .catalog import Related

TOP = 5
TOP_TERMS = 12
POSTINGS = 32
MIN_SCORE = 0.05  # below this a paper is not "related"
_WORD = re.compile(r"[a-z][a-z0-9]{2,}")  # a term: a word of three or more letters and digits
# everything but ASCII letters and digits separates words (str.translate + split: faster than a regex)
_SEPARATORS = {c: " " for c in range(0x2000) if not chr(c).isascii() or not chr(c).isalnum()}
STOPWORDS = frozenset("""a about above after again against all also am an and any are as at be because been before
being below between both but by can could did do does doing down during each few for from further had has have
having he her here hers herself him himself his how i if in into is it its itself just me more most my myself no
nor not now of off on once only or other our ours ourselves out over own same she should so some such than that
the their theirs them themselves then there these they this those through to too under until up very was we were
what when where which while who whom why will with would you your yours yourself yourselves via using use used
based show shows shown propose proposed present paper approach method methods results result new however
while thus therefore well our two one three first second across within without among""".split())


_last: tuple[str, dict] = ("", {})  # the last result, by a hash of its input: `digest serve` rebuilds in-process


def remembered() -> tuple[str, dict[str, list[list[str]]]]:
    """The last result as plain data (input hash, {id: [[id, title], ...]}), for the build cache."""
    return _last[0], {pid: [[r.id, r.title] for r in items] for pid, items in _last[1].items()}


def remember(key: str, data: object) -> None:
    """Take back a result from the build cache: a rebuild whose titles and abstracts did not
    change (a note edit) then skips the computation and the numpy/scipy import."""
    global _last
    from .catalog import Related
    try:
        _last = (key, {str(pid): tuple(Related(str(i), str(t)) for i, t in items)
                       for pid, items in data.items()})  # type: ignore[attr-defined]
    except (AttributeError, TypeError, ValueError):
        _last = ("", {})


def related_papers(papers: Sequence[Paper]) -> dict[str, tuple[Related, ...]]:
    """Paper id -> its most similar papers, best first."""
    global _last
    h = hashlib.blake2b(digest_size=16)
    for p in papers:
        h.update(f"{p.id}\0{p.title}\0{p.abstract}\1".encode("utf-8", "surrogatepass"))
    key = h.hexdigest()
    if _last[0] != key:
        _last = (key, _compute(papers))
    return _last[1]


def _compute(papers: Sequence[Paper]) -> dict[str, tuple[Related, ...]]:
    import numpy as np
    from scipy import sparse

    from .catalog import Related

    n = len(papers)
    if n < 2:
        return {p.id: () for p in papers}
    words: list[str] = []
    counts: list[int] = []
    lengths = np.empty(n, dtype=np.int64)
    df: Counter[str] = Counter()
    for i, p in enumerate(papers):
        # the title counts twice: it says what the paper is about
        c = Counter(f"{p.title} {p.title} {p.abstract}".lower().translate(_SEPARATORS).split())
        words.extend(c)
        counts.extend(c.values())
        lengths[i] = len(c)
        df.update(c.keys())
    limit = n // 2 if n >= 100 else n  # in small sites every word may be informative
    vocab = {w: i for i, w in enumerate(sorted(w for w, k in df.items()
                                               if 1 < k <= limit and _WORD.fullmatch(w) and w not in STOPWORDS))}
    if not vocab:
        return {p.id: () for p in papers}
    index = dict.fromkeys(df, -1)
    index.update(vocab)
    cols = np.fromiter(map(index.__getitem__, words), dtype=np.int64, count=len(words))
    rows = np.repeat(np.arange(n, dtype=np.int64), lengths)
    keep = cols >= 0
    rows, cols = rows[keep], cols[keep]
    tf = np.asarray(counts, dtype=np.float64)[keep]
    dfs = np.zeros(len(vocab))
    np.add.at(dfs, cols, 1.0)
    weights = (1.0 + np.log(tf)) * (1.0 + np.log(n / dfs[cols]))
    norms = np.sqrt(np.bincount(rows, weights * weights, minlength=n))
    weights = np.round(weights / np.where(norms > 0, norms, 1.0)[rows], 12)
    q = _top_per_group(rows, cols, weights, TOP_TERMS)  # each paper's heaviest words
    t = _top_per_group(cols, rows, weights, POSTINGS)  # each word's heaviest papers
    query = sparse.csr_matrix((weights[q], (rows[q], cols[q])), shape=(n, len(vocab)))
    postings = sparse.csr_matrix((weights[t], (cols[t], rows[t])), shape=(len(vocab), n))
    scores = (query @ postings).tocoo()
    r, c, v = scores.row, scores.col, np.round(scores.data, 9)
    ok = (r != c) & (v >= MIN_SCORE)
    r, c, v = r[ok], c[ok], v[ok]
    best = _top_per_group(r, c, v, TOP)
    out: dict[str, tuple[Related, ...]] = {p.id: () for p in papers}
    found: dict[int, list[int]] = {}
    for i, j in zip(r[best].tolist(), c[best].tolist(), strict=True):  # in order: row, best score, smaller id
        found.setdefault(i, []).append(j)
    for i, js in found.items():
        out[papers[i].id] = tuple(Related(papers[j].id, papers[j].title) for j in js)
    return out


def _top_per_group(group, other, value, k: int):
    """Indices of the k largest values in each group, ordered by group, then value descending, then
    `other` ascending (the deterministic tie-break)."""
    import numpy as np
    order = np.lexsort((other, -value, group))
    g = group[order]
    starts = np.r_[0, np.flatnonzero(g[1:] != g[:-1]) + 1]
    rank = np.arange(len(g)) - np.repeat(starts, np.diff(np.r_[starts, len(g)]))
    return order[rank < k]
