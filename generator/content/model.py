"""The content model: what a curator, a reader and a feed subscriber see.

Everything here is immutable and built by the loader only after validation,
so renderers can trust every field.

A paper record's fields are declared once, here: the dataclass field is the
declaration, and its metadata says how the field is validated and described.
The validation spec and JSON Schema (schema.PAPER), the record file layout
(`record_data`), the importers' field list and the JSON API are all derived
from these declarations.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cached_property
from typing import Any

from .validate import Field


def declare(spec: Field, default: Any = None, *, machine: bool = False, override: bool = False) -> Any:
    """A record field: its validation `spec`; `machine` fields are refreshed by
    every import, `override` fields may be corrected per digest by a curator."""
    kwargs: dict[str, Any] = {"default_factory": default} if callable(default) else {"default": default}
    return field(metadata={"spec": spec, "machine": machine, "override": override}, **kwargs)


@dataclass(frozen=True)
class Organization:
    name: str = declare(Field("string", "Short handle, e.g. google.", required=True, max_length=200))
    fullname: str = declare(Field("string", "Display name, e.g. Google.", max_length=300), "")


@dataclass(frozen=True)
class Links:
    arxiv: str = declare(Field("url", "arXiv abstract page."), "")
    pdf: str = declare(Field("url", "The PDF."), "")
    hf: str = declare(Field("url", "Hugging Face paper page."), "")
    code: str = declare(Field("url", "Source code repository."), "")
    project: str = declare(Field("url", "Project page."), "")

    def as_dict(self) -> dict[str, str]:
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self) if getattr(self, f.name)}


@dataclass(frozen=True)
class Paper:
    """A paper record from content/papers/ (machine data written by importers).
    The field order is the order of keys in a record file."""

    id: str = declare(Field("paper-id", "The arXiv id without version, or a slug of the title.", required=True))
    title: str = declare(Field("string", "The title.", required=True, max_length=1000), "", override=True)
    authors: tuple[str, ...] = declare(
        Field("list", "Author names, in order.", item=Field("string", "An author.", required=True, max_length=500)),
        tuple, machine=True, override=True)
    author_count: int | None = declare(Field("integer", "Number of authors, when only the count is known.",
                                             minimum=1, maximum=100_000), machine=True)
    organization: Organization | None = declare(
        Field("object", "The organization that submitted the paper."), machine=True)
    published: date | None = declare(Field("date", "Publication date (YYYY-MM-DD)."), machine=True, override=True)
    upvotes: int | None = declare(Field("integer", "Hugging Face upvotes.", minimum=0), machine=True)
    comments: int | None = declare(Field("integer", "Comments on the Hugging Face paper page.", minimum=0),
                                   machine=True)
    github_stars: int | None = declare(Field("integer", "Stars of the code repository, as Hugging Face reports them.",
                                             minimum=0), machine=True)
    arxiv: str = declare(Field("string", "arXiv identifier without version.", max_length=40), "", machine=True)
    arxiv_version: int | None = declare(Field("integer", "Latest arXiv version seen (3 for v3).", minimum=1,
                                              maximum=1000),
                                  machine=True)
    arxiv_version_date: date | None = declare(Field("date", "When the latest arXiv version appeared (YYYY-MM-DD)."),
                                        machine=True)
    category: str = declare(Field("string", "arXiv primary category.", max_length=40), "", machine=True)
    links: Links = declare(Field("object", "Links out of the site."), Links, override=True)
    source: str = declare(Field("string", "Where the record was imported from.", max_length=500), "")
    abstract: str = declare(Field("markdown", "The abstract, kept exactly as published.", max_length=50_000), "")
    ai_summary: str = declare(Field("string", "AI-generated one-line summary from Hugging Face (label it as such).",
                                    max_length=5000), "", machine=True)
    ai_keywords: tuple[str, ...] = declare(
        Field("list", "AI-suggested keywords from Hugging Face; never curator tags.",
              item=Field("string", "A keyword.", required=True, max_length=200)), tuple, machine=True)

    @property
    def byline(self) -> str:
        """Who wrote it, in the best form known: names, a count, or an organization."""
        if self.authors:
            if len(self.authors) <= 3:
                return ", ".join(self.authors)
            return f"{self.authors[0]}, {self.authors[1]} and {len(self.authors) - 2} others"
        if self.author_count:
            return f"{self.author_count} author" + ("" if self.author_count == 1 else "s")
        if self.organization:
            return self.organization.fullname or self.organization.name
        return ""


NESTED: dict[str, type] = {"organization": Organization, "links": Links}  # record fields that are mappings
RECORD_FIELDS = tuple(f.name for f in dataclasses.fields(Paper))
MACHINE_FIELDS = tuple(f.name for f in dataclasses.fields(Paper) if f.metadata["machine"])
OVERRIDE_FIELDS = tuple(f.name for f in dataclasses.fields(Paper) if f.metadata["override"])


def from_data(cls: type, data: Mapping[str, Any]) -> Any:
    """A validated record mapping (as in a record file) as `cls` (Paper, Links, ...)."""
    values: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        value = data.get(f.name)
        if value is not None:
            values[f.name] = _convert(f, value)
    return cls(**values)


def _convert(f: dataclasses.Field, value: Any) -> Any:
    kind = f.metadata["spec"].kind
    if f.name in NESTED:
        return from_data(NESTED[f.name], value)
    if kind == "date":
        return date.fromisoformat(value)
    if kind == "list":
        return tuple(value)
    return value


def record_data(obj: Any) -> dict[str, Any]:
    """The plain mapping written to a record file (and kept in the build cache):
    declared order, empty values left out."""
    out: dict[str, Any] = {}
    for f in dataclasses.fields(obj):
        value = getattr(obj, f.name)
        if value is None or value == "" or value == ():
            continue
        if f.name in NESTED:
            value = record_data(value)
            if not value:
                continue
        elif isinstance(value, date):
            value = value.isoformat()
        elif isinstance(value, tuple):
            value = list(value)
        out[f.name] = value
    return out


@dataclass(frozen=True)
class Curator:
    id: str
    name: str
    url: str = ""


@dataclass(frozen=True)
class DigestEntry:
    """One paper as it appears in one digest: the record with the curator's
    overrides applied, plus the curator's pick, note and tags."""

    paper: Paper
    pick: bool = False
    note: str = ""
    tags: tuple[str, ...] = ()
    position: int = 0
    overridden: tuple[str, ...] = ()  # record fields the curator corrected for this digest


@dataclass(frozen=True)
class DigestSummary:
    """What other pages show of a digest: enough for a link and a count, so a
    page that lists digests does not depend on their notes."""

    date: date
    title: str
    curator: Curator
    paper_count: int
    pick_count: int


@dataclass(frozen=True)
class Digest:
    date: date
    title: str
    curator: Curator
    intro: str = ""
    entries: tuple[DigestEntry, ...] = ()

    @property
    def slug(self) -> str:
        return self.date.isoformat()

    @cached_property
    def picks(self) -> tuple[DigestEntry, ...]:
        return tuple(e for e in self.entries if e.pick)

    @cached_property
    def summary(self) -> DigestSummary:
        return DigestSummary(self.date, self.title, self.curator, len(self.entries), len(self.picks))


@dataclass(frozen=True)
class Page:
    """A free page from content/pages/, e.g. about.md."""

    slug: str
    title: str
    body: str
    description: str = ""
    menu: bool = True


@dataclass(frozen=True)
class FeedLimits:
    digests: int = 20
    papers: int = 100
    tags: int = 50


@dataclass(frozen=True)
class SiteConfig:
    title: str
    base_url: str
    description: str = ""
    language: str = "en"
    timezone: str = "UTC"
    theme: str = "default"
    feeds: FeedLimits = field(default_factory=FeedLimits)


@dataclass(frozen=True)
class Site:
    """All content, validated. Digests are ordered newest first."""

    config: SiteConfig
    curators: Mapping[str, Curator]
    papers: Mapping[str, Paper]
    digests: tuple[Digest, ...]
    pages: tuple[Page, ...]


def with_overrides(paper: Paper, override: Mapping[str, Any]) -> tuple[Paper, tuple[str, ...]]:
    """The record as one digest shows it, with the curator's corrections, and
    the names of the corrected fields. A null correction corrects nothing."""
    changes: dict[str, Any] = {}
    for f in dataclasses.fields(Paper):
        value = override.get(f.name) if f.metadata["override"] else None
        if value is None:
            continue
        if f.name in NESTED:  # a partial mapping corrects only the keys it names
            value = {**record_data(getattr(paper, f.name)), **{k: v for k, v in value.items() if v is not None}}
        changes[f.name] = _convert(f, value)
        if f.name == "authors":
            changes["author_count"] = None
    if not changes:
        return paper, ()
    return replace(paper, **changes), tuple(n for n in OVERRIDE_FIELDS if n in changes)
