"""What a build remembers for the next one, in .digest-cache/ beside the output.

Parsed records and digest files (by file stamp and content hash), and the
manifest of the output tree: each file's key, and the id of the tree it
describes. The cache is plain data (JSON, and marshal for the large record
table), never pickle; every file is validated on read and ignored when it is
damaged, foreign or from another version. Losing it only costs time.
"""
from __future__ import annotations

import json
import marshal
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import __version__
from ..content import files
from ..content.loader import ContentCache
from ..content.model import Paper, from_data, record_data
from .stamp import RACY_NS

FORMAT = 9
HEADER = f"digest-cache {FORMAT} {__version__} {sys.version_info[:2]}\n".encode()


@dataclass
class BuildCache:
    folder: Path
    content: ContentCache = field(default_factory=ContentCache)
    tree: str = ""  # id of the output tree the manifest describes
    manifest: dict[str, str] = field(default_factory=dict)  # output path -> key
    spare_tree: str = ""  # id of the spare tree beside the output (the one before), and its manifest
    spare_manifest: dict[str, str] = field(default_factory=dict)
    related: tuple[str, dict[str, Any]] = ("", {})  # related papers, by a hash of every title and abstract
    search_terms: dict[str, dict[str, int]] = field(default_factory=dict)  # search record key -> its analysis
    # what the files on disk hold, by a cheap summary: save() skips the ones that would not change
    on_disk: dict[str, object] = field(default_factory=dict)

    @classmethod
    def load(cls, folder: Path) -> BuildCache:
        cache = cls(folder)
        main = _read_json(folder / "build.json")
        rows = _read_marshal(folder / "records.marshal")
        if main is None or rows is None:
            return cache
        try:
            cache.content.records = {name: ((size, mtime), bytes.fromhex(digest), from_data(Paper, data))
                                     for name, size, mtime, digest, data in rows}
            cache.content.digests = {name: ((size, mtime), data) for name, size, mtime, data in main["digests"]}
            cache.tree, cache.manifest = str(main["tree"]), dict(main["manifest"])
            cache.spare_tree, cache.spare_manifest = str(main["spare_tree"]), dict(main["spare_manifest"])
            related = _read_marshal(folder / "related.marshal")
            if related and isinstance(related[0], str) and isinstance(related[1], dict):
                cache.related = (related[0], related[1])
            terms = _read_marshal(folder / "search.marshal")
            if terms and isinstance(terms[0], dict) and all(type(v) is dict for v in terms[0].values()):
                cache.search_terms = terms[0]
        except (TypeError, ValueError, KeyError, AttributeError):
            return cls(folder)  # damaged or foreign: start over
        for manifest in (cache.manifest, cache.spare_manifest):
            if not all(isinstance(k, str) and isinstance(v, str) for k, v in manifest.items()):
                return cls(folder)
        cache.on_disk = cache._summaries()
        return cache

    def _summaries(self) -> dict[str, object]:
        """Per cache file, a value that changes when its content would: records by name, stamp
        and hash; search analyses by record key (an analysis is a function of its key); related
        papers by the hash of every title and abstract they were computed from."""
        return {"records.marshal": {name: (st, digest) for name, (st, digest, _) in self.content.records.items()},
                "search.marshal": frozenset(self.search_terms), "related.marshal": self.related[0]}

    def forget_output(self) -> None:
        self.tree, self.manifest = "", {}

    def save(self) -> None:
        """Write the cache; raises OSError (the build reports it as a warning)."""
        recent = time.time_ns() - RACY_NS

        def stamp(s: tuple[int, int]) -> tuple[int, int]:
            return (s[0], -1) if s[1] >= recent else s  # re-read next time

        summaries = self._summaries()
        changed = {name for name, value in summaries.items() if self.on_disk.get(name) != value}
        if "records.marshal" in changed:  # 10k records take 0.4 s to write out; a note edit changes none
            records = [(name, *stamp(st), digest.hex(), record_data(paper))
                       for name, (st, digest, paper) in self.content.records.items()]
            _save(self.folder / "records.marshal", HEADER + marshal.dumps(records))
        if "search.marshal" in changed:
            _save(self.folder / "search.marshal", HEADER + marshal.dumps([self.search_terms]))
        if "related.marshal" in changed:
            _save(self.folder / "related.marshal", HEADER + marshal.dumps(list(self.related)))
        digests = [(name, *stamp(st), data) for name, (st, data) in self.content.digests.items()]
        _save(self.folder / "build.json", json.dumps(
            {"format": FORMAT, "version": __version__, "tree": self.tree, "manifest": self.manifest,
             "spare_tree": self.spare_tree, "spare_manifest": self.spare_manifest,
             "digests": digests}, separators=(",", ":")).encode())
        self.on_disk = summaries


def _read_json(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_bytes())
    except (OSError, ValueError, RecursionError):
        return None
    if isinstance(data, dict) and data.get("format") == FORMAT and data.get("version") == __version__:
        return data
    return None


def _read_marshal(path: Path) -> list[Any] | None:
    """marshal's format is tied to the Python version, so that is in the header."""
    try:
        data = path.read_bytes()
        if not data.startswith(HEADER):
            return None
        rows = marshal.loads(data[len(HEADER):])
    except (OSError, EOFError, ValueError, TypeError):
        return None
    return rows if isinstance(rows, list) else None


def _save(path: Path, data: bytes) -> None:
    files.write_bytes_atomic(path, data, durable=False)  # losing the cache only costs time
