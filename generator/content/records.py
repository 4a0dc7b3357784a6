"""Paper records: content/papers/**/ID.yaml, one file per paper.

A rebuild reads only the record files whose size or time changed, and parses
only those whose bytes changed (see `RecordCache`).
"""
from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from ..diagnostics import Diagnostic, DigestError, Report
from . import files, schema, yamlio
from .documents import Document
from .model import Paper, from_data

Stamp = tuple[int, int]  # (size, mtime_ns)
# file path -> (stamp, content hash, validated Paper); updated in place by load_papers
RecordCache = dict[str, tuple[Stamp, bytes, Paper]]
Mapper = Callable[[Callable[[Any], Any], Sequence[Any]], list[Any]]


def record_files(content: Path) -> list[str]:
    """Every record file under content/papers/, as sorted path strings."""
    return files.list_files(content / "papers", (".yaml", ".yml"))


def parse_record(item: tuple[Path, bytes, Path]) -> tuple[Paper | None, list[Diagnostic]]:
    """One record file's bytes: the Paper, or the diagnostics that explain why not."""
    path, data, root = item
    report = Report()
    shown = files.display_path(path)
    if path.suffix == ".yml":
        report.error(shown, "record files must end in .yaml", f"rename it to {path.stem}.yaml")
        return None, report.diagnostics
    try:
        text = files.decode(data, shown)
        doc = Document(path, shown, text, yamlio.parse(text, shown), root)
    except DigestError as exc:
        return None, exc.diagnostics
    if not doc.check(schema.PAPER, report):
        return None, report.diagnostics
    if path.stem != doc.data["id"]:
        doc.error_at(("id",), f"record id '{doc.data['id']}' does not match its file name '{path.name}'",
                     f"rename the file to {doc.data['id']}.yaml or fix the id", report)
        return None, report.diagnostics
    return from_data(Paper, doc.data), []


def file_stamp(path: str) -> Stamp | None:
    """(size, mtime) of a file, or None if it cannot be stat'ed."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_size, st.st_mtime_ns)


def load_papers(content: Path, report: Report, broken: set[str], cache: RecordCache,
                mapper: Mapper) -> dict[str, Paper]:
    """Valid records by id. The file names of invalid ones go into `broken`, so
    digests that list them do not repeat the error as 'unknown paper id'.
    `mapper` parses the changed files (possibly on several cores)."""
    found: list[tuple[str, bytes]] = []
    misses: list[tuple[Path, bytes, Path]] = []
    stamps: dict[str, Stamp] = {}
    for name in record_files(content):
        stamp = file_stamp(name)
        cached = cache.get(name)
        if cached is not None and stamp is not None and cached[0] == stamp:
            found.append((name, cached[1]))
            continue
        path = Path(name)
        try:
            data = files.read_bytes(path, content)
        except DigestError as exc:
            report.extend(exc.diagnostics)
            broken.add(path.stem)
            continue
        digest = hashlib.blake2b(data, digest_size=16).digest()
        stamps[name] = stamp or (len(data), 0)
        found.append((name, digest))
        if cached is None or cached[1] != digest:
            misses.append((path, data, content))
    fresh = {str(m[0]): r for m, r in zip(misses, mapper(parse_record, misses), strict=True)}
    papers: dict[str, Paper] = {}
    where_defined: dict[str, str] = {}
    live: RecordCache = {}
    for name, digest in found:
        if name in fresh:
            paper, diagnostics = fresh[name]
            if paper is None:
                report.extend(diagnostics)
                broken.add(Path(name).stem)
                continue
        else:
            paper = cache[name][2]
        live[name] = (stamps.get(name) or cache[name][0], digest, paper)
        if paper.id in papers:
            line, col = yamlio.locate(files.read_text(name, content), ("id",))
            report.error(files.display_path(name), f"paper id '{paper.id}' is also defined in "
                         f"{files.display_path(where_defined[paper.id])}", "keep one record per paper", line, col)
            continue
        papers[paper.id] = paper
        where_defined[paper.id] = name
    cache.clear()
    cache.update(live)
    return papers
