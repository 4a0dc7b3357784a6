"""The files curators own, edited as text: digest files and the lists of what
imports have offered to each digest.

An import only appends entries for papers a digest does not list yet, after
the last entry and the comment lines that belong to it, so comments, notes,
picks, tags, order and overrides stay exactly as written. The file keeps its
line endings (LF or CRLF) and its byte-order mark.

Curator intent: content/digests/.offered/DATE.txt lists every paper an import
has offered to that digest. A paper offered but no longer listed was removed
by the curator and is not appended again.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from ..content import yamlio
from ..diagnostics import DigestError
from ..site.catalog import MONTH_NAMES

SCHEMA_MODELINE = "# yaml-language-server: $schema=../schema/digest.schema.json\n"


@dataclass(frozen=True)
class TextStyle:
    """How a curator's file is written: with a byte-order mark or not, LF or CRLF.
    Edits work on LF text; `apply` gives the result the file's own style back."""

    bom: bool = False
    newline: str = "\n"

    @classmethod
    def of(cls, raw: bytes) -> TextStyle:
        return cls(raw.startswith(b"\xef\xbb\xbf"), "\r\n" if b"\r\n" in raw else "\n")

    def apply(self, text: str) -> str:
        return ("\ufeff" if self.bom else "") + text.replace("\n", self.newline)


OFFERED_HEADER = ("# Papers 'digest import' has offered to this digest, one id a line (written by the import).\n"
                  "# An id here that the digest no longer lists was removed by its curator and is not added again;\n"
                  "# delete its line to have the next import offer it again.\n")


def offered_path(content: Path, day: date) -> Path:
    return content / "digests" / ".offered" / f"{day.isoformat()}.txt"


def read_offered(path: Path) -> list[str] | None:
    if not path.exists():
        return None
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]


def offered_text(paper_ids: list[str]) -> str:
    return OFFERED_HEADER + "".join(f"{pid}\n" for pid in paper_ids)


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
