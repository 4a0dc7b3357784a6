"""What a build is asked to do, what it reports, and what a process keeps between builds."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..diagnostics import Diagnostic

if TYPE_CHECKING:
    from .cache import BuildCache


@dataclass(frozen=True)
class BuildOptions:
    theme: str | None = None  # instead of site.yaml's
    base_url: str | None = None  # instead of site.yaml's, e.g. for a preview
    search: bool = True
    search_later: bool = False  # no new index: keep the one in place (digest serve's first pass)
    jobs: int = 0  # 0: all cores
    incremental: bool = True  # False: ignore every cache and render everything


@dataclass
class BuildResult:
    pages: int = 0
    papers: int = 0
    digests: int = 0
    feeds: int = 0
    files: int = 0
    rendered: int = 0  # files this build rendered (the rest were unchanged and linked)
    removed: int = 0
    incremental: bool = False
    search_indexed: bool = False
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)
    warnings: list[Diagnostic] = field(default_factory=list)


@dataclass
class Session:
    """What one process keeps between its builds (digest serve): the cache, so a
    rebuild does not read it back from disk."""

    cache: BuildCache | None = None
