"""Where a build's time goes: one build under cProfile, its CPU time by part of the pipeline.

    python bench/breakdown.py bench/out/10k            # a cold build (no output, no cache)
    python bench/breakdown.py bench/out/10k --edit     # a rebuild after editing one digest note

The folder holds content/ (bench/run.py makes one; themes/ beside it is used when
present). The build runs in this process with --jobs 1, so every function is
seen; each function's own time (cProfile's tottime) is added to the first part
whose pattern matches its file and name. Profiling slows Python code about 2x
and C code not at all, so shares are indicative; bench/run.py has the real times.
Works on a copy, so the corpus is left as it was.
"""
from __future__ import annotations

import argparse
import cProfile
import pstats
import shutil
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from run import edit_note  # noqa: E402

from generator.build import Session, build  # noqa: E402

# (part, patterns matched against "file:function"); first match wins
PARTS = [
    ("YAML parsing (libyaml + PyYAML constructors)", ("yaml/", "yamlio.py")),
    ("content validation", ("content/validate.py", "content/documents.py")),
    ("fingerprinting outputs' inputs", ("build/fingerprint.py", "_blake2")),
    ("Jinja templates (sandboxed)", ("jinja2/", "templates/", "markupsafe", "site/templates.py",
                                     "site/pages.py", "site/filters.py", "site/urls.py")),
    ("LaTeX typesetting", ("site/latex.py", "latex2mathml", "pylatexenc", "xml/etree")),
    ("Markdown (notes)", ("markdown_it", "site/markup.py", "nh3")),
    ("BibTeX", ("site/bibtex.py",)),
    ("JSON (API, feeds, search)", ("json/", "site/api.py", "site/jsonfeed.py", "_json")),
    ("feeds (RSS/Atom)", ("feedgen", "site/feeds.py", "site/feedhtml.py", "lxml")),
    ("social cards (Pillow)", ("site/cards.py", "PIL/", "Imaging", "'encode' of 'ImagingEncoder'", "Font")),
    ("search index", ("site/search.py", "site/search_terms.py")),
    ("related papers", ("site/related.py", "numpy", "scipy")),
    ("file system (read, write, stat, link)", ("posix.", "io.open", "'read' of", "'write' of", "pathlib.py",
                                               "build/writer.py", "build/output.py", "content/files.py",
                                               "os.py", "posixpath", "shutil")),
    ("caches (marshal, JSON)", ("build/cache.py", "marshal")),
    ("the model: papers, digests, catalog", ("content/model.py", "content/records.py", "content/digests.py",
                                             "content/loader.py", "site/catalog.py", "dataclasses.py")),
    ("up-to-date stamp", ("build/stamp.py",)),
]


def part_of(func: tuple[str, int, str]) -> str | None:
    where = f"{func[0]}:{func[2]}"
    return next((p for p, patterns in PARTS if any(x in where for x in patterns)), None)


def parts(stats: pstats.Stats) -> list[tuple[str, float]]:
    """Own time per part. A C builtin (str.join, isinstance...) is charged to its callers,
    in proportion to the time each call site spent in it."""
    totals: dict[str, float] = {}
    table = stats.stats  # type: ignore[attr-defined]
    for func, (_, _, tottime, _, callers) in table.items():
        part = part_of(func)
        if part is None and func[0] == "~" and callers:
            for caller, (_, _, caller_tt, _) in callers.items():
                owner = part_of(caller) or "other Python"
                totals[owner] = totals.get(owner, 0.0) + caller_tt
            continue
        owner = part or "other Python"
        totals[owner] = totals.get(owner, 0.0) + tottime
    return sorted(totals.items(), key=lambda kv: -kv[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("site", type=Path)
    parser.add_argument("--edit", action="store_true", help="profile a rebuild after one note edit")
    parser.add_argument("--top", type=int, default=15, help="also list the N costliest functions")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="digest-profile-"))
    try:
        shutil.copytree(args.site / "content", work / "content")
        if (args.site / "themes").is_dir():
            shutil.copytree(args.site / "themes", work / "themes")
        content, output = work / "content", work / "output"
        session = Session()
        if args.edit:  # steady use: a site built, edited and rebuilt once (so a spare tree waits)
            build(content, output, session=session)
            edit_note(work)
            build(content, output, session=session)
            edit_note(work)
        profiler = cProfile.Profile()
        started = time.perf_counter()
        profiler.enable()
        result = build(content, output, jobs=1)
        profiler.disable()
        wall = time.perf_counter() - started
        stats = pstats.Stats(profiler)
        total = sum(t for _, t in parts(stats))
        print(f"{'edit one note' if args.edit else 'cold build'}: {result.papers:,} papers, "
              f"{result.rendered:,} of {result.files:,} files written, {wall:.1f} s under the profiler "
              f"(phases: {', '.join(f'{k} {v:.1f} s' for k, v in result.timings.items())})")
        print()
        print("| part | CPU s (profiled) | share |")
        print("|---|---:|---:|")
        for part, seconds in parts(stats):
            print(f"| {part} | {seconds:.2f} | {seconds / total:.0%} |")
        if args.top:
            print()
            stats.sort_stats("tottime").print_stats(args.top)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
