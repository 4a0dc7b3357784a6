"""Merge imported candidates into a content folder.

Records are machine data: an import fills what is missing and updates what
changed, reporting each change (merge.py decides which record a paper is and
which source wins). Digest files belong to curators (curator_files.py).

An interrupted import leaves valid content: everything is computed before
anything is written, then records are written first and the curators' files
last, each through a temporary file and a rename.
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from ..content import files, ids, schema, yamlio
from ..content.loader import load_curators
from ..content.records import record_files
from ..content.validate import validate
from ..diagnostics import DigestError, Report
from . import Candidate
from .curator_files import TextStyle, append_to_digest, new_digest_text, offered_path, offered_text, read_offered
from .merge import _assign_id, candidate_record, merge_record, ordered, record_path


@dataclass
class ImportResult:
    """What an import did, for the command to report."""

    added: list[str] = field(default_factory=list)
    changed: dict[str, list[str]] = field(default_factory=dict)
    kept: dict[str, list[str]] = field(default_factory=dict)
    unchanged: list[str] = field(default_factory=list)
    digests_created: list[str] = field(default_factory=list)
    digests_extended: dict[str, list[str]] = field(default_factory=dict)
    removed_by_curator: dict[str, list[str]] = field(default_factory=dict)  # digest -> ids not appended again
    written: list[str] = field(default_factory=list)
    diffs: dict[str, str] = field(default_factory=dict)  # file -> unified diff of what is (or would be) written


def _existing_records(content: Path) -> dict[str, tuple[Path, dict[str, Any]]]:
    report = Report()
    records: dict[str, tuple[Path, dict[str, Any]]] = {}
    for name in record_files(content):
        path = Path(name)
        shown = files.display_path(path)
        try:
            data, _ = yamlio.load_file(path, shown, content)
        except DigestError as exc:
            report.extend(exc.diagnostics)
            continue
        problems = validate(data, schema.PAPER)
        if problems:
            report.error(shown, f"existing record is invalid: {problems[0].message}",
                         "fix it (see 'digest check') before importing")
            continue
        records[data["id"]] = (path, data)
    report.raise_if_errors()
    return records


def _day_papers(content: Path, day: date, cache: dict[date, list[str]]) -> list[str]:
    """Ids listed in, or offered to, the digest of `day` (for matching corrected titles)."""
    if day not in cache:
        found: list[str] = list(read_offered(offered_path(content, day)) or [])
        path = content / "digests" / f"{day.isoformat()}.yaml"
        if path.exists():
            try:
                data = yamlio.parse(path.read_text(encoding="utf-8"), files.display_path(path))
            except (DigestError, OSError, UnicodeDecodeError):
                data = None  # reported when the digest is extended
            for item in (data or {}).get("papers") or [] if isinstance(data, dict) else []:
                if isinstance(item, dict) and isinstance(item.get("paper"), str) and item["paper"] not in found:
                    found.append(item["paper"])
        cache[day] = found
    return cache[day]


def _diff(shown: str, before: str | None, after: str) -> str:
    return "".join(difflib.unified_diff((before or "").splitlines(keepends=True), after.splitlines(keepends=True),
                                        "/dev/null" if before is None else f"a/{shown}", f"b/{shown}"))


def import_candidates(content: Path, candidates: list[Candidate], curator: str | None,
                      dry_run: bool = False) -> ImportResult:
    """Merge `candidates` into `content` and list them in their digests."""
    if not dry_run:
        files.remove_stale_temporaries(content)  # left by an import that was killed mid-write
    existing = _existing_records(content)
    by_id = {pid: data for pid, (_, data) in existing.items()}
    by_arxiv = {data["arxiv"]: pid for pid, data in by_id.items() if data.get("arxiv")}
    by_title = {ids.title_key(data["title"]): pid for pid, data in sorted(by_id.items())}
    result = ImportResult()
    touched: dict[str, dict[str, Any]] = {}
    per_day: dict[date, list[str]] = {}
    day_cache: dict[date, list[str]] = {}
    for c in candidates:
        assert c.digest_date is not None
        same_day = _day_papers(content, c.digest_date, day_cache) + per_day.get(c.digest_date, [])
        paper_id = _assign_id(c, by_id, by_arxiv, by_title, same_day)
        incoming = candidate_record(c)
        if paper_id in by_id:
            merged, changes, kept = merge_record(by_id[paper_id], incoming, c.published_exact)
            if kept:
                result.kept.setdefault(paper_id, []).extend(k for k in kept if k not in result.kept.get(paper_id, []))
            if changes:
                result.changed.setdefault(paper_id, []).extend(changes)
                touched[paper_id] = merged
            elif paper_id not in touched and paper_id not in result.unchanged:
                result.unchanged.append(paper_id)
        else:
            merged = {"id": paper_id, **incoming}
            result.added.append(paper_id)
            touched[paper_id] = merged
        by_id[paper_id] = merged
        if merged.get("arxiv"):
            by_arxiv[merged["arxiv"]] = paper_id
        by_title.setdefault(ids.title_key(merged["title"]), paper_id)
        todays = per_day.setdefault(c.digest_date, [])
        if paper_id not in todays:
            todays.append(paper_id)
    result.unchanged = [p for p in result.unchanged if p not in touched]
    writes: dict[Path, str] = {}
    for paper_id, record in touched.items():
        path = existing[paper_id][0] if paper_id in existing else record_path(content, paper_id)
        problems = validate(ordered(record), schema.PAPER)
        if problems:
            raise DigestError.single(files.display_path(path),
                                     f"imported record for '{paper_id}' would be invalid: {problems[0].message}",
                                     "the source may be damaged")
        writes[path] = yamlio.dump(ordered(record))
    for day, paper_ids in sorted(per_day.items()):
        path = content / "digests" / f"{day.isoformat()}.yaml"
        shown = files.display_path(path)
        offered_file = offered_path(content, day)
        offered = read_offered(offered_file)
        if path.exists():
            raw = files.read_bytes(path, content, shown)
            style = TextStyle.of(raw)
            text = files.decode(raw, shown).replace("\r\n", "\n")
            data = yamlio.parse(text, shown)
            listed = [item.get("paper") for item in ((data or {}).get("papers") or [] if isinstance(data, dict)
                                                     else []) if isinstance(item, dict)]
            if offered is None:  # a digest from before offered lists: what it lists was offered, and so
                # was a paper of this day whose record already existed but that the digest does not list
                offered = [pid for pid in listed if isinstance(pid, str)]
                offered += [pid for pid in paper_ids if pid in existing and pid not in offered]
            removed = [pid for pid in paper_ids if pid in offered and pid not in listed]
            if removed:
                result.removed_by_curator[shown] = removed
            new_text, appended = append_to_digest(text, [p for p in paper_ids if p not in removed], shown)
            if appended:
                result.digests_extended[shown] = appended
                writes[path] = style.apply(new_text)
        else:
            offered = []
            writes[path] = new_digest_text(day, _default_curator(content, curator), paper_ids)
            result.digests_created.append(shown)
        all_offered = offered + [pid for pid in paper_ids if pid not in offered]
        text = offered_text(all_offered)
        if not offered_file.exists() or offered_file.read_text(encoding="utf-8") != text:
            writes[offered_file] = text
    for path, new in sorted(writes.items()):
        shown = files.display_path(path)
        before = path.read_text(encoding="utf-8") if path.exists() else None
        result.diffs[shown] = _diff(shown, before, new)
    if not dry_run:
        for path in sorted(writes, key=_write_order):
            files.write_text_atomic(path, writes[path])
    result.written = sorted(files.display_path(p) for p in writes)
    return result


def _write_order(path: Path) -> tuple[int, str]:
    """Records, then digest files, then the offered lists. A kill at any point leaves
    content that checks, and a paper is never marked offered before its digest lists it
    (it would then look removed by the curator and never come back)."""
    kind = 0 if "papers" in path.parts else 2 if path.parent.name == ".offered" else 1
    return (kind, str(path))


def _default_curator(content: Path, curator: str | None) -> str:
    if curator:
        return curator
    report = Report()
    curators = load_curators(content, report)
    report.raise_if_errors()
    assert curators is not None
    if not curators:
        raise DigestError.single(files.display_path(content / "curators.yaml"),
                                 "no curator to put on the new digest",
                                 "add yourself to content/curators.yaml or pass --curator ID")
    return next(iter(curators))
