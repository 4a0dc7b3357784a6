"""Run independent jobs across cores without losing determinism.

Workers are forked, so they inherit the parent's state (the catalog, the
theme) instead of receiving it pickled; only chunk bounds travel to them.
Results come back in input order. A worker that dies (the OOM killer, a
signal) fails the build with a clear error instead of hanging it.
"""
from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

from ..diagnostics import DigestError

T = TypeVar("T")
R = TypeVar("R")

_TASK: Callable[[Any], Any] | None = None
_ITEMS: Sequence[Any] = ()


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def _die_with_parent(parent: int) -> None:
    """A worker ends when its build does. SIGKILL cannot be caught, and a forked worker
    holds both ends of the pool's queue itself, so it would wait on it forever: the
    kernel kills it when the parent dies (Linux), else a watchdog thread notices."""
    try:
        if ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL) != 0:
            raise OSError
    except (OSError, AttributeError):
        threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()
    if os.getppid() != parent:  # it died before the line above
        os._exit(1)


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)


_PR_SET_PDEATHSIG = 1


def _run_chunk(bounds: tuple[int, int]) -> list[Any]:
    assert _TASK is not None
    return [_TASK(item) for item in _ITEMS[bounds[0]:bounds[1]]]


def run_map(task: Callable[[T], R], items: Sequence[T], jobs: int, min_per_worker: int = 64,
            on_progress: Callable[[int], None] | None = None) -> list[R]:
    """[task(i) for i in items], in order, on up to `jobs` forked processes."""
    global _TASK, _ITEMS
    can_fork = "fork" in multiprocessing.get_all_start_methods()
    results: list[Any] = []
    if jobs <= 1 or len(items) < 2 * min_per_worker or not can_fork:
        for n, item in enumerate(items, start=1):
            results.append(task(item))
            if on_progress and n % 200 == 0:
                on_progress(n)
        return results
    size = max(min_per_worker, len(items) // (jobs * 8))
    chunks = [(i, min(i + size, len(items))) for i in range(0, len(items), size)]
    _TASK, _ITEMS = task, items
    try:
        with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork"),
                                 initializer=_die_with_parent, initargs=(os.getpid(),)) as pool:
            for done in pool.map(_run_chunk, chunks):
                results.extend(done)
                if on_progress:
                    on_progress(len(results))
            return results
    except BrokenProcessPool:
        raise DigestError.single("build", "a worker process died (killed, or out of memory?)",
                                 "try again with fewer --jobs, or with more memory") from None
    finally:
        _TASK, _ITEMS = None, ()


def mapper(jobs: int) -> Callable[[Callable[[Any], Any], Sequence[Any]], list[Any]]:
    """run_map with a fixed number of jobs, for the content loader."""
    return lambda task, items: run_map(task, items, jobs)
