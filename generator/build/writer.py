"""Writing the site: the next tree is made beside the output and swapped in.

A file whose key equals its key in the previous build is hard-linked from the
current output instead of rendered again, so a full build is simply a build
with no previous manifest: both paths are this one class.
"""
from __future__ import annotations

import errno
import os
import shutil
from collections.abc import Callable
from pathlib import Path

from ..content.files import display_path
from ..diagnostics import DigestError
from .output import MARKER, MARKER_TEXT, OutputFolder
from .plan import Output
from .workers import run_map

Progress = Callable[[str, int, int], None]


class SiteWriter:
    def __init__(self, folder: OutputFolder, previous: dict[str, str], jobs: int, progress: Progress):
        self.folder, self.previous, self.jobs, self.progress = folder, previous, jobs, progress
        self.staging = folder.prepare()
        self.rendered = self.linked = 0
        self._dirs: set[str] = set()

    def _link(self, rel: str) -> bool:
        """Hard-link an unchanged file from the current output; False if it is not there."""
        parent = rel.rpartition("/")[0]
        if parent and parent not in self._dirs:
            os.makedirs(self.staging / parent, exist_ok=True)
            self._dirs.add(parent)
        try:
            os.link(self.folder.path / rel, self.staging / rel, follow_symlinks=False)
        except FileNotFoundError:
            return False
        except OSError as exc:
            if exc.errno not in (errno.EXDEV, errno.EPERM, errno.EMLINK):
                raise
            shutil.copyfile(self.folder.path / rel, self.staging / rel)
        return True

    def write(self, outputs: list[Output]) -> None:
        """Every output into the staging folder: linked when unchanged, else rendered."""
        todo = [o for o in outputs if self.previous.get(o.path) != o.key or not self._link(o.path)]
        self.linked = len(outputs) - len(todo)
        total = len(todo)
        run_map(_render_into(self.staging), todo, self.jobs,
                on_progress=lambda done: self.progress("render", done, total))
        self.progress("render", total, total)
        self.rendered = total

    def link_tree(self, rel: str) -> bool:
        """Hard-link a whole unchanged folder (a search bundle) from the current output."""
        source = self.folder.path / rel
        if not source.is_dir():
            return False
        shutil.copytree(source, self.staging / rel, copy_function=os.link, dirs_exist_ok=True)
        return True

    def commit(self, tree: str) -> None:
        (self.staging / MARKER).write_text(MARKER_TEXT.format(tree=tree), encoding="utf-8")
        self.folder.swap_in(self.staging)

    def discard(self) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)


def _render_into(staging: Path) -> Callable[[Output], str]:
    def render(item: Output) -> str:
        data = item.data()
        target = staging / item.path
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        except OSError as exc:
            raise DigestError.single(display_path(target), f"cannot write: {exc.strerror or exc}",
                                     "free some disk space or choose another --output") from None
        return item.path
    return render
