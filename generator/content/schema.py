"""What each content file may contain, declared once.

Paper records are declared by the Paper dataclass (model.py); the files
curators write (site settings, curators, digests, pages) are declared here.
The same declarations drive validation (`check`) and the JSON Schemas that
editors use (`digest schema`).
"""
from __future__ import annotations

import dataclasses
import json
import re
from dataclasses import replace

from .model import NESTED, OVERRIDE_FIELDS, Paper
from .validate import SLUG, Field, _short, to_json_schema


def record_spec(cls: type, description: str) -> Field:
    """The validation spec of a record dataclass, from its field declarations."""
    fields = {}
    for f in dataclasses.fields(cls):
        spec: Field = f.metadata["spec"]
        if f.name in NESTED:
            spec = replace(spec, fields=record_spec(NESTED[f.name], spec.description).fields)
        fields[f.name] = spec
    return Field("object", description, fields=fields)


def _check_timezone(value: str) -> str:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        return f"'{_short(value)}' is not a known time zone (use an IANA name such as Europe/Berlin or UTC)"
    return ""


def _check_language(value: str) -> str:
    if not re.fullmatch(r"[a-zA-Z]{2,3}(?:-[a-zA-Z0-9]{2,8})*", value):
        return f"'{_short(value)}' is not a language tag such as en or en-GB"
    return ""


def _check_theme(value: str) -> str:
    return "" if SLUG.fullmatch(value) else f"'{_short(value)}' is not a theme folder name"


PAPER = record_spec(Paper, "One paper record, written by importers.")

OVERRIDE = Field("object", "Corrections to the paper record, shown in this digest only.",
                 fields={name: replace(PAPER.fields[name], required=False) for name in OVERRIDE_FIELDS})

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


def render_json_schemas() -> dict[str, str]:
    """The shipped schema files, by kind, exactly as written to content/schema/."""
    titles = {"digest": "digest file (content/digests/YYYY-MM-DD.yaml)", "curators": "content/curators.yaml",
              "site": "content/site.yaml", "paper": "paper record (content/papers/**/ID.yaml)"}
    return {kind: json.dumps(to_json_schema(spec, titles[kind]), indent=2, ensure_ascii=False) + "\n"
            for kind, spec in SPECS.items()}
