"""The static search index, built by Pagefind (shipped on PyPI as pagefind[bin])."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from ..diagnostics import DigestError

SHARD_ROOT = "pagefind"


def index_shard(site_dir: Path, pages: list[str], bundle: Path) -> None:
    """Index the given pages of `site_dir` (paths like papers/ID/index.html) into
    the Pagefind bundle folder `bundle`, replacing what was there."""
    bundle.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".pagefind-pages-", dir=bundle.parent))
    fresh = bundle.with_name(f".{bundle.name}.new")
    try:
        for rel in pages:  # a mirror of just this shard's pages; hard links cost no copying
            target = work / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(site_dir / rel, target)
            except OSError:
                shutil.copyfile(site_dir / rel, target)
        shutil.rmtree(fresh, ignore_errors=True)
        _run_pagefind(work, fresh)
        if bundle.exists():
            shutil.rmtree(bundle)
        os.replace(fresh, bundle)
    finally:
        shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree(fresh, ignore_errors=True)


def _run_pagefind(site_dir: Path, bundle: Path) -> None:
    """Index the pages under `site_dir` into `bundle`."""
    try:
        import pagefind_bin  # noqa: F401 (only checks that the binary is installed)
    except ImportError:
        raise DigestError.single("pagefind", "the search indexer is not installed",
                                 "pip install 'pagefind[bin]'") from None
    command = [sys.executable, "-m", "pagefind", "--site", str(site_dir), "--glob", "papers/*/index.html",
               "--output-path", str(bundle), "--silent"]
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=1800)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise DigestError.single("pagefind", f"the search indexer failed to run: {exc}") from None
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()[-1:] or ["no output"]
        raise DigestError.single("pagefind", f"the search indexer failed: {detail[0]}")
