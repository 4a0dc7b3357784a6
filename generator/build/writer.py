"""Writing the site: the next tree is made beside the output and swapped in.

Two trees take turns. After a swap, the tree that was the output stays beside
it as the *spare*, with the manifest (every file's key) that describes it.
The next build brings the spare up to date, rewriting only the files whose
key differs and removing the ones no longer produced, and swaps it in: an
edit costs the files it changes, not a copy of the whole site. Without a
valid spare (the first build, or one a killed build left half-updated) the
new tree starts empty, and unchanged files are hard-linked from the output.
A full build is simply a build with no manifest: all of it is this one class.
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
    def __init__(self, folder: OutputFolder, previous: dict[str, str], jobs: int, progress: Progress,
                 spare_tree: str = "", spare_manifest: dict[str, str] | None = None):
        self.folder, self.previous, self.jobs, self.progress = folder, previous, jobs, progress
        self.staging = folder.prepare()
        self.reused = bool(spare_tree) and spare_manifest is not None and folder.spare_id() == spare_tree
        if self.reused:
            os.rmdir(self.staging)
            self.staging = folder.spare
            (self.staging / MARKER).unlink()  # half-updated from here on: no build may trust it
        self.base: dict[str, str] = (spare_manifest or {}) if self.reused else previous
        self.rendered = self.linked = self.removed = 0
        self._dirs: set[str] = set()
        self._staging, self._output = os.fspath(self.staging) + os.sep, os.fspath(folder.path) + os.sep

    def _link(self, rel: str) -> bool:
        """Hard-link an unchanged file from the current output; False if it is not there."""
        parent = rel.rpartition("/")[0]
        if parent and parent not in self._dirs:
            os.makedirs(self._staging + parent, exist_ok=True)
            self._dirs.add(parent)
        source, target = self._output + rel, self._staging + rel
        try:
            os.link(source, target, follow_symlinks=False)
        except FileNotFoundError:
            return False
        except FileExistsError:  # the spare's older version: replaced, never written into
            os.unlink(target)
            os.link(source, target, follow_symlinks=False)
        except OSError as exc:
            if exc.errno not in (errno.EXDEV, errno.EPERM, errno.EMLINK):
                raise
            shutil.copyfile(source, target)
        return True

    def _unchanged(self, item: Output) -> bool:
        """The file is in the new tree already (the spare has it with this key), or is linked
        there from the output (which has it with this key): either way, nothing to render.
        After a full rebuild the spare is two builds old, and linking beats rendering it all."""
        if self.reused and self.base.get(item.path) == item.key and os.path.isfile(self._staging + item.path):
            return True
        return self.previous.get(item.path) == item.key and self._link(item.path)

    def write(self, outputs: list[Output]) -> dict[str, str]:
        """Every output into the new tree: kept or linked when unchanged, else rendered. The
        workers compute the keys as they go (fingerprinting is a good part of the work); the
        manifest of the new tree, every path's key, is returned."""
        if self.reused:  # the spare's files that no output claims any more
            wanted = {o.path for o in outputs}
            for rel in sorted(set(self.base) - wanted):
                _remove(self.staging, rel)
                self.removed += 1
        total = len(outputs)
        placed = run_map(self._place_into(), outputs, self.jobs,
                         on_progress=lambda done: self.progress("write", done, total))
        self.progress("write", total, total)
        self.rendered = sum(1 for _, rendered in placed if rendered)
        self.linked = total - self.rendered
        return {o.path: key for o, (key, _) in zip(outputs, placed, strict=True)}

    def _place_into(self) -> Callable[[Output], tuple[str, bool]]:
        render = _render_into(self.staging)

        def place(item: Output) -> tuple[str, bool]:
            """The output's key, and whether it had to be rendered."""
            if self._unchanged(item):
                return item.key, False
            render(item)
            return item.key, True
        return place

    def commit(self, tree: str) -> None:
        """Swap the new tree in; the tree that was the output becomes the spare."""
        (self.staging / MARKER).write_text(MARKER_TEXT.format(tree=tree), encoding="utf-8")
        self.folder.swap_in(self.staging)

    def discard(self) -> None:
        if not self.reused:
            shutil.rmtree(self.staging, ignore_errors=True)


def _remove(root: Path, rel: str) -> None:
    target = root / rel
    target.unlink(missing_ok=True)
    parent = target.parent
    while parent != root and parent.is_dir() and not any(parent.iterdir()):
        parent.rmdir()
        parent = parent.parent


def _render_into(staging: Path) -> Callable[[Output], str]:
    root = os.fspath(staging) + os.sep
    made: set[str] = set()  # folders this process created or found (plain os calls: pathlib cost 3 s at 10k papers)

    def render(item: Output) -> str:
        data = item.data()
        target = root + item.path
        try:
            folder = item.path.rpartition("/")[0]
            if folder not in made:
                os.makedirs(root + folder, exist_ok=True)
                made.add(folder)
            _write_new(target, data)
        except OSError as exc:
            raise DigestError.single(display_path(target), f"cannot write: {exc.strerror or exc}",
                                     "free some disk space or choose another --output") from None
        return item.path
    return render


def _write_new(target: str, data: bytes) -> None:
    """Write a new file. One that is there is unlinked first, never written into: it may be a
    hard link shared with the output."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(target, flags, 0o666)  # less the umask, as open() would
    except FileExistsError:
        os.unlink(target)
        fd = os.open(target, flags, 0o666)  # less the umask, as open() would
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
    finally:
        os.close(fd)
