"""Two versions of digest on the same corpus, in one run: cold builds (no search) and
no-op rebuilds, alternating, so both see the same machine.

    python bench/compare.py                       # 10k papers; the build before the layout change
    python bench/compare.py --old v0.1 --runs 5   # any git revision

The old version is checked out with `git worktree` into a temporary folder and
builds the corpus with its own themes; this working tree builds it with the
themes in themes/. Each build is its own process, with bytecode caching as an
installed digest has. The machine's disk makes single runs vary by a factor of
two, which is why the runs alternate and the table gives the range, not one
number. This is a benchmark, not a test.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
from run import prepare  # noqa: E402

BEFORE_LAYOUT = "2cff603"  # the last commit before "Layout by role" (issue #9)


def timed_build(code: Path, site: Path) -> float:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"} | {"PYTHONPATH": str(code)}
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "generator", "build", "--no-search"], cwd=site, env=env,
                          capture_output=True, text=True)
    wall = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"build failed in {site} with {code}:\n{proc.stderr}")
    return wall


def files_in(folder: Path) -> int:
    return sum(len(names) for _, _, names in os.walk(folder))


def clean(site: Path) -> None:
    for name in ("output", ".digest-cache", ".output.digest-spare"):
        shutil.rmtree(site / name, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--old", default=BEFORE_LAYOUT, help="git revision to compare with")
    parser.add_argument("--papers", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", type=Path, default=HERE / "out")
    args = parser.parse_args()
    corpus = prepare(args.papers, args.out)
    with tempfile.TemporaryDirectory(prefix="digest-compare-") as tmp:
        old_code = Path(tmp) / "code"
        subprocess.run(["git", "-C", str(REPO), "worktree", "add", "--detach", "-q", str(old_code), args.old],
                       check=True)
        try:
            sites = {}
            for name, code, themes in (("old", old_code, old_code / "themes"), ("new", REPO, REPO / "themes")):
                site = Path(tmp) / name
                shutil.copytree(corpus / "content", site / "content")
                shutil.copytree(themes, site / "themes")
                sites[name] = (code, site)
            cold: dict[str, list[float]] = {"old": [], "new": []}
            noop: dict[str, list[float]] = {"old": [], "new": []}
            for run in range(args.runs):
                for name, (code, site) in sites.items():
                    clean(site)
                    cold[name].append(timed_build(code, site))
                    noop[name].append(timed_build(code, site))
                    print(f"run {run + 1}: {name} cold {cold[name][-1]:.2f} s, no-op {noop[name][-1]:.2f} s",
                          file=sys.stderr, flush=True)
            print(f"{args.papers:,} papers, {os.cpu_count()} cores, {args.runs} alternating runs; "
                  f"old = {args.old}, new = this working tree\n")
            print("| version | files written | cold, no search: min / median / max s | no-op: min / median s |")
            print("|---|---:|---:|---:|")
            for name, (_, site) in sites.items():
                c, n = cold[name], noop[name]
                print(f"| {name} | {files_in(site / 'output'):,} | {min(c):.2f} / {statistics.median(c):.2f} / "
                      f"{max(c):.2f} | {min(n):.2f} / {statistics.median(n):.2f} |")
        finally:
            subprocess.run(["git", "-C", str(REPO), "worktree", "remove", "--force", str(old_code)], check=False)


if __name__ == "__main__":
    main()
