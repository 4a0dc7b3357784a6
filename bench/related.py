"""Time the related-papers computation on a content folder (e.g. bench/corpus.py's 10k corpus).

    python bench/related.py /tmp/r10k/content
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from generator.content.loader import load_site  # noqa: E402
from generator.site.catalog import build_catalog  # noqa: E402


def main(content: str) -> None:
    site, _ = load_site(Path(content))
    catalog = build_catalog(site)
    started = time.perf_counter()
    import numpy  # noqa: E401,F401  (imported by the build anyway when related runs)
    imported = time.perf_counter()
    from generator.site.related import _compute as related_papers  # not the memoised entry point
    times, cpu = [], []
    for _ in range(3):
        t, c = time.perf_counter(), time.process_time()
        result = related_papers(catalog.papers)
        times.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    with_related = sum(1 for v in result.values() if v)
    print(f"{len(catalog.papers)} papers: import numpy+scipy {imported - started:.2f} s, "
          f"related {min(times):.2f} s wall, {min(cpu):.2f} s CPU (best of 3; {', '.join(f'{t:.2f}' for t in times)}), "
          f"{with_related} papers with related papers")


if __name__ == "__main__":
    main(sys.argv[1])
