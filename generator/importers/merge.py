"""Which record an incoming paper is, and how the source's fields merge into it.

Identity: an arXiv id first; else the title with case, punctuation and
spacing ignored; else, among the papers of the same digest day, a close title
with a near-identical abstract (a corrected "Tumor" -> "Tumour" updates the
record instead of duplicating it). A record's id never changes.

Which source wins: sources are ranked (arxiv > hf-api > hf-page, see RANK). A
record's `source` names the best source seen so far; bibliographic fields are
only replaced by a source of at least that rank (lower ones only fill gaps),
counters only grow and arXiv versions only go up, so importing the same
sources again, in any order, changes nothing.
"""
from __future__ import annotations

import difflib
import re
from pathlib import Path
from typing import Any

from ..content import ids
from ..content.model import MACHINE_FIELDS, RECORD_FIELDS
from . import Candidate


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
        older = (new.get("arxiv_version") or 0) < (old.get("arxiv_version") or 0)
        if key == "arxiv_version_date" and old.get("arxiv_version") is not None and older:
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


TITLE_SIMILAR, ABSTRACT_SIMILAR = 0.8, 0.9  # a corrected title, the same abstract


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
