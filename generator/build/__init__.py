"""Building the site: the recipe, incremental planning, caches, workers and the atomic output swap.

`build` first asks the up-to-date check (stamp.py), which needs no more than
os.scandir; the rendering stack (recipe.py and all it imports: a third of a
no-op rebuild's time) is imported only when there is work to do.
"""
from __future__ import annotations

import gc
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from .options import BuildOptions, BuildResult, Session
from .stamp import check
from .workers import default_jobs

__all__ = ["BuildOptions", "BuildResult", "Session", "build"]


def _quiet(stage: str, done: int, total: int) -> None:
    pass


def build(content: Path, output: Path, *, theme: str | None = None, base_url: str | None = None,
          search: bool = True, search_later: bool = False, jobs: int | None = None, incremental: bool = True,
          progress: Callable[[str, int, int], None] = _quiet, session: Session | None = None) -> BuildResult:
    """Build the site from `content` into `output`; raise DigestError and leave
    `output` as it was on any problem."""
    started = time.perf_counter()
    options = BuildOptions(theme, base_url, search and not search_later, search_later, jobs or default_jobs(),
                           incremental)
    found = check(content, output, options)
    if found.done is not None:
        seconds = time.perf_counter() - started
        return replace(found.done, incremental=True, timings={"check": seconds}, seconds=seconds)
    from .recipe import run  # only now: see the module's docstring

    # A build holds millions of long-lived, acyclic objects that each cyclic collection
    # would walk again (at 100k papers this took 40% of a rebuild).
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return run(content, output, options, found, progress, session or Session())
    finally:
        if was_enabled:
            gc.enable()
