"""Reading content files, safely.

Every file digest reads from a content folder, a theme or an import source
goes through `read_bytes`: only regular files, never through a symlink that
leaves the folder they belong to, and never more than a size cap, counted
while reading (stat says 0 bytes for /dev/zero, and opening a FIFO would
block forever). Problems become located `DigestError`s naming the file.
"""
from __future__ import annotations

import errno
import os
import re
import stat
import tempfile
from pathlib import Path

from ..diagnostics import DigestError

MAX_FILE_BYTES = 2_000_000
_KINDS = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISCHR, "a device"),
          (stat.S_ISBLK, "a device"), (stat.S_ISSOCK, "a socket"))


def display_path(path: Path | str) -> str:
    """A path as a person should see it: relative to the working folder when inside it.

    Cheap (no file-system calls beyond getcwd): it runs for every file of a build."""
    absolute = os.path.abspath(path)
    try:
        cwd = os.getcwd()
    except OSError:
        return str(path)
    prefix = cwd.rstrip(os.sep) + os.sep
    return absolute[len(prefix):] if absolute.startswith(prefix) else str(path)


def inside(path: Path | str, root: Path | str) -> bool:
    """Whether `path`, with every symlink resolved, stays within `root`."""
    real, top = _realpath(os.fspath(path)), _real_folder(os.path.abspath(root))
    return real == top or real.startswith(top.rstrip(os.sep) + os.sep)


def _realpath(path: str) -> str:
    """os.path.realpath, resolving a file's folder once for all its files: a
    file that is not itself a symlink is where its resolved folder says."""
    path = os.path.abspath(path)
    try:
        if stat.S_ISLNK(os.lstat(path).st_mode):
            return os.path.realpath(path)
    except OSError:
        return os.path.realpath(path)
    folder, name = os.path.split(path)
    return os.path.join(_real_folder(folder), name)


def _real_folder(folder: str) -> str:
    """The folder's resolved path, remembered while it is the same folder (same
    inode): a folder swapped for a symlink is resolved again."""
    try:
        st = os.lstat(folder)
    except OSError:
        return os.path.realpath(folder)
    key = (folder, st.st_dev, st.st_ino, stat.S_ISLNK(st.st_mode))
    real = _FOLDERS.get(key)
    if real is None:
        if len(_FOLDERS) > 4096:
            _FOLDERS.clear()
        real = _FOLDERS[key] = os.path.realpath(folder)
    return real


_FOLDERS: dict[tuple[str, int, int, bool], str] = {}


def forget_folders() -> None:
    """Resolve folders afresh (each build starts with this: a long-running `digest serve`
    must see a parent folder that was swapped for a symlink since the last build)."""
    _FOLDERS.clear()


def check_inside(path: Path | str, root: Path | str, shown: str | None = None) -> None:
    if not inside(path, root):
        raise DigestError.single(shown or display_path(path),
                                 f"is a symlink that leads out of {display_path(root)} (to {os.path.realpath(path)})",
                                 "copy the file into the folder instead of linking to it")


def read_bytes(path: Path | str, root: Path | str | None = None, shown: str | None = None,
               limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of a regular file of at most `limit` bytes, inside `root` when given."""
    shown = shown or display_path(path)
    if root is not None:
        check_inside(path, root, shown)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        raise _os_error(exc, shown) from None
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            kind = next((name for test, name in _KINDS if test(mode)), "not a regular file")
            raise DigestError.single(shown, f"is {kind}, not a regular file", "only regular files are read")
        chunks, size = [], 0
        while True:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                break
            size += len(chunk)
            if size > limit:
                raise DigestError.single(shown, f"file is too large (over {limit:,} bytes)",
                                         "split it or remove the pasted content", 1, 1)
            chunks.append(chunk)
        return b"".join(chunks)
    except OSError as exc:
        raise _os_error(exc, shown) from None
    finally:
        os.close(fd)


def _os_error(exc: OSError, shown: str) -> DigestError:
    reason = exc.strerror or str(exc)
    hint = {errno.EACCES: "check the file's permissions", errno.ENOENT: "",
            errno.ELOOP: "the path is a symlink loop"}.get(exc.errno or 0, "")
    return DigestError.single(shown, f"cannot read: {reason}", hint)


def decode(data: bytes, shown: str) -> str:
    """UTF-8 text of a content file (a BOM is accepted), or a located error for bad bytes."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise DigestError.single(shown, f"file is not valid UTF-8 (byte 0x{data[exc.start]:02x})",
                                 "save the file as UTF-8", line, col) from None
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise DigestError.single(shown, "file contains a NUL byte; is it a binary file?", "", line, 1)
    return text.removeprefix("\ufeff")


def read_text(path: Path | str, root: Path | str | None = None, shown: str | None = None) -> str:
    shown = shown or display_path(path)
    return decode(read_bytes(path, root, shown), shown)


def list_files(folder: Path, suffixes: tuple[str, ...]) -> list[str]:
    """Files under `folder` with one of `suffixes`, as sorted path strings; hidden
    files and folders are skipped. Cheap: runs on every build."""
    found: list[str] = []
    for here, dirs, files in os.walk(folder, onerror=_raise_walk_error):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        found.extend(os.path.join(here, f) for f in files if f.endswith(suffixes) and f[0] != ".")
    found.sort()
    return found


def _raise_walk_error(exc: OSError) -> None:
    # an unreadable folder is reported as such, not as missing papers later
    raise DigestError.single(display_path(exc.filename or "?"), f"cannot read folder: {exc.strerror or exc}",
                             "check the folder's permissions")


def write_text_atomic(path: Path, text: str) -> None:
    """Write a content file whole or not at all, exactly as given (see write_bytes_atomic)."""
    write_bytes_atomic(path, text.encode("utf-8"))


def write_bytes_atomic(path: Path, data: bytes, durable: bool = True) -> None:
    """Write a file whole or not at all: a temporary file beside it, then renamed over it.
    `durable`: flushed to disk first (content files; a cache can do without)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


_TEMPORARY = re.compile(r"\..+\.[a-z0-9_]{8}\.tmp")  # what write_bytes_atomic leaves if killed mid-write


def remove_stale_temporaries(folder: Path) -> None:
    """Remove the temporary files of writes that were killed before their rename."""
    for here, _dirs, names in os.walk(folder):
        for name in names:
            if _TEMPORARY.fullmatch(name):
                try:
                    os.unlink(os.path.join(here, name))
                except OSError:
                    pass
