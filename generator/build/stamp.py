"""The up-to-date check: answer a no-op rebuild before any work.

A stamp of every input's name, size and modification time (content, themes),
of the build options, and of the code that renders (digest's own source and
the versions of its rendering libraries). When the stamp and the list of
output files match the last build's, nothing needs doing.
"""
from __future__ import annotations

import hashlib
import json
import os
import zlib
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any

from .. import __version__
from .cache import RACY_NS, _write

RENDERING_LIBRARIES = ("jinja2", "markupsafe", "markdown-it-py", "nh3", "feedgen", "pyyaml", "latex2mathml",
                       "pylatexenc", "numpy", "scipy", "pillow")


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """digest's own source and the versions of the libraries its output depends on:
    an upgrade of either invalidates every cached output."""
    h = hashlib.blake2b(__version__.encode(), digest_size=16)
    package = Path(__file__).resolve().parent.parent
    for path in sorted(package.rglob("*.py")):
        h.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    for name in RENDERING_LIBRARIES:
        try:
            h.update(f"{name}={metadata.version(name)}\n".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{name}=none\n".encode())
    h.update(f"zlib={zlib.ZLIB_RUNTIME_VERSION}\n".encode())  # compresses the social cards (site/png.py)
    return h.hexdigest()


def _scan(root: str, prefix: str, out: list[tuple[str, os.DirEntry[str]]]) -> None:
    try:
        entries = os.scandir(root)
    except OSError:
        return
    with entries:
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                _scan(entry.path, prefix + entry.name + "/", out)
            else:
                out.append((prefix + entry.name, entry))


def inputs_stamp(folders: list[Path], options: tuple[Any, ...]) -> tuple[str, int]:
    """A hash of every input's name, size and modification time, and the newest
    modification time seen (a stamp that recent cannot be trusted yet)."""
    h = hashlib.blake2b(digest_size=16)
    h.update(repr((code_fingerprint(), options)).encode())
    newest = 0
    for root in folders:
        h.update(f"[{os.path.realpath(root)}]\n".encode())
        found: list[tuple[str, os.DirEntry[str]]] = []
        _scan(str(root), "", found)
        found.sort(key=lambda item: item[0])
        for name, entry in found:
            try:
                st = entry.stat()
            except OSError:
                continue
            newest = max(newest, st.st_mtime_ns)
            h.update(f"{name}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return h.hexdigest(), newest


def output_names(output: Path) -> set[str]:
    found: list[tuple[str, os.DirEntry[str]]] = []
    _scan(str(output), "", found)
    return {name for name, _ in found}


def outputs_stamp(names: set[str]) -> str:
    return hashlib.blake2b("\n".join(sorted(names)).encode(), digest_size=16).hexdigest()


class UpToDate:
    """The stamp file of one (content, output) pair."""

    def __init__(self, folder: Path):
        self.path = folder / "up-to-date.json"

    def read(self) -> dict[str, Any] | None:
        try:
            data = json.loads(self.path.read_bytes())
        except (OSError, ValueError, RecursionError):
            return None
        return data if isinstance(data, dict) and isinstance(data.get("result"), dict) else None

    def forget(self) -> None:
        try:
            self.path.unlink()
        except OSError:
            pass

    def write(self, inputs: str, newest: int, now_ns: int, tree: str, outputs: str, result: dict[str, Any]) -> None:
        if newest >= now_ns - RACY_NS:  # an input edited just now may change again unseen
            return
        _write(self.path, json.dumps({"inputs": inputs, "tree": tree, "outputs": outputs, "result": result}).encode())
