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

from ..diagnostics import DigestError
from . import files

_CLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_CDumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)

# Where an alias can start: a value after "key:", "- ", "[", "{" or ",". Markdown
# *emphasis* inside a scalar does not match, so notes keep the fast loader.
_MAYBE_ALIAS = re.compile(r"(?:^[ \t]*|[:?\-][ \t]+|[\[{,][ \t]*)\*[^\s*]", re.M)
_KEEP_TAGS = {"tag:yaml.org,2002:int", "tag:yaml.org,2002:null", "tag:yaml.org,2002:merge"}
MAX_INT_CHARS = 40
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


def _construct_int(loader: ContentLoader, node: yaml.ScalarNode) -> int:
    if len(node.value) > MAX_INT_CHARS:  # int() of 4,300+ digits raises, and no count is that large
        raise _YamlProblem(f"number with {len(node.value):,} characters is too large", node.start_mark,
                           "write a smaller number, or quote it if it is text")
    return loader.construct_yaml_int(node)


# Only plain data: explicit tags such as !!timestamp, !!binary, !!set or
# !!python/... find no constructor and are reported where they stand.
ContentLoader.yaml_constructors = {
    "tag:yaml.org,2002:null": ContentLoader.construct_yaml_null,
    "tag:yaml.org,2002:bool": lambda loader, node: node.value.lower() == "true",
    "tag:yaml.org,2002:int": _construct_int,
    "tag:yaml.org,2002:str": ContentLoader.construct_yaml_str,
    "tag:yaml.org,2002:seq": ContentLoader.construct_yaml_seq,
    "tag:yaml.org,2002:map": ContentLoader.construct_yaml_map,
    None: ContentLoader.construct_undefined,
}


class _AliasCheckingLoader(ContentLoader):
    """Used only when the text contains '*': aliases would let a small file
    expand into an enormous document (billion laughs)."""

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        if node in self.constructed_objects:
            raise _YamlProblem("anchors and aliases ('&name', '*name') are not allowed in content files",
                               node.start_mark, "repeat the value instead")
        return super().construct_object(node, deep)


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
    except yaml.reader.ReaderError as exc:  # a raw control character: say where it is
        line = text.count("\n", 0, exc.position) + 1
        col = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        raise DigestError.single(display, f"the file contains the control character U+{exc.character:04X}",
                                 "remove it; only tabs and line breaks may appear in text", line, col) from None
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


def load_file(path: Path, display: str | None = None, root: Path | None = None) -> tuple[Any, str]:
    """Read and parse a YAML file; returns (data, text)."""
    shown = display or files.display_path(path)
    text = files.read_text(path, root, shown)
    return parse(text, shown), text


Position = tuple[int, int]


def compose(text: str) -> yaml.Node | None:
    """The node tree of `text` (positions only; None when it does not parse)."""
    try:
        return yaml.compose(text, Loader=ContentLoader)
    except (yaml.YAMLError, RecursionError):
        return None


def locate(text: str | yaml.Node | None, where: tuple[Any, ...], key: bool = False) -> Position:
    """1-based (line, col) of the value at `where` (keys and list indexes) in
    `text` (or its composed node tree), or of its key when `key` is true.
    Falls back to the deepest node found. Only called on the error path."""
    node = compose(text) if isinstance(text, str) else text
    if node is None:
        return (1, 1)
    mark = node.start_mark
    for i, step in enumerate(where):
        last = i == len(where) - 1
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                if _same_key(key_node, step):
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


def _same_key(node: yaml.Node, step: Any) -> bool:
    """Whether a key node, as written, is the key `step` the loader produced ('~' is None, 'true' is True)."""
    if not isinstance(node, yaml.ScalarNode):
        return False
    if step is None or isinstance(step, bool):
        return node.tag.endswith((":null", ":bool")) and _BOOL_OR_NULL.get(node.value.lower(), 0) is step
    return node.value == str(step)


_BOOL_OR_NULL = {"~": None, "null": None, "": None, "true": True, "false": False}


def source_text(text: str, where: tuple[Any, ...]) -> str | None:
    """The scalar exactly as written at `where`, for hints like 'quote it'."""
    try:
        node: Any = yaml.compose(text, Loader=ContentLoader)
        for step in where:
            if isinstance(node, yaml.MappingNode):
                node = next(v for k, v in node.value if _same_key(k, step))
            else:
                node = node.value[step]
    except (yaml.YAMLError, StopIteration, IndexError, TypeError, AttributeError, RecursionError):
        return None
    return node.value if isinstance(node, yaml.ScalarNode) else None


def dump(data: Any) -> str:
    """Stable, readable YAML for machine-written files (records)."""
    return yaml.dump(data, Dumper=_CDumper, sort_keys=False, allow_unicode=True,
                     width=100, default_flow_style=False)
