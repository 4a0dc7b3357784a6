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
                return cls(papers=data["papers"], digests=data["digests"], manifest=data["manifest"],
                           search_key=data["search_key"], path=path)
        except (OSError, EOFError, pickle.UnpicklingError, AttributeError, KeyError, ImportError, TypeError,
                ValueError):
            pass
        return cls(path=path)

    def save(self) -> None:
        """Write the cache. Files modified in the last seconds get an unusable
        stamp, so an edit in the same timestamp tick as this build is re-read
        next time (the "racy clean" problem git solves the same way)."""
        assert self.path is not None
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

    def forget_output(self) -> None:
        self.manifest = {}
        self.search_key = ""
