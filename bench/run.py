"""Benchmark `digest build` on synthetic corpora and print a table.

    python bench/run.py                 # 10k papers
    python bench/run.py --sizes 10000 100000

For each size: a cold full build (no cache, no output) with and without the
search index, a no-op rebuild, a rebuild after editing one digest note, and a
rebuild after adding one new digest. Each build runs as its own process, as a
user would run it; peak RSS is the largest single process of that build
(Python, a render worker, or Pagefind). This is a benchmark, not a test.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
from corpus import make  # noqa: E402

MEASURE = r"""
import json, resource, subprocess, sys, time
start = time.perf_counter()
proc = subprocess.run(sys.argv[1:], capture_output=True, text=True)
wall = time.perf_counter() - start
print(json.dumps({"code": proc.returncode, "wall": wall, "out": proc.stdout, "err": proc.stderr,
                  "rss_kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))
"""


def run_build(site: Path, *args: str) -> dict:
    command = [sys.executable, "-c", MEASURE, sys.executable, "-m", "generator", "build", "--timings", *args]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    raw = subprocess.run(command, cwd=site, capture_output=True, text=True, env=env, check=True).stdout
    result = json.loads(raw)
    if result["code"] != 0:
        raise SystemExit(f"build failed in {site}:\n{result['err']}")
    timings = dict((k, float(v)) for k, v in re.findall(r"(\w+) ([\d.]+) s", result["err"].split("timings:")[-1]))
    summary = result["out"].strip().splitlines()[-1]
    pages = int(re.search(r"built ([\d,]+) pages", summary).group(1).replace(",", ""))
    changed = re.search(r"([\d,]+) of ([\d,]+) files changed", summary)
    files = int(changed.group(1).replace(",", "")) if changed else None
    return {"wall": result["wall"], "rss_mb": result["rss_kb"] / 1024, "search": timings.get("search", 0.0),
            "pages": pages, "written": files, "summary": summary}


def prepare(n: int, root: Path) -> Path:
    site = root / f"{n // 1000}k"
    if not (site / "content" / "site.yaml").is_file():
        print(f"generating {n:,} papers in {site} ...", file=sys.stderr)
        shutil.rmtree(site, ignore_errors=True)
        make(n, site / "content")
    shutil.rmtree(site / "themes", ignore_errors=True)
    shutil.copytree(REPO / "themes", site / "themes")
    return site


def clean(site: Path) -> None:
    shutil.rmtree(site / "output", ignore_errors=True)
    shutil.rmtree(site / ".digest-cache", ignore_errors=True)


def edit_note(site: Path) -> None:
    path = sorted((site / "content" / "digests").glob("*.yaml"))[len(list((site / "content" / "digests").glob("*.yaml"))) // 2]
    text = path.read_text(encoding="utf-8")
    stamp = time.time_ns()
    path.write_text(text.replace("    note: ", f"    note: Edited {stamp}. ", 1), encoding="utf-8")


def add_digest(site: Path) -> None:
    digests = sorted((site / "content" / "digests").glob("*.yaml"))
    last = digests[-1]
    day = last.stem
    from datetime import date, timedelta
    new_day = (date.fromisoformat(day) + timedelta(days=1)).isoformat()
    ids = re.findall(r"paper: '([^']+)'", last.read_text(encoding="utf-8"))[:20]
    body = "\n".join(f"  - paper: '{i}'" for i in ids)
    (site / "content" / "digests" / f"{new_day}.yaml").write_text(
        f"date: {new_day}\ntitle: A new day\ncurator: bench\nintro: Fresh.\npapers:\n{body}\n", encoding="utf-8")


def bench(n: int, root: Path, search: bool) -> list[tuple[str, dict]]:
    site = prepare(n, root)
    flags = [] if search else ["--no-search"]
    rows = []
    clean(site)
    rows.append(("cold full build, no search", run_build(site, "--no-search")))
    if search:
        clean(site)
        rows.append(("cold full build + search", run_build(site)))
    rows.append(("no-op rebuild", run_build(site, *flags)))
    edit_note(site)
    rows.append(("edit one digest note", run_build(site, *flags)))
    add_digest(site)
    rows.append(("add one new digest", run_build(site, *flags)))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000])
    parser.add_argument("--out", type=Path, default=HERE / "out")
    parser.add_argument("--no-search", action="store_true", help="skip the search index in rebuilds")
    args = parser.parse_args()
    print(f"digest build benchmark: {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    print()
    print("| papers | scenario | wall s | of which search s | files written | pages/s | peak RSS MB |")
    print("|---:|---|---:|---:|---:|---:|---:|")
    for n in args.sizes:
        for name, r in bench(n, args.out, search=not args.no_search):
            written = r["written"] if r["written"] is not None else "all"
            rate = r["pages"] / r["wall"] if r["written"] is None else float("nan")
            rate_text = f"{rate:,.0f}" if rate == rate else "-"
            print(f"| {n:,} | {name} | {r['wall']:.2f} | {r['search']:.2f} | {written} | {rate_text} | "
                  f"{r['rss_mb']:,.0f} |", flush=True)


if __name__ == "__main__":
    main()
