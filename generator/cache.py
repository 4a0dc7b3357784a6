"""What a build remembers for the next one, in .digest-cache/ beside the output.

Parsed records (keyed by file name and content hash) and the manifest of the
previous output (each file's key). Losing the cache only costs time: a build
without it is a full build.
"""
from __future__ import annotations

import hashlib
import os
import marshal
import pickle
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import __version__

FORMAT = 6
RACY_NS = 2_000_000_000
MARSHAL_HEADER = f"digest-cache {FORMAT} {__version__} {sys.version_info[:2]}\n".encode()


@dataclass
class BuildCache:
    """Two files: parsed records (large, rewritten only when a record changed) and
    the rest (digests, the output manifest, the search key)."""

    papers: dict[str, Any] = field(default_factory=dict)  # see content.load_papers
    digests: dict[str, Any] = field(default_factory=dict)  # see content.load_digests
    manifest: dict[str, str] = field(default_factory=dict)  # output path -> key
    search_keys: dict[str, str] = field(default_factory=dict)  # search shard -> key of its pages
    path: Path | None = None
    _saved: tuple = ((), ())

    @classmethod
    def location(cls, content: Path, output: Path) -> Path:
        ident = hashlib.blake2b(f"{content.resolve()}\0{output.resolve()}".encode(), digest_size=8).hexdigest()
        return output.resolve().parent / ".digest-cache" / f"{output.name}-{ident}.pickle"

    @property
    def _papers_path(self) -> Path:
        assert self.path is not None
        return self.path.with_suffix(".papers.marshal")

    @property
    def _applying_path(self) -> Path:
        assert self.path is not None
        return self.path.with_suffix(".applying")

    def _fingerprints(self) -> tuple[tuple, tuple]:
        return ((tuple((k, v[:2]) for k, v in self.papers.items()),),
                (tuple((k, v[0]) for k, v in self.digests.items()), tuple(self.manifest.items()), tuple(self.search_keys.items())))

    @classmethod
    def load(cls, content: Path, output: Path) -> "BuildCache":
        path = cls.location(content, output)
        cache = cls(path=path)
        main, papers = _read_pickle(path), _read_marshal(cache._papers_path)
        if main is None or papers is None:
            return cache
        from .model import Paper
        cache.papers = {name: (tuple(stamp), digest, Paper.from_tuple(t)) for name, stamp, digest, t in papers}
        cache.digests = main["digests"]
        if not cache._applying_path.exists():  # a build that stopped while applying: trust no manifest
            cache.manifest, cache.search_keys = main["manifest"], main["search_keys"]
        cache._saved = cache._fingerprints()
        return cache

    def begin_applying(self) -> None:
        """Mark the output as being changed; cleared by save()."""
        self._applying_path.parent.mkdir(parents=True, exist_ok=True)
        self._applying_path.touch()

    def save(self) -> None:
        """Write what changed. Files modified in the last seconds get an unusable
        stamp, so an edit in the same timestamp tick as this build is re-read
        next time (the "racy clean" problem git solves the same way)."""
        assert self.path is not None
        recent = time.time_ns() - RACY_NS
        for table in (self.papers, self.digests):
            for name, entry in table.items():
                (size, mtime), rest = entry[0], entry[1:]
                if mtime >= recent:
                    table[name] = ((size, -1), *rest)
        papers_fp, main_fp = self._fingerprints()
        if papers_fp != self._saved[0] or not self._papers_path.exists():
            rows = [(name, stamp, digest, paper.to_tuple()) for name, (stamp, digest, paper) in self.papers.items()]
            _write_bytes(self._papers_path, MARSHAL_HEADER + marshal.dumps(rows))
        if main_fp != self._saved[1] or not self.path.exists():
            _write_pickle(self.path, {"format": FORMAT, "version": __version__, "digests": self.digests,
                                      "manifest": self.manifest, "search_keys": self.search_keys})
        self._applying_path.unlink(missing_ok=True)
        self._saved = (papers_fp, main_fp)

    def forget_output(self) -> None:
        self.manifest = {}
        self.search_keys = {}


def _read_pickle(path: Path) -> dict[str, Any] | None:
    try:
        with path.open("rb") as handle:
            data = pickle.load(handle)
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, TypeError, ValueError):
        return None
    if isinstance(data, dict) and data.get("format") == FORMAT and data.get("version") == __version__:
        return data
    return None


def _write_pickle(path: Path, data: dict[str, Any]) -> None:
    _write_bytes(path, pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL))


def _write_bytes(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".cache-")
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.replace(tmp, path)


def _read_marshal(path: Path) -> list | None:
    """Records as plain tuples; marshal's format is tied to the Python version, so it is in the header."""
    try:
        data = path.read_bytes()
        if not data.startswith(MARSHAL_HEADER):
            return None
        rows = marshal.loads(data[len(MARSHAL_HEADER):])
    except (OSError, EOFError, ValueError, TypeError):
        return None
    return rows if isinstance(rows, list) else None


def _scan(root: str, prefix: str, out: list) -> None:
    """Every file under `root` as (relative name, DirEntry), in no particular order;
    scandir, no per-file path math."""
    try:
        entries = os.scandir(root)
    except OSError:
        return
    for entry in entries:
        if entry.is_dir(follow_symlinks=False):
            _scan(entry.path, prefix + entry.name + "/", out)
        else:
            out.append((prefix + entry.name, entry))


def inputs_stamp(content: Path, themes: Path, options: tuple) -> tuple[str, int]:
    """A hash of every input's name, size and modification time, and the newest
    modification time seen (a stamp that recent cannot be trusted yet)."""
    h = hashlib.blake2b(digest_size=16)
    h.update(repr((__version__, FORMAT, options)).encode())
    newest = 0
    for root in (content, themes):
        h.update(f"[{root.resolve()}]\n".encode())
        files: list = []
        _scan(str(root), "", files)
        files.sort(key=lambda item: item[0])
        for name, entry in files:
            try:
                st = entry.stat()
            except OSError:
                continue
            newest = max(newest, st.st_mtime_ns)
            h.update(f"{name}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return h.hexdigest(), newest


def scan_output(output: Path) -> set[str]:
    """The relative names of all files in the output folder (no stat per file)."""
    files: list = []
    _scan(str(output), "", files)
    return {name for name, _ in files}


def outputs_stamp(names: set[str]) -> str:
    """A hash of the names of the files in the output folder."""
    return hashlib.blake2b("\n".join(sorted(names)).encode(), digest_size=16).hexdigest()


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
