"""YAML in and out, with the traps of YAML 1.1 removed.

Reading uses libyaml (the C loader) when present and a resolver closer to
YAML 1.2: only `true`/`false` are booleans, there are no floats (so `2410.17240`
stays a string, keeping its trailing zero) and no timestamps (dates stay
strings and are checked by the validator, so 2026-02-30 is a clear error
instead of a crash). Duplicate keys, which PyYAML silently collapses, are
errors. Positions are only computed when a problem must be reported
(`locate`), so the happy path does no extra work per node.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from .diagnostics import DigestError

_CLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_CDumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)

MAX_FILE_BYTES = 2_000_000
# Where an alias can start: a value after "key:", "- ", "[", "{" or ",". Markdown
# *emphasis* inside a scalar does not match, so notes keep the fast loader.
_MAYBE_ALIAS = re.compile(r"(?:^[ \t]*|[:?\-][ \t]+|[\[{,][ \t]*)\*[^\s*]", re.M)
_KEEP_TAGS = {"tag:yaml.org,2002:int", "tag:yaml.org,2002:null", "tag:yaml.org,2002:merge"}
_BOOL = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")


class _YamlProblem(Exception):
    def __init__(self, message: str, mark: Any, hint: str = ""):
        super().__init__(message)
        self.message, self.mark, self.hint = message, mark, hint


def _resolvers() -> dict:
    table: dict = {}
    for first, entries in yaml.resolver.Resolver.yaml_implicit_resolvers.items():
        kept = [(tag, rx) for tag, rx in entries if tag in _KEEP_TAGS]
        if kept:
            table[first] = kept
    for first in "tTfF":
        table.setdefault(first, []).append(("tag:yaml.org,2002:bool", _BOOL))
    return table


class ContentLoader(_CLoader):  # type: ignore[misc,valid-type]
    """C loader with strict keys and YAML-1.2-like scalars."""

    yaml_implicit_resolvers = _resolvers()

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        seen: dict[Any, yaml.Node] = {}
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise _YamlProblem("merge keys ('<<') are not supported", key_node.start_mark,
                                   "write the keys out in full")
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if key is not None and key in seen:
                first = seen[key].start_mark.line + 1
                raise _YamlProblem(f"duplicate key '{key}' (first defined on line {first})",
                                   key_node.start_mark, "remove one of them; YAML would silently keep the last")
            if key is not None:
                seen[key] = key_node
        return super().construct_mapping(node, deep)


ContentLoader.add_constructor("tag:yaml.org,2002:bool",
                              lambda loader, node: node.value.lower() == "true")


class _AliasCheckingLoader(ContentLoader):
    """Used only when the text contains '*': aliases would let a small file
    expand into an enormous document (billion laughs)."""

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        if node in self.constructed_objects:
            raise _YamlProblem("anchors and aliases ('&name', '*name') are not allowed in content files",
                               node.start_mark, "repeat the value instead")
        return super().construct_object(node, deep)


def read_bytes(path: Path, display: str | None = None) -> bytes:
    """The bytes of a content file, refusing huge or unreadable ones with a clear error."""
    shown = display or str(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise DigestError.single(shown, f"file is too large ({size:,} bytes; the limit is {MAX_FILE_BYTES:,})",
                                     "split it or remove the pasted content", 1, 1)
        return path.read_bytes()
    except OSError as exc:
        raise DigestError.single(shown, f"cannot read file: {exc.strerror or exc}") from None


def read_text(path: Path, display: str | None = None) -> str:
    """Read a content file as UTF-8 (a BOM is accepted), or raise a located error."""
    shown = display or str(path)
    return decode(read_bytes(path, shown), shown)


def decode(data: bytes, shown: str) -> str:
    """UTF-8 text of a content file, or a located error for bad bytes."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise DigestError.single(shown, f"file is not valid UTF-8 (byte 0x{data[exc.start]:02x})",
                                 "save the file as UTF-8", line, col) from None
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise DigestError.single(shown, "file contains a NUL byte; is it a binary file?", "", line, 1)
    return text.removeprefix("\ufeff")


def parse(text: str, display: str) -> Any:
    """Parse one YAML document, raising `DigestError` with the position of any problem."""
    loader_cls = _AliasCheckingLoader if "*" in text and _MAYBE_ALIAS.search(text) else ContentLoader
    try:
        loader = loader_cls(text)
        try:
            return loader.get_single_data()
        finally:
            loader.dispose()
    except _YamlProblem as exc:
        raise DigestError.single(display, exc.message, exc.hint, exc.mark.line + 1, exc.mark.column + 1) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        message = " ".join(p for p in (exc.context, exc.problem) if p) or "invalid YAML"
        hint = _syntax_hint(message, text, mark)
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        raise DigestError.single(display, f"YAML syntax error: {message}", hint, line, col) from None
    except yaml.YAMLError as exc:
        raise DigestError.single(display, f"YAML error: {exc}", "", 1, 1) from None
    except RecursionError:
        raise DigestError.single(display, "YAML is nested too deeply", "flatten the structure", 1, 1) from None


def _syntax_hint(message: str, text: str, mark: Any) -> str:
    at = text[mark.index] if mark is not None and 0 <= mark.index < len(text) else ""
    if at == "\t" or "\t" in message:
        return "YAML indentation must use spaces, not tabs"
    if mark is not None and "mapping values are not allowed" in message:
        return "a value containing ': ' must be quoted"
    if "found character '@'" in message or "found character '`'" in message:
        return "quote values that start with @ or `"
    if "could not find expected ':'" in message:
        return "check the indentation and that every key ends with ':'"
    return ""


def load_file(path: Path, display: str | None = None) -> tuple[Any, str]:
    """Read and parse a YAML file; returns (data, text)."""
    shown = display or str(path)
    text = read_text(path, shown)
    return parse(text, shown), text


Position = tuple[int, int]


def locate(text: str, where: tuple[Any, ...], key: bool = False) -> Position:
    """1-based (line, col) of the value at `where` (keys and list indexes) in
    `text`, or of its key when `key` is true. Falls back to the deepest node
    found. Only called on the error path."""
    try:
        node = yaml.compose(text, Loader=ContentLoader)
    except (yaml.YAMLError, RecursionError):
        return (1, 1)
    if node is None:
        return (1, 1)
    mark = node.start_mark
    for i, step in enumerate(where):
        last = i == len(where) - 1
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                if isinstance(key_node, yaml.ScalarNode) and key_node.value == str(step):
                    mark = key_node.start_mark if (last and key) else value_node.start_mark
                    node = value_node
                    break
            else:
                break
        elif isinstance(node, yaml.SequenceNode) and isinstance(step, int) and 0 <= step < len(node.value):
            node = node.value[step]
            mark = node.start_mark
        else:
            break
    return (mark.line + 1, mark.column + 1)


def source_text(text: str, where: tuple[Any, ...]) -> str | None:
    """The scalar exactly as written at `where`, for hints like 'quote it'."""
    try:
        node = yaml.compose(text, Loader=ContentLoader)
        for step in where:
            if isinstance(node, yaml.MappingNode):
                node = next(v for k, v in node.value if getattr(k, "value", None) == str(step))
            else:
                node = node.value[step]
    except (yaml.YAMLError, StopIteration, IndexError, TypeError, AttributeError, RecursionError):
        return None
    return node.value if isinstance(node, yaml.ScalarNode) else None


def dump(data: Any) -> str:
    """Stable, readable YAML for machine-written files (records)."""
    return yaml.dump(data, Dumper=_CDumper, sort_keys=False, allow_unicode=True,
                     width=100, default_flow_style=False)
