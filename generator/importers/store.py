"""Merge imported candidates into a content folder.

Records are machine data: an import fills what is missing and updates what
changed, reporting each change. Digest files belong to curators: an import
only appends papers that are not listed yet, as text, so comments, notes,
picks, tags, order and overrides stay exactly as written.
"""
from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from ..content import files, ids, schema, yamlio
from ..content.loader import load_curators
from ..content.model import MACHINE_FIELDS, RECORD_FIELDS
from ..content.validate import validate
from ..content.records import record_files
from ..diagnostics import DigestError, Report
from ..site.catalog import MONTH_NAMES
from . import Candidate

SCHEMA_MODELINE = "# yaml-language-server: $schema=../schema/digest.schema.json\n"


@dataclass
class ImportResult:
    """What an import did, for the command to report."""

    added: list[str] = field(default_factory=list)
    changed: dict[str, list[str]] = field(default_factory=dict)
    kept: dict[str, list[str]] = field(default_factory=dict)
    unchanged: list[str] = field(default_factory=list)
    digests_created: list[str] = field(default_factory=list)
    digests_extended: dict[str, list[str]] = field(default_factory=dict)
    written: list[str] = field(default_factory=list)


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


def _unfold_truncation(text: str) -> str:
    return text.rstrip().removesuffix("...").removesuffix("…").rstrip()


def _longer_if_truncated(old: str, new: str) -> str | None:
    """When one text is a cut-off copy of the other, the full one; else None."""
    a, b = _unfold_truncation(old), _unfold_truncation(new)
    if a and b and (a.startswith(b) or b.startswith(a)):
        return old if len(a) >= len(b) else new
    return None


def candidate_record(c: Candidate) -> dict[str, Any]:
    record = {k: v for k, v in c.record.items() if v not in (None, "", [], {})}
    if record.get("authors"):
        record.pop("author_count", None)
    return record


def merge_record(old: dict[str, Any], new: dict[str, Any],
                 published_exact: bool = True) -> tuple[dict[str, Any], list[str], list[str]]:
    """`old` updated with what `new` knows; a line per change, and a line per
    difference that was deliberately kept.

    Title and abstract text is only replaced when the record's copy is a
    cut-off version of the source's: a hand-fixed record, or one imported from
    a source with different scraping artefacts, must not flip-flop between
    imports. A publication date guessed from a yearless "May 15" never
    replaces a known one."""
    merged = dict(old)
    changes: list[str] = []
    kept: list[str] = []

    def note(key: str, before: Any, after: Any) -> None:
        if before in (None, "", [], {}):
            changes.append(f"{key}: filled")
        elif isinstance(after, (int, str)) and len(str(after)) < 40 and len(str(before)) < 40:
            changes.append(f"{key}: {before} -> {after}")
        else:
            changes.append(f"{key}: updated")

    for key in ("title", "abstract"):
        before, after = old.get(key) or "", new.get(key) or ""
        if not after or after == before:
            continue
        if key == "title" and ids.title_key(before) == ids.title_key(after):
            continue
        if before:
            longer = _longer_if_truncated(before, after)
            if longer is None:
                kept.append(f"{key} differs in the source (kept the record's)")
                continue
            if longer == before:
                continue
            after = longer
        merged[key] = after
        note(key, before, after)
    if new.get("authors") and new["authors"] != old.get("authors"):
        note("authors", old.get("authors"), new["authors"])
        merged["authors"] = new["authors"]
        merged.pop("author_count", None)
    elif new.get("author_count") and not merged.get("authors") and new["author_count"] != old.get("author_count"):
        note("author_count", old.get("author_count"), new["author_count"])
        merged["author_count"] = new["author_count"]
    for key in (k for k in MACHINE_FIELDS if k not in ("authors", "author_count")):
        if key == "published" and not published_exact and old.get(key):
            continue
        if key in new and new[key] != old.get(key):
            note(key, old.get(key), new[key])
            merged[key] = new[key]
    links = dict(old.get("links") or {})
    for key, url in (new.get("links") or {}).items():
        if links.get(key) != url:
            note(f"links.{key}", links.get(key), url)
            links[key] = url
    if links:
        merged["links"] = dict(sorted(links.items()))
    if new.get("source") and not old.get("source"):
        merged["source"] = new["source"]
    return merged, changes, kept


def ordered(record: dict[str, Any]) -> dict[str, Any]:
    return {key: record[key] for key in RECORD_FIELDS if record.get(key) not in (None, "", [], {})}


def record_path(content: Path, paper_id: str) -> Path:
    return content / "papers" / ids.shard(paper_id) / f"{paper_id}.yaml"


def _assign_id(c: Candidate, by_id: dict[str, dict[str, Any]], by_arxiv: dict[str, str],
               by_title: dict[str, str]) -> str:
    if c.arxiv and c.arxiv in by_arxiv:
        return by_arxiv[c.arxiv]
    key = ids.title_key(c.title)
    if key in by_title:
        found = by_title[key]
        other_arxiv = by_id[found].get("arxiv")
        if not (c.arxiv and other_arxiv and other_arxiv != c.arxiv):
            return found
    if c.arxiv:
        return ids.id_for_arxiv(c.arxiv)
    slug = ids.slugify(c.title)
    if slug in by_id:  # a different paper whose title slug is the same
        slug = ids.disambiguate(slug, c.title, c.abstract)
    return slug


def import_candidates(content: Path, candidates: list[Candidate], curator: str | None,
                      dry_run: bool = False) -> ImportResult:
    """Merge `candidates` into `content` and list them in their digests."""
    existing = _existing_records(content)
    by_id = {pid: data for pid, (_, data) in existing.items()}
    by_arxiv = {data["arxiv"]: pid for pid, data in by_id.items() if data.get("arxiv")}
    by_title = {ids.title_key(data["title"]): pid for pid, data in sorted(by_id.items())}
    result = ImportResult()
    touched: dict[str, dict[str, Any]] = {}
    per_day: dict[date, list[str]] = {}
    for c in candidates:
        paper_id = _assign_id(c, by_id, by_arxiv, by_title)
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
        assert c.digest_date is not None
        day = per_day.setdefault(c.digest_date, [])
        if paper_id not in day:
            day.append(paper_id)
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
        if path.exists():
            text = files.read_text(path, content, shown)
            new_text, appended = append_to_digest(text, paper_ids, shown)
            if appended:
                result.digests_extended[shown] = appended
                writes[path] = new_text
        else:
            writes[path] = new_digest_text(day, _default_curator(content, curator), paper_ids)
            result.digests_created.append(shown)
    if not dry_run:
        for path, text in sorted(writes.items()):
            write_atomic(path, text)
    result.written = sorted(files.display_path(p) for p in writes)
    return result


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


def new_digest_text(day: date, curator: str, paper_ids: list[str], title: str = "") -> str:
    heading = title or f"Papers for {MONTH_NAMES[day.month - 1]} {day.day}, {day.year}"
    lines = [SCHEMA_MODELINE.rstrip("\n"), f"date: {day.isoformat()}", f"title: {_scalar(heading)}",
             f"curator: {curator}", 'intro: ""']
    if paper_ids:
        lines.append("papers:")
        lines += [f"  - paper: {_scalar(pid)}" for pid in paper_ids]
    else:
        lines.append("papers: []")
    return "\n".join(lines) + "\n"


def _scalar(value: str) -> str:
    return yamlio.dump(value).removesuffix("\n...\n").rstrip("\n")


def append_to_digest(text: str, paper_ids: list[str], shown: str) -> tuple[str, list[str]]:
    """Append entries for the ids not listed yet, touching nothing else."""
    data = yamlio.parse(text, shown)
    if not isinstance(data, dict):
        raise DigestError.single(shown, "digest file is not a mapping", "fix it before importing", 1, 1)
    listed = {item.get("paper") for item in (data.get("papers") or []) if isinstance(item, dict)}
    missing = [pid for pid in paper_ids if pid not in listed]
    if not missing:
        return text, []
    entries = [{"paper": pid} for pid in missing]
    new_text = _insert_entries(text, missing)
    check = yamlio.parse(new_text, shown) if new_text is not None else None
    expected = dict(data, papers=list(data.get("papers") or []) + entries)
    if check != expected:
        raise DigestError.single(shown, "cannot extend this digest file without rewriting it",
                                 "add these papers by hand: " + ", ".join(missing), 1, 1)
    assert new_text is not None
    return new_text, missing


def _insert_entries(text: str, paper_ids: list[str]) -> str | None:
    root = yaml.compose(text, Loader=yamlio.ContentLoader)
    if not isinstance(root, yaml.MappingNode):
        return None
    for key_node, value in root.value:
        if key_node.value != "papers":
            continue
        indent = key_node.start_mark.column
        if isinstance(value, yaml.SequenceNode) and value.value and not value.flow_style:
            first = value.value[0]
            line_start = text.rfind("\n", 0, first.start_mark.index) + 1
            dash = text.index("-", line_start)
            item_indent = dash - line_start
            end = _content_end(value.value[-1])
            insert_at = end.index if end.column == 0 else _line_end(text, end.index)
            block = "".join(f"{' ' * item_indent}- paper: {_scalar(pid)}\n" for pid in paper_ids)
            if insert_at > 0 and text[insert_at - 1] != "\n":
                block = "\n" + block
            return text[:insert_at] + block + text[insert_at:]
        if (isinstance(value, yaml.ScalarNode) and value.tag.endswith(":null")) or (
                isinstance(value, yaml.SequenceNode) and not value.value):
            block = "".join(f"\n{' ' * (indent + 2)}- paper: {_scalar(pid)}" for pid in paper_ids)
            start = key_node.end_mark.index + 1  # just after the colon
            written = value.end_mark.index > value.start_mark.index  # an explicit '~', 'null' or '[]'
            return text[:start] + block + text[value.end_mark.index if written else start:]
        return None
    sep = "" if text.endswith("\n") or not text else "\n"
    return text + sep + "papers:\n" + "".join(f"  - paper: {_scalar(pid)}\n" for pid in paper_ids)


def _content_end(node: yaml.Node) -> Any:
    while isinstance(node, (yaml.MappingNode, yaml.SequenceNode)) and node.value:
        node = node.value[-1][1] if isinstance(node, yaml.MappingNode) else node.value[-1]
    return node.end_mark


def _line_end(text: str, index: int) -> int:
    newline = text.find("\n", index)
    return len(text) if newline == -1 else newline + 1


def write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
