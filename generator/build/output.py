"""The output folder: which folders digest may replace, and an atomic swap.

A build makes the complete new site in a sibling folder and then exchanges
it with the output folder in one atomic step (Linux renameat2 with
RENAME_EXCHANGE), so at every instant the output folder holds the complete
old site or the complete new one, even if the build is killed. Every output
carries a marker file at its root; digest replaces only a folder that is
empty or carries that marker, and the next build removes what a killed build
left beside it.
"""
from __future__ import annotations

import ctypes
import errno
import os
import shutil
import tempfile
from pathlib import Path

from ..content.files import display_path
from ..diagnostics import DigestError

MARKER = ".digest-site"
MARKER_TEXT = "This folder is a site built by digest. `digest build` replaces all of it.\ntree: {tree}\n"
_STAGING = ".digest-new-"
_OLD = ".digest-old-"
_SPARE = ".digest-spare"


class OutputFolder:
    """Where the site goes. A symlink to a folder is followed: the folder it
    points to is replaced, the link stays."""

    def __init__(self, output: Path, content: Path):
        self.given = output
        self.path = Path(os.path.realpath(output))
        src = Path(os.path.realpath(content))
        shown = display_path(output)
        if self.path == src or self.path in src.parents:
            raise DigestError.single(shown, "the output folder contains the content folder",
                                     "choose an output folder of its own, e.g. output/")
        if src in self.path.parents:
            raise DigestError.single(shown, "the output folder is inside the content folder",
                                     "choose an output folder outside content/")
        if self.path.parent == self.path:
            raise DigestError.single(shown, "the output folder cannot be the root of the file system",
                                     "choose an output folder of its own, e.g. output/")
        if self.path.exists() or self.path.is_symlink():
            if not self.path.is_dir():
                raise DigestError.single(shown, "the output path exists and is not a folder",
                                         "choose another --output")
            if not self.is_ours(self.path):
                raise DigestError.single(shown, "the output folder exists and was not made by digest "
                                         f"(no {MARKER} file in it), so it is left alone",
                                         "choose an empty or new folder, e.g. --output output")

    @staticmethod
    def is_ours(folder: Path) -> bool:
        try:
            with os.scandir(folder) as entries:
                names = [e.name for e in entries]
        except OSError:
            return False
        return not names or MARKER in names

    @property
    def spare(self) -> Path:
        """Where the previous tree waits to become the next one (see writer.py)."""
        return self.path.parent / f".{self.path.name}{_SPARE}"

    def tree_id(self) -> str:
        """The id of the tree now in place, written by the build that made it."""
        return _tree_id(self.path)

    def spare_id(self) -> str:
        return _tree_id(self.spare) if self.spare.is_dir() and not self.spare.is_symlink() else ""

    def prepare(self) -> Path:
        """Remove what killed builds left, then make a fresh staging folder beside the output."""
        parent = self.path.parent
        try:
            parent.mkdir(parents=True, exist_ok=True)
            for leftover in parent.glob(f".{self.path.name}{_STAGING}*"):
                _remove_if_ours(leftover)
            for leftover in parent.glob(f".{self.path.name}{_OLD}*"):
                _remove_if_ours(leftover)
            staging = Path(tempfile.mkdtemp(prefix=f".{self.path.name}{_STAGING}", dir=parent))
        except OSError as exc:
            raise DigestError.single(display_path(self.given), f"cannot create the output folder: "
                                     f"{exc.strerror or exc}", "choose a folder you can write to") from None
        os.chmod(staging, 0o755)
        return staging

    def swap_in(self, staging: Path) -> None:
        """Make `staging` the output folder in one step; the old tree becomes the spare."""
        if not self.path.exists():
            os.rename(staging, self.path)
            return
        if not _exchange(staging, self.path):
            # no atomic exchange here (not Linux, or the file system refuses): two renames
            old = Path(tempfile.mkdtemp(prefix=f".{self.path.name}{_OLD}", dir=self.path.parent))
            os.rmdir(old)
            os.rename(self.path, old)
            os.rename(staging, self.path)
            staging = old
        if staging != self.spare:
            if self.spare.exists():
                shutil.rmtree(self.spare, ignore_errors=True)  # a spare no build can trust
            os.rename(staging, self.spare)


def _remove_if_ours(folder: Path) -> None:
    """A staging or old tree of a killed build (the name pattern is digest's own)."""
    if folder.is_dir() and not folder.is_symlink():
        shutil.rmtree(folder, ignore_errors=True)


def _tree_id(folder: Path) -> str:
    try:
        text = (folder / MARKER).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ""
    return text.rsplit("tree: ", 1)[-1].strip() if "tree: " in text else ""


_libc = None


def _exchange(a: Path, b: Path) -> bool:
    """renameat2(a, b, RENAME_EXCHANGE): swap two paths atomically. False if unsupported."""
    global _libc
    try:
        if _libc is None:
            _libc = ctypes.CDLL(None, use_errno=True)
        fn = _libc.renameat2
    except (OSError, AttributeError):
        return False
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    at_fdcwd, rename_exchange = -100, 2
    if fn(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(b))
