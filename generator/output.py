"""The output folder, replaced atomically.

A build writes into a fresh sibling folder and swaps it into place only when
everything succeeded: a failed build leaves the previous output untouched.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from .diagnostics import DigestError

_PROJECT_MARKERS = ("pyproject.toml", ".git", "content", "generator", "site.yaml")


def check_output_target(output: Path, content: Path) -> None:
    """Refuse an output folder whose replacement would destroy sources."""
    out, src = output.resolve(), content.resolve()
    if out == src or out in src.parents:
        raise DigestError.single(str(output), "the output folder contains the content folder",
                                 "choose an output folder of its own, e.g. output/")
    if src in out.parents:
        raise DigestError.single(str(output), "the output folder is inside the content folder",
                                 "choose an output folder outside content/")
    if out.is_dir():
        found = [m for m in _PROJECT_MARKERS if (out / m).exists()]
        if found:
            raise DigestError.single(str(output), f"the output folder looks like a project folder (has {found[0]})",
                                     "choose an output folder of its own, e.g. output/")
    elif out.exists():
        raise DigestError.single(str(output), "the output path exists and is not a folder")


class StagingDir:
    """A temporary folder next to `output` that becomes `output` on commit."""

    def __init__(self, output: Path):
        self.output = output
        output.parent.mkdir(parents=True, exist_ok=True)
        self.path = Path(tempfile.mkdtemp(prefix=f".{output.name}.new-", dir=output.parent))

    def commit(self) -> None:
        os.chmod(self.path, 0o755)
        old = None
        if self.output.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{self.output.name}.old-", dir=self.output.parent))
            os.rmdir(old)
            os.replace(self.output, old)
        try:
            os.replace(self.path, self.output)
        except OSError:
            if old is not None:
                os.replace(old, self.output)
            raise
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)

    def discard(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)
