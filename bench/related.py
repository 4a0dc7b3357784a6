"""Time the related-papers computation on a content folder (e.g. bench/corpus.py's 10k corpus).

    python bench/related.py /tmp/r10k/content [--rounds 3] [--json]
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from generator.content.loader import load_site  # noqa: E402
from generator.site.catalog import build_catalog  # noqa: E402


def measure(content: str, rounds: int = 3) -> dict:
    """Seconds to import numpy and scipy, and the related-papers computation's best wall and CPU seconds."""
    site, _ = load_site(Path(content))
    catalog = build_catalog(site)
    started = time.perf_counter()
    import numpy  # noqa: E401,F401  (imported by the build anyway when related runs)
    import scipy.sparse  # noqa: F401
    imported = time.perf_counter()
    from generator.site.related import _compute as related_papers  # not the memoised entry point
    times, cpu = [], []
    for _ in range(rounds):
        t, c = time.perf_counter(), time.process_time()
        result = related_papers(catalog.papers)
        times.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    return {"papers": len(catalog.papers), "import": imported - started, "wall": min(times), "cpu": min(cpu),
            "times": times, "with_related": sum(1 for v in result.values() if v)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("content")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--json", action="store_true", help="print the measures as JSON (bench/run.py reads it)")
    args = parser.parse_args()
    m = measure(args.content, args.rounds)
    if args.json:
        print(json.dumps(m))
        return
    print(f"{m['papers']} papers: import numpy+scipy {m['import']:.2f} s, "
          f"related {m['wall']:.2f} s wall, {m['cpu']:.2f} s CPU (best of {args.rounds}; "
          f"{', '.join(f'{t:.2f}' for t in m['times'])}), {m['with_related']} papers with related papers")


if __name__ == "__main__":
    main()
