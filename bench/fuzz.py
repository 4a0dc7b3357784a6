"""Fuzz the importers and the content loader with Hypothesis at scale.

    python bench/fuzz.py --examples 20000

Each target gets that many generated inputs (mutations of real seed pages, API
responses and arXiv feeds, plus arbitrary text); any exception other than
DigestError is a bug and stops the run with the failing input. Prints the
number of inputs tried per target. Not part of the test suite (see
tests/test_properties.py for the bounded version that runs in CI).
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import date
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from generator.content import yamlio  # noqa: E402
from generator.diagnostics import DigestError  # noqa: E402
from generator.importers import arxiv, hf_api, hf_page  # noqa: E402

DATA = REPO / "tests" / "data"
SEEDS = [p.read_text(encoding="utf-8") for p in sorted((DATA / "seeds").glob("*.txt"))]
API = (DATA / "hf" / "daily_papers_2024-10-25.json").read_text(encoding="utf-8")
ATOM = (DATA / "arxiv" / "query.atom").read_text(encoding="utf-8")
DIGEST = (REPO / "content" / "digests" / "2026-05-20.yaml").read_text(encoding="utf-8")


@st.composite
def mutations(draw: st.DrawFn, base: list[str]) -> str:
    """Real inputs cut, spliced, with text inserted or lines dropped."""
    text = draw(st.sampled_from(base))
    for _ in range(draw(st.integers(0, 4))):
        op = draw(st.sampled_from(["cut", "insert", "drop-lines", "swap"]))
        i = draw(st.integers(0, max(0, len(text) - 1)))
        if op == "cut":
            text = text[:i]
        elif op == "insert":
            text = text[:i] + draw(st.text(max_size=20)) + text[i:]
        elif op == "drop-lines":
            lines = text.split("\n")
            k = draw(st.integers(0, max(0, len(lines) - 1)))
            text = "\n".join(lines[:k] + lines[k + draw(st.integers(1, 5)):])
        else:
            j = draw(st.integers(0, max(0, len(text) - 1)))
            text = text[:min(i, j)] + text[max(i, j):] + text[min(i, j):max(i, j)]
    return text


TARGETS = {
    "hf-page": (lambda t: hf_page.parse(t, "page.txt", date(2026, 11, 22)), SEEDS),
    "hf-api": (lambda t: hf_api.parse(t, "api.json"), [API, json.dumps(json.loads(API)[:3])]),
    "arxiv": (lambda t: arxiv.parse(t, "q.atom"), [ATOM]),
    "yaml-loader": (lambda t: yamlio.parse(t, "d.yaml"), [DIGEST]),
}


def run(name: str, examples: int) -> tuple[int, float]:
    target, base = TARGETS[name]
    count = [0]

    @settings(max_examples=examples, deadline=None, database=None, derandomize=False,
              suppress_health_check=list(HealthCheck))
    @given(st.one_of(mutations(base), st.text(max_size=500)))
    def fuzz(text: str) -> None:
        count[0] += 1
        try:
            target(text)
        except DigestError:
            pass

    started = time.perf_counter()
    fuzz()
    return count[0], time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--examples", type=int, default=20_000)
    parser.add_argument("--targets", nargs="+", default=list(TARGETS))
    args = parser.parse_args()
    print("| target | inputs tried | seconds | failures |")
    print("|---|---:|---:|---:|")
    for name in args.targets:
        tried, seconds = run(name, args.examples)
        print(f"| {name} | {tried:,} | {seconds:.1f} | 0 |", flush=True)


if __name__ == "__main__":
    main()
