"""Related papers: TF-IDF cosine similarity over titles and abstracts, top 5 per paper.

Deterministic: terms are numbered in sorted order, papers are in id order, scores are
rounded to 9 decimals before ranking and ties go to the smaller paper id. Similarities are
computed a block of papers at a time as sparse matrix products (scipy), so memory stays
bounded; with few distinct terms (dense vectors) a dense BLAS product is used instead.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from typing import TYPE_CHECKING, Sequence

if TYPE_CHECKING:
    from ..content.model import Paper
    from .catalog import Related

TOP = 5
BLOCK = 512
MIN_SCORE = 0.05  # below this a paper is not "related"
_WORD = re.compile(r"[a-z][a-z0-9]+(?:-[a-z0-9]+)*")
STOPWORDS = frozenset("""a about above after again against all also am an and any are as at be because been before
being below between both but by can could did do does doing down during each few for from further had has have
having he her here hers herself him himself his how i if in into is it its itself just me more most my myself no
nor not now of off on once only or other our ours ourselves out over own same she should so some such than that
the their theirs them themselves then there these they this those through to too under until up very was we were
what when where which while who whom why will with would you your yours yourself yourselves via using use used
based show shows shown propose proposed present paper approach method methods results result new however
while thus therefore well our two one three first second across within without among""".split())


def tokens(text: str) -> list[str]:
    return [w for w in _WORD.findall(text.lower()) if w not in STOPWORDS and len(w) > 2]


def related_papers(papers: Sequence["Paper"]) -> dict[str, tuple["Related", ...]]:
    from .catalog import Related
    import numpy as np
    from scipy import sparse

    n = len(papers)
    if n < 2:
        return {p.id: () for p in papers}
    counts = []
    df: Counter[str] = Counter()
    for p in papers:
        c = Counter(tokens(p.title))
        for word in c:  # the title counts twice: it says what the paper is about
            c[word] *= 2
        c.update(tokens(p.abstract))
        counts.append(c)
        df.update(c.keys())
    vocab = {w: i for i, w in enumerate(sorted(w for w, k in df.items() if k > 1))}  # df 1: matches nothing
    idf = {w: math.log(n / df[w]) + 1.0 for w in vocab}
    rows, cols, vals = [], [], []
    for r, c in enumerate(counts):
        weights = [(vocab[w], (1.0 + math.log(k)) * idf[w]) for w, k in sorted(c.items()) if w in vocab]
        norm = math.sqrt(sum(v * v for _, v in weights)) or 1.0
        for col, v in weights:
            rows.append(r)
            cols.append(col)
            vals.append(v / norm)
    x = sparse.csr_matrix((np.array(vals), (np.array(rows, dtype=np.int64), np.array(cols, dtype=np.int64))),
                          shape=(n, len(vocab)))
    dense = len(vocab) * n <= 20_000_000
    xd = x.toarray() if dense else None
    xt = x.T.tocsc() if not dense else None
    out: dict[str, tuple[Related, ...]] = {}
    order = np.arange(n)
    for start in range(0, n, BLOCK):
        stop = min(start + BLOCK, n)
        if dense:
            block = xd[start:stop] @ xd.T
        else:
            block = (x[start:stop] @ xt).toarray()
        block = np.round(block, 9)
        block[np.arange(stop - start), np.arange(start, stop)] = -1.0  # not related to itself
        k = min(TOP + 1, n - 1)
        cand = np.argpartition(-block, k - 1, axis=1)[:, :k] if k < n else np.tile(order, (stop - start, 1))
        for i in range(stop - start):
            row = block[i]
            # the k-th best score may be shared by papers outside the candidates: take every tie
            threshold = row[cand[i]].min()
            pool = np.nonzero(row >= threshold)[0]
            ranked = sorted(pool.tolist(), key=lambda j: (-row[j], j))[:TOP]
            out[papers[start + i].id] = tuple(Related(papers[j].id, papers[j].title) for j in ranked
                                              if row[j] >= MIN_SCORE)
    return out
