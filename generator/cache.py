"""What a build remembers for the next one, in .digest-cache/ beside the output.

Parsed records (keyed by file name and content hash) and the manifest of the
previous output (each file's key). Losing the cache only costs time: a build
without it is a full build.
"""
from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import __version__

FORMAT = 3
RACY_NS = 2_000_000_000


@dataclass
class BuildCache:
    papers: dict[str, Any] = field(default_factory=dict)  # see content.load_papers
    digests: dict[str, Any] = field(default_factory=dict)  # see content.load_digests
    manifest: dict[str, str] = field(default_factory=dict)  # output path -> key
    search_key: str = ""
    path: Path | None = None
    _saved: tuple = ()

    def _fingerprint(self) -> tuple:
        return ({k: v[:2] for k, v in self.papers.items()}, {k: v[0] for k, v in self.digests.items()},
                self.manifest, self.search_key)

    @classmethod
    def location(cls, content: Path, output: Path) -> Path:
        ident = hashlib.blake2b(f"{content.resolve()}\0{output.resolve()}".encode(), digest_size=8).hexdigest()
        return output.resolve().parent / ".digest-cache" / f"{output.name}-{ident}.pickle"

    @classmethod
    def load(cls, content: Path, output: Path) -> "BuildCache":
        path = cls.location(content, output)
        try:
            with path.open("rb") as handle:
                data = pickle.load(handle)
            if data.get("format") == FORMAT and data.get("version") == __version__:
                cache = cls(papers=data["papers"], digests=data["digests"], manifest=data["manifest"],
                            search_key=data["search_key"], path=path)
                cache._saved = cache._fingerprint()
                return cache
        except (OSError, EOFError, pickle.UnpicklingError, AttributeError, KeyError, ImportError, TypeError,
                ValueError):
            pass
        return cls(path=path)

    def save(self) -> None:
        """Write the cache. Files modified in the last seconds get an unusable
        stamp, so an edit in the same timestamp tick as this build is re-read
        next time (the "racy clean" problem git solves the same way)."""
        assert self.path is not None
        if self._saved and self._saved == self._fingerprint():
            return  # nothing changed since it was loaded
        recent = time.time_ns() - RACY_NS
        for table in (self.papers, self.digests):
            for name, entry in table.items():
                (size, mtime), rest = entry[0], entry[1:]
                if mtime >= recent:
                    table[name] = ((size, -1), *rest)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        data = {"format": FORMAT, "version": __version__, "papers": self.papers, "digests": self.digests,
                "manifest": self.manifest,
                "search_key": self.search_key}
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".cache-")
        with os.fdopen(fd, "wb") as handle:
            pickle.dump(data, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, self.path)
        self._saved = self._fingerprint()

    def forget_output(self) -> None:
        self.manifest = {}
        self.search_key = ""


def _walk_stamps(root: Path, h: "hashlib._Hash", newest: list[int]) -> None:
    for folder, dirs, files in os.walk(root):
        dirs.sort()
        for name in sorted(files):
            path = os.path.join(folder, name)
            try:
                st = os.stat(path)
            except OSError:
                continue
            newest[0] = max(newest[0], st.st_mtime_ns)
            h.update(f"{os.path.relpath(path, root)}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())


def inputs_stamp(content: Path, themes: Path, options: tuple) -> tuple[str, int]:
    """A hash of every input's name, size and modification time, and the newest
    modification time seen (a stamp that recent cannot be trusted yet)."""
    h = hashlib.blake2b(digest_size=16)
    h.update(repr((__version__, FORMAT, options)).encode())
    newest = [0]
    for root in (content, themes):
        h.update(f"[{root.resolve()}]\n".encode())
        _walk_stamps(root, h, newest)
    return h.hexdigest(), newest[0]


def outputs_stamp(output: Path) -> str:
    """A hash of the names of the files in the output folder."""
    names = []
    for folder, _dirs, files in os.walk(output):
        rel = os.path.relpath(folder, output)
        names.extend(f if rel == "." else f"{rel}/{f}" for f in files)
    names.sort()
    return hashlib.blake2b("\n".join(names).encode(), digest_size=16).hexdigest()


def read_up_to_date(content: Path, output: Path) -> dict[str, Any] | None:
    try:
        with BuildCache.location(content, output).with_suffix(".stamp").open("rb") as handle:
            data = pickle.load(handle)
        return data if isinstance(data, dict) else None
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, TypeError, ValueError):
        return None


def write_up_to_date(content: Path, output: Path, data: dict[str, Any]) -> None:
    path = BuildCache.location(content, output).with_suffix(".stamp")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".stamp-")
    with os.fdopen(fd, "wb") as handle:
        pickle.dump(data, handle, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(tmp, path)


def forget_up_to_date(content: Path, output: Path) -> None:
    try:
        BuildCache.location(content, output).with_suffix(".stamp").unlink()
    except OSError:
        pass
