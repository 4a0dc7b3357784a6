"""The static search index, built by Pagefind (shipped on PyPI as pagefind[bin])."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from .diagnostics import DigestError


def build_search_index(site_dir: Path, bundle: Path | None = None) -> None:
    """Index the pages under `site_dir` into `bundle` (default `site_dir/pagefind/`).

    Only paper pages carry `data-pagefind-body`, so only they are read."""
    try:
        import pagefind_bin  # noqa: F401
    except ImportError:
        raise DigestError.single("pagefind", "the search indexer is not installed",
                                 "pip install 'pagefind[bin]'") from None
    command = [sys.executable, "-m", "pagefind", "--site", str(site_dir), "--glob", "papers/*/index.html",
               "--silent"]
    if bundle is not None:
        command += ["--output-path", str(bundle)]
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=1800)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise DigestError.single("pagefind", f"the search indexer failed to run: {exc}") from None
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()[-1:] or ["no output"]
        raise DigestError.single("pagefind", f"the search indexer failed: {detail[0]}")
