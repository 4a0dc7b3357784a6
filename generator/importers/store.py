"""Merge imported candidates into a content folder.

Records are machine data: an import fills what is missing and updates what
changed, reporting each change. Digest files belong to curators: an import
only appends papers that are not listed yet, as text, so comments, notes,
picks, tags, order and overrides stay exactly as written.

Curator intent: content/digests/.offered/DATE.txt lists every paper an import
has offered to that digest. A paper offered but no longer listed was removed
by the curator and is not appended again.

Which source wins: sources are ranked (arxiv > hf-api > hf-page, see RANK). A
record's `source` names the best source seen so far; bibliographic fields are
only replaced by a source of at least that rank (lower ones only fill gaps),
counters only grow and arXiv versions only go up, so importing the same
sources again, in any order, changes nothing.
"""
from __future__ import annotations

import difflib
import os
import re
import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from ..content import files, ids, schema, yamlio
from ..content.loader import load_curators
from ..content.model import MACHINE_FIELDS, RECORD_FIELDS
from ..content.records import record_files
from ..content.validate import validate
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


RANK = {"hf-page": 1, "hf-api": 2, "arxiv": 3}  # how much a source knows about the paper itself
RANKED = ("title", "abstract", "authors", "author_count", "organization", "published", "category", "arxiv")
COUNTERS = ("upvotes", "comments", "github_stars")  # only grow: a page saved earlier shows fewer votes
_PDF = re.compile(r"^https?://(?:export\.)?arxiv\.org/pdf/(.+?)(?:v\d+)?(?:\.pdf)?$")


def source_rank(source: Any) -> int:
    return RANK.get(str(source or "").split(" ", 1)[0], 0)


def _same_link(key: str, a: str, b: str) -> bool:
    """pdf links are the same paper with or without a version ('…v1'), http or https."""
    if a == b:
        return True
    if key == "pdf":
        ma, mb = _PDF.match(a or ""), _PDF.match(b or "")
        return bool(ma and mb and ma.group(1) == mb.group(1))
    return False


def merge_record(old: dict[str, Any], new: dict[str, Any],
                 published_exact: bool = True) -> tuple[dict[str, Any], list[str], list[str]]:
    """`old` updated with what `new` knows; a line per change, and a line per
    difference that was deliberately kept.

    A source ranked at least as high as the record's updates its title,
    authors and dates (a corrected title, or one whose case or punctuation
    changed, is applied and reported); its abstract only a better-ranked
    one (a hand-fixed scraping artefact stays fixed); a lower one only fills
    gaps and reports what it would have changed. Text is never replaced by a
    cut-off copy of itself. A publication date guessed from a yearless
    "May 15" never replaces a known one."""
    merged = dict(old)
    changes: list[str] = []
    kept: list[str] = []
    # a record without a source was written by hand: imports only fill its gaps
    new_rank, old_rank = source_rank(new.get("source")), source_rank(old.get("source")) if old.get("source") else 99
    authoritative = new_rank >= old_rank
    who = str(new.get("source") or "the source").split(" ", 1)[0]

    def note(key: str, before: Any, after: Any) -> None:
        if before in (None, "", [], {}):
            changes.append(f"{key}: filled")
        elif key == "title":
            changes.append(f"title: {before!r} -> {after!r}" + (
                "" if ids.title_key(before) == ids.title_key(after) else f" (corrected; id '{old.get('id')}' kept)"))
        elif isinstance(after, (int, str)) and len(str(after)) < 40 and len(str(before)) < 40:
            changes.append(f"{key}: {before} -> {after}")
        else:
            changes.append(f"{key}: updated")

    for key in ("title", "abstract"):
        before, after = old.get(key) or "", new.get(key) or ""
        if not after or after == before:
            continue
        if before:
            longer = _longer_if_truncated(before, after)
            if longer == before:
                continue  # the source's copy is cut off
            # a title correction comes from a source as good as the record's; an abstract only from a
            # better one (a hand-fixed scraping artefact must not come back from the same kind of page)
            if longer is None and (not authoritative or (key == "abstract" and new_rank == old_rank)):
                kept.append(f"{key} differs in {who} (kept the record's)")
                continue
        merged[key] = after
        note(key, before, after)
    if new.get("authors") and new["authors"] != old.get("authors"):
        if old.get("authors") and not authoritative:
            kept.append(f"authors differ in {who} (kept the record's)")
        else:
            note("authors", old.get("authors"), new["authors"])
            merged["authors"] = new["authors"]
            merged.pop("author_count", None)
    elif new.get("author_count") and not merged.get("authors") and new["author_count"] != old.get("author_count"):
        if old.get("author_count") and not authoritative:
            kept.append(f"author_count differs in {who} (kept the record's)")
        else:
            note("author_count", old.get("author_count"), new["author_count"])
            merged["author_count"] = new["author_count"]
    for key in (k for k in MACHINE_FIELDS if k not in ("authors", "author_count")):
        if key not in new or new[key] in (None, "", [], {}) or new[key] == old.get(key):
            continue
        before = old.get(key)
        if key == "published" and not published_exact and before:
            continue
        if key in COUNTERS and before is not None and new[key] < before:
            continue
        if key == "arxiv_version" and before is not None and new[key] < before:
            continue
        if key == "arxiv_version_date" and old.get("arxiv_version") is not None and (new.get("arxiv_version") or 0) < old["arxiv_version"]:
            continue
        if key in RANKED and before not in (None, "", [], {}) and not authoritative:
            kept.append(f"{key} differs in {who} (kept the record's)")
            continue
        if key == "arxiv_version" and before is not None:
            changes.append(f"arxiv_version: v{before} -> v{new[key]}" + (
                f" (updated on {new['arxiv_version_date']})" if new.get("arxiv_version_date") else ""))
            merged[key] = new[key]
            continue
        note(key, before, new[key])
        merged[key] = new[key]
    links = dict(old.get("links") or {})
    for key, url in (new.get("links") or {}).items():
        if _same_link(key, links.get(key, ""), url):
            continue
        if links.get(key) and not authoritative:
            kept.append(f"links.{key} differs in {who} (kept the record's)")
            continue
        note(f"links.{key}", links.get(key), url)
        links[key] = url
    if links:
        merged["links"] = dict(sorted(links.items()))
    if new.get("source") and old.get("source") and new_rank > old_rank:
        changes.append(f"source: {old['source']} -> {new['source']}")
        merged["source"] = new["source"]
    return merged, changes, kept


def ordered(record: dict[str, Any]) -> dict[str, Any]:
    return {key: record[key] for key in RECORD_FIELDS if record.get(key) not in (None, "", [], {})}


def record_path(content: Path, paper_id: str) -> Path:
    return content / "papers" / ids.shard(paper_id) / f"{paper_id}.yaml"


OFFERED_HEADER = ("# Papers 'digest import' has offered to this digest, one id a line (written by the import).\n"
                  "# An id here that the digest no longer lists was removed by its curator and is not added again;\n"
                  "# delete its line to have the next import offer it again.\n")
TITLE_SIMILAR, ABSTRACT_SIMILAR = 0.8, 0.9


def offered_path(content: Path, day: date) -> Path:
    return content / "digests" / ".offered" / f"{day.isoformat()}.txt"


def read_offered(path: Path) -> list[str] | None:
    if not path.exists():
        return None
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]


def offered_text(paper_ids: list[str]) -> str:
    return OFFERED_HEADER + "".join(f"{pid}\n" for pid in paper_ids)


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.casefold())


def similarity(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, _words(a), _words(b), autojunk=False).ratio()


def same_paper_by_text(c: Candidate, record: dict[str, Any]) -> bool:
    """A corrected title ('Tumor' -> 'Tumour'): titles close, abstracts nearly identical."""
    if not c.abstract or not record.get("abstract"):
        return False
    title = difflib.SequenceMatcher(None, ids.title_key(c.title), ids.title_key(record.get("title") or ""),
                                    autojunk=False).ratio()
    return title >= TITLE_SIMILAR and similarity(c.abstract, record["abstract"]) >= ABSTRACT_SIMILAR


def _assign_id(c: Candidate, by_id: dict[str, dict[str, Any]], by_arxiv: dict[str, str],
               by_title: dict[str, str], same_day: list[str] | None = None) -> str:
    """The id of the record `c` describes: by arXiv id; else by title (case,
    punctuation and spacing ignored); else, among the papers of the same
    digest day from the same kind of source, by a close title and abstract;
    else a new id."""
    if c.arxiv and c.arxiv in by_arxiv:
        return by_arxiv[c.arxiv]
    key = ids.title_key(c.title)
    if key in by_title:
        found = by_title[key]
        other_arxiv = by_id[found].get("arxiv")
        if not (c.arxiv and other_arxiv and other_arxiv != c.arxiv):
            return found
    kind = str(c.record.get("source") or "").split(" ", 1)[0]
    for pid in same_day or []:
        record = by_id.get(pid)
        if record is None or str(record.get("source") or "").split(" ", 1)[0] != kind:
            continue
        if c.arxiv and record.get("arxiv") and record["arxiv"] != c.arxiv:
            continue
        if same_paper_by_text(c, record):
            return pid
    if c.arxiv:
        return ids.id_for_arxiv(c.arxiv)
    slug = ids.slugify(c.title)
    if slug in by_id:  # a different paper whose title slug is the same
        slug = ids.disambiguate(slug, c.title, c.abstract)
    return slug


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
            text = files.read_text(path, content, shown)
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
                writes[path] = new_text
        else:
            offered = []
            writes[path] = new_digest_text(day, _default_curator(content, curator), paper_ids)
            result.digests_created.append(shown)
        all_offered = offered + [pid for pid in paper_ids if pid not in offered]
        text = offered_text(all_offered)
        if not offered_file.exists() or offered_file.read_text(encoding="utf-8") != text:
            writes[offered_file] = text
    for path, text in sorted(writes.items()):
        shown = files.display_path(path)
        before = path.read_text(encoding="utf-8") if path.exists() else None
        result.diffs[shown] = _diff(shown, before, text)
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
            insert_at = _after_own_comments(text, insert_at, item_indent)
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


def _after_own_comments(text: str, at: int, item_indent: int) -> int:
    """Past the comment lines that belong to the last entry: those indented
    deeper than its dash (blank lines between them included), and those that
    follow it directly at the dash's indentation. A comment after a blank line
    at or left of the dash (e.g. '# end of file') is left below the new entries."""
    best = at
    pos = at
    blank_seen = False
    while pos < len(text):
        end = _line_end(text, pos)
        line = text[pos:end].rstrip("\r\n")
        stripped = line.lstrip(" ")
        if not stripped:
            blank_seen = True
        elif stripped.startswith("#"):
            indent = len(line) - len(stripped)
            if indent > item_indent or (indent == item_indent and not blank_seen):
                best = end
                blank_seen = False
            else:
                break
        else:
            break
        pos = end
    return best


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
