"""What each content file may contain, declared once.

The same declarations drive validation (`check`) and the JSON Schema that
editors use (`digest schema`). Validation returns `Problem`s addressed by a
path inside the document; the loader turns paths into line numbers only when
there is a problem to report.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Callable

PAPER_ID = re.compile(r"^[a-z0-9](?:[a-z0-9.-]{0,78}[a-z0-9])?$")
SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


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
    item: "Field | None" = None
    fields: dict[str, "Field"] = field(default_factory=dict)
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


def did_you_mean(word: str, choices: list[str] | set[str]) -> str:
    close = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else ""


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
                hint = did_you_mean(str(key), set(spec.fields)) or "allowed keys: " + ", ".join(spec.fields)
                problems.append(Problem(where + (key,), f"unknown key '{key}'{context}", hint, at_key=True))
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
            return [Problem(where, f"{name} must be at least {spec.minimum}, got {value}")]
        if spec.maximum is not None and value > spec.maximum:
            return [Problem(where, f"{name} must be at most {spec.maximum}, got {value}")]
        return []
    if not isinstance(value, str):
        hint = "put it in quotes" if isinstance(value, (bool, int)) else ""
        return [Problem(where, f"{name} must be text, got {_type_name(value)}", hint)]
    if spec.required and not value.strip():
        return [Problem(where, f"{name} must not be empty")]
    if spec.max_length is not None and len(value) > spec.max_length:
        return [Problem(where, f"{name} is too long ({len(value):,} characters; the limit is {spec.max_length:,})")]
    if kind == "date":
        return [Problem(where, msg, hint) for msg, hint in [check_date(value, name)] if msg]
    if kind == "url" and not re.match(r"^https?://[^\s/$.?#][^\s]*$", value, re.I):
        return [Problem(where, f"{name} must be an http(s) URL, got '{_short(value)}'",
                        "links must start with https:// or http://")]
    if kind == "paper-id" and not PAPER_ID.match(value):
        return [Problem(where, f"{name} '{_short(value)}' is not a valid paper id",
                        "ids use only a-z, 0-9, '.' and '-', at most 80 characters")]
    if kind == "slug" and not SLUG.match(value):
        return [Problem(where, f"{name} '{_short(value)}' is not a valid name",
                        slugify_hint(value) or "use lowercase letters, digits and '-'")]
    if spec.check:
        message = spec.check(value)
        if message:
            return [Problem(where, f"{name} {message}")]
    return []


def check_date(value: str, name: str = "date") -> tuple[str, str]:
    """(message, hint) for a bad ISO date, or ("", "")."""
    if not ISO_DATE.match(value):
        return f"{name} '{_short(value)}' is not a date", "write dates as YYYY-MM-DD, e.g. 2026-05-20"
    try:
        date.fromisoformat(value)
    except ValueError as exc:
        return f"{name} '{value}' is impossible ({exc})", "check the day and month"
    return "", ""


def _short(value: str, limit: int = 60) -> str:
    value = value.replace("\n", " ")
    return value if len(value) <= limit else value[: limit - 1] + "…"


def _name(where: tuple[Any, ...]) -> str:
    parts = [str(p) for p in where if not isinstance(p, int)]
    return f"'{parts[-1]}'" if parts else "the file"


def _in(where: tuple[Any, ...]) -> str:
    label = _name(where)
    return "" if label == "the file" else f" in {label}"


def _check_timezone(value: str) -> str:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        return f"'{_short(value)}' is not a known time zone (use an IANA name such as Europe/Berlin or UTC)"
    return ""


def _check_language(value: str) -> str:
    if not re.match(r"^[a-zA-Z]{2,3}(?:-[a-zA-Z0-9]{2,8})*$", value):
        return f"'{_short(value)}' is not a language tag such as en or en-GB"
    return ""


def _check_theme(value: str) -> str:
    return "" if SLUG.match(value) else f"'{_short(value)}' is not a theme folder name"


LINKS = Field("object", "Links out of the site.", fields={
    "pdf": Field("url", "The PDF."),
    "code": Field("url", "Source code repository."),
    "project": Field("url", "Project page."),
    "hf": Field("url", "Hugging Face paper page."),
    "arxiv": Field("url", "arXiv abstract page."),
})

ORGANIZATION = Field("object", "The organization that submitted the paper.", fields={
    "name": Field("string", "Short handle, e.g. google.", required=True, max_length=200),
    "fullname": Field("string", "Display name, e.g. Google.", max_length=300),
})

PAPER = Field("object", "One paper record, written by importers.", fields={
    "id": Field("paper-id", "The arXiv id without version, or a slug of the title.", required=True),
    "title": Field("string", "The title.", required=True, max_length=1000),
    "abstract": Field("markdown", "The abstract, kept exactly as published.", max_length=50_000),
    "authors": Field("list", "Author names, in order.", item=Field("string", "An author.", required=True,
                                                                     max_length=500)),
    "author_count": Field("integer", "Number of authors, when only the count is known.", minimum=1),
    "organization": ORGANIZATION,
    "published": Field("date", "Publication date (YYYY-MM-DD)."),
    "upvotes": Field("integer", "Hugging Face upvotes.", minimum=0),
    "arxiv": Field("string", "arXiv identifier without version.", max_length=40),
    "category": Field("string", "arXiv primary category.", max_length=40),
    "links": LINKS,
    "source": Field("string", "Where the record was imported from.", max_length=500),
})

OVERRIDE = Field("object", "Corrections to the paper record, shown in this digest only.", fields={
    "title": Field("string", "A corrected title.", max_length=1000),
    "authors": PAPER.fields["authors"],
    "published": PAPER.fields["published"],
    "links": LINKS,
})

ENTRY = Field("object", "One paper in a digest.", label="paper entry", example="write entries as '- paper: 2410.17243'",
              fields={
    "paper": Field("paper-id", "The id of a record in content/papers/.", required=True, example="2410.17243",
                   label="paper id"),
    "pick": Field("boolean", "A curator's pick: highlighted on the page and first in the paper feed."),
    "note": Field("markdown", "The curator's note (Markdown).", max_length=20_000),
    "tags": Field("list", "Topic tags (lowercase, words joined by '-').", item=Field("slug", "A tag.", label="tag")),
    "override": OVERRIDE,
})

DIGEST = Field("object", "One day's digest: which papers, in what order, with what notes.", fields={
    "date": Field("date", "The day of the digest; the file is named after it.", required=True,
                  example="2026-05-20"),
    "title": Field("string", "The digest's headline.", required=True, max_length=300,
                   example="Memory, geometry and spiking networks"),
    "curator": Field("slug", "Id of a curator in curators.yaml.", required=True, example="your-id"),
    "intro": Field("markdown", "An introduction (Markdown).", max_length=50_000),
    "papers": Field("list", "The papers, in reading order.", item=ENTRY),
})

CURATOR = Field("object", "A person who curates digests.", fields={
    "id": Field("slug", "Short id used in digest files.", required=True, example="ada"),
    "name": Field("string", "Display name.", required=True, max_length=200, example="Ada Lovelace"),
    "url": Field("url", "Home page."),
})

CURATORS = Field("list", "Everyone who curates digests on this site.", item=CURATOR)

FEEDS = Field("object", "How many items each feed holds.", fields={
    "digests": Field("integer", "Items in /feed.xml and /atom.xml.", minimum=1, maximum=10_000),
    "papers": Field("integer", "Items in /papers/feed.xml.", minimum=1, maximum=10_000),
    "tags": Field("integer", "Items in each tag feed.", minimum=1, maximum=10_000),
})

SITE = Field("object", "Site settings.", fields={
    "title": Field("string", "Site title.", required=True, max_length=200, example="My Paper Digest"),
    "description": Field("string", "One sentence about the site.", max_length=1000),
    "base_url": Field("url", "Where the site is published, e.g. https://you.github.io/digest/.",
                      required=True, example="https://example.org/"),
    "language": Field("string", "Language tag of the content.", check=_check_language),
    "timezone": Field("string", "IANA time zone of the digest dates.", check=_check_timezone),
    "theme": Field("string", "Folder name under themes/.", check=_check_theme),
    "feeds": FEEDS,
})

PAGE = Field("object", "Front matter of a page in content/pages/.", fields={
    "title": Field("string", "Page title.", required=True, max_length=300, example="About"),
    "description": Field("string", "One sentence for search engines and link previews.", max_length=1000),
    "menu": Field("boolean", "Show a link in the site navigation."),
})

SPECS: dict[str, Field] = {"digest": DIGEST, "curators": CURATORS, "site": SITE, "paper": PAPER}


def to_json_schema(spec: Field, title: str = "") -> dict[str, Any]:
    """JSON Schema (draft 2020-12) for one content file kind."""
    out = _json(spec)
    top = {"$schema": "https://json-schema.org/draft/2020-12/schema"}
    if title:
        top["title"] = title
    return {**top, **out}


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
        if spec.maximum is not None:
            out["maximum"] = spec.maximum
    elif kind == "boolean":
        out["type"] = "boolean"
    else:
        out["type"] = "string"
        pattern = {"date": ISO_DATE.pattern, "url": r"^https?://\S+$", "paper-id": PAPER_ID.pattern,
                   "slug": SLUG.pattern}.get(kind)
        if pattern:
            out["pattern"] = pattern
        if kind == "date":
            out["format"] = "date"
        if spec.required:
            out["minLength"] = 1
        if spec.max_length:
            out["maxLength"] = spec.max_length
    return out


def render_json_schemas() -> dict[str, str]:
    """The shipped schema files, by kind, exactly as written to content/schema/."""
    import json
    titles = {"digest": "digest file (content/digests/YYYY-MM-DD.yaml)", "curators": "content/curators.yaml",
              "site": "content/site.yaml", "paper": "paper record (content/papers/**/ID.yaml)"}
    return {kind: json.dumps(to_json_schema(spec, titles[kind]), indent=2, ensure_ascii=False) + "\n"
            for kind, spec in SPECS.items()}
