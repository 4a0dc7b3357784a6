"""The validation machinery: a `Field` says what a value may be; `validate`
lists every `Problem` with a path inside the document; `to_json_schema` turns
the same declaration into the JSON Schema editors use.

What each file holds is declared elsewhere (model.py for paper records,
schema.py for the curator-written files); this module knows no file kind.
"""
from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

# fullmatch everywhere: '$' would accept a trailing newline ("memory\n")
PAPER_ID = re.compile(r"[a-z0-9](?:[a-z0-9.-]{0,78}[a-z0-9])?")
SLUG = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?")
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
HTTP_URL = re.compile(r"https?://[^\s/$.?#][^\s]*", re.I)
# Characters no text field may hold: C0 controls but tab and newline, DEL, C1
# controls, lone surrogates and the non-characters XML and HTML refuse.
FORBIDDEN_CHARS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]")
LARGEST_INTEGER = 10**15  # counts beyond this are mistakes, and never reach output


@dataclass(frozen=True)
class Problem:
    where: tuple[Any, ...]
    message: str
    hint: str = ""
    at_key: bool = False


@dataclass(frozen=True)
class Field:
    kind: str  # string | markdown | integer | boolean | date | url | paper-id | slug | list | object
    description: str = ""
    required: bool = False
    item: Field | None = None
    fields: dict[str, Field] = field(default_factory=dict)
    minimum: int | None = None
    maximum: int | None = None
    max_length: int | None = None
    check: Callable[[Any], str] | None = None  # returns an error message or ""
    example: str = ""
    label: str = ""  # what a curator calls one such value, e.g. "tag"


def _type_name(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    return {bool: "a boolean", int: "a number", str: "text", list: "a list", dict: "a mapping"}.get(
        type(value), type(value).__name__)


class Suggester:
    """'did you mean' hints against a set of known names. Each hint compares
    against every name, so a run gives at most `budget` of them: a file with
    thousands of unknown ids is reported in linear time."""

    def __init__(self, known: Iterable[str], budget: int = 25):
        self.known = sorted(known)
        self.budget = budget

    def __call__(self, word: str) -> str:
        if self.budget <= 0:
            return ""
        self.budget -= 1
        close = difflib.get_close_matches(word, self.known, n=1, cutoff=0.6)
        return f"did you mean '{close[0]}'?" if close else ""


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    return Suggester(choices, budget=1)(word)


def slugify_hint(value: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-")
    return f"write it as '{slug}'" if slug else ""


def validate(value: Any, spec: Field, where: tuple[Any, ...] = ()) -> list[Problem]:
    """All problems of `value` against `spec`; an empty list means valid."""
    kind = spec.kind
    if kind == "object":
        if not isinstance(value, dict):
            return [Problem(where, f"{spec.label or _name(where)} must be a mapping of keys, got {_type_name(value)}",
                            spec.example)]
        problems: list[Problem] = []
        context = f" in {spec.label}" if spec.label else _in(where)
        for key in value:
            if key not in spec.fields:
                shown = _short(_as_written(key))
                hint = did_you_mean(str(key), set(spec.fields)) or "allowed keys: " + ", ".join(spec.fields)
                problems.append(Problem(where + (key,), f"unknown key '{shown}'{context}", hint, at_key=True))
        for key, sub in spec.fields.items():
            if key not in value or value[key] is None or value[key] == "" and sub.required:
                if sub.required and key in value:
                    problems.append(Problem(where + (key,), f"required key '{key}' is empty{context}",
                                            f"write a value, e.g. {key}: {sub.example}" if sub.example else ""))
                elif sub.required:
                    problems.append(Problem(where, f"required key '{key}' is missing{context}",
                                            f"add '{key}: {sub.example}'" if sub.example else ""))
                continue
            problems.extend(validate(value[key], sub, where + (key,)))
        return problems
    if kind == "list":
        if not isinstance(value, list):
            return [Problem(where, f"{_name(where)} must be a list, got {_type_name(value)}",
                            "start each item on its own line with '- '")]
        assert spec.item is not None
        problems = []
        for i, item in enumerate(value):
            problems.extend(validate(item, spec.item, where + (i,)))
        return problems
    return _validate_scalar(value, spec, where)


def _validate_scalar(value: Any, spec: Field, where: tuple[Any, ...]) -> list[Problem]:
    kind, name = spec.kind, spec.label or _name(where)
    if kind == "boolean":
        if not isinstance(value, bool):
            return [Problem(where, f"{name} must be true or false, got {_type_name(value)}")]
        return []
    if kind == "integer":
        if not isinstance(value, int) or isinstance(value, bool):
            return [Problem(where, f"{name} must be a whole number, got {_type_name(value)}")]
        if spec.minimum is not None and value < spec.minimum:
            return [Problem(where, f"{name} must be at least {spec.minimum}, got {_short(str(value))}")]
        if value > (spec.maximum if spec.maximum is not None else LARGEST_INTEGER):
            limit = spec.maximum if spec.maximum is not None else LARGEST_INTEGER
            return [Problem(where, f"{name} must be at most {limit:,}, got {_short(str(value))}")]
        return []
    if not isinstance(value, str):
        hint = "put it in quotes" if isinstance(value, (bool, int)) else ""
        return [Problem(where, f"{name} must be text, got {_type_name(value)}", hint)]
    bad = FORBIDDEN_CHARS.search(value)
    if bad:
        return [Problem(where, f"{name} contains the control character {char_name(bad.group())}",
                        "remove it; only tabs and line breaks may appear in text")]
    if spec.required and not value.strip():
        return [Problem(where, f"{name} must not be empty")]
    if spec.max_length is not None and len(value) > spec.max_length:
        return [Problem(where, f"{name} is too long ({len(value):,} characters; the limit is {spec.max_length:,})")]
    if kind == "date":
        return [Problem(where, msg, hint) for msg, hint in [check_date(value, name)] if msg]
    if kind == "url" and not HTTP_URL.fullmatch(value):
        return [Problem(where, f"{name} must be an http(s) URL, got '{_short(value)}'",
                        "links must start with https:// or http://")]
    if kind == "paper-id" and not PAPER_ID.fullmatch(value):
        return [Problem(where, f"{name} '{_short(value)}' is not a valid paper id",
                        "ids use only a-z, 0-9, '.' and '-', at most 80 characters")]
    if kind == "slug" and not SLUG.fullmatch(value):
        return [Problem(where, f"{name} '{_short(value)}' is not a valid name",
                        slugify_hint(value) or "use lowercase letters, digits and '-'")]
    if spec.check:
        message = spec.check(value)
        if message:
            return [Problem(where, f"{name} {message}")]
    return []


def _as_written(key: Any) -> str:
    """A key as YAML spells it: '~' rather than Python's None, 'true' rather than True."""
    if key is None:
        return "~"
    if isinstance(key, bool):
        return str(key).lower()
    return str(key)


def char_name(char: str) -> str:
    """'U+0001' with the character's name where Unicode has one."""
    name = unicodedata.name(char, "")
    return f"U+{ord(char):04X}" + (f" ({name})" if name else "")


def check_date(value: str, name: str = "date") -> tuple[str, str]:
    """(message, hint) for a bad ISO date, or ("", "")."""
    if not ISO_DATE.fullmatch(value):
        return f"{name} '{_short(value)}' is not a date", "write dates as YYYY-MM-DD, e.g. 2026-05-20"
    try:
        date.fromisoformat(value)
    except ValueError as exc:
        return f"{name} '{value}' is impossible ({exc})", "check the day and month"
    return "", ""


def _short(value: str, limit: int = 60) -> str:
    """A value as it may appear inside a one-line message: no line breaks or controls."""
    value = FORBIDDEN_CHARS.sub("\ufffd", value.replace("\r", " ").replace("\n", " ").replace("\t", " "))
    return value if len(value) <= limit else value[: limit - 1] + "…"


def _name(where: tuple[Any, ...]) -> str:
    parts = [str(p) for p in where if not isinstance(p, int)]
    return f"'{_short(parts[-1])}'" if parts else "the file"


def _in(where: tuple[Any, ...]) -> str:
    label = _name(where)
    return "" if label == "the file" else f" in {label}"


def to_json_schema(spec: Field, title: str = "") -> dict[str, Any]:
    """JSON Schema (draft 2020-12) for one content file kind."""
    top = {"$schema": "https://json-schema.org/draft/2020-12/schema"}
    if title:
        top["title"] = title
    return {**top, **_json(spec)}


def _json(spec: Field) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if spec.description:
        out["description"] = spec.description
    kind = spec.kind
    if kind == "object":
        out["type"] = "object"
        out["properties"] = {k: _json(v) for k, v in spec.fields.items()}
        required = [k for k, v in spec.fields.items() if v.required]
        if required:
            out["required"] = required
        out["additionalProperties"] = False
    elif kind == "list":
        out["type"] = "array"
        assert spec.item is not None
        out["items"] = _json(spec.item)
    elif kind == "integer":
        out["type"] = "integer"
        if spec.minimum is not None:
            out["minimum"] = spec.minimum
        out["maximum"] = spec.maximum if spec.maximum is not None else LARGEST_INTEGER
    elif kind == "boolean":
        out["type"] = "boolean"
    else:
        out["type"] = "string"
        pattern = {"date": ISO_DATE.pattern, "url": r"^https?://\S+$", "paper-id": PAPER_ID.pattern,
                   "slug": SLUG.pattern}.get(kind)
        if pattern:
            out["pattern"] = pattern if pattern.startswith("^") else f"^{pattern}$"
        if kind == "date":
            out["format"] = "date"
        if spec.required:
            out["minLength"] = 1
        if spec.max_length:
            out["maxLength"] = spec.max_length
    return out
