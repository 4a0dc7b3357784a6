"""The content model: what a curator, a reader and a feed subscriber see.

Everything here is immutable and built by `content.load_site` only after
validation, so renderers can trust every field.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cached_property
from datetime import date
from typing import Mapping


@dataclass(frozen=True)
class Organization:
    name: str
    fullname: str = ""


@dataclass(frozen=True)
class Links:
    pdf: str = ""
    code: str = ""
    project: str = ""
    hf: str = ""
    arxiv: str = ""

    def as_dict(self) -> dict[str, str]:
        return {k: v for k, v in (("arxiv", self.arxiv), ("pdf", self.pdf), ("hf", self.hf),
                                  ("code", self.code), ("project", self.project)) if v}


@dataclass(frozen=True)
class Paper:
    """A paper record from content/papers/ (machine data written by importers)."""

    id: str
    title: str
    abstract: str = ""
    authors: tuple[str, ...] = ()
    author_count: int | None = None
    organization: Organization | None = None
    published: date | None = None
    upvotes: int | None = None
    arxiv: str = ""
    category: str = ""
    links: Links = field(default_factory=Links)
    source: str = ""

    def to_tuple(self) -> tuple:
        """Plain values only, for the build cache (marshal is far faster than pickle)."""
        org = (self.organization.name, self.organization.fullname) if self.organization else None
        links = self.links
        return (self.id, self.title, self.abstract, self.authors, self.author_count, org,
                self.published.toordinal() if self.published else None, self.upvotes, self.arxiv, self.category,
                (links.pdf, links.code, links.project, links.hf, links.arxiv), self.source)

    @classmethod
    def from_tuple(cls, t: tuple) -> "Paper":
        org, published, links = t[5], t[6], t[10]
        return cls(t[0], t[1], t[2], tuple(t[3]), t[4], Organization(*org) if org else None,
                   date.fromordinal(published) if published is not None else None, t[7], t[8], t[9],
                   Links(*links), t[11])

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


@dataclass(frozen=True)
class Digest:
    date: date
    title: str
    curator: Curator
    intro: str = ""
    entries: tuple[DigestEntry, ...] = ()
    source_path: str = ""

    @property
    def slug(self) -> str:
        return self.date.isoformat()

    @cached_property
    def picks(self) -> tuple[DigestEntry, ...]:
        return tuple(e for e in self.entries if e.pick)


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


def with_overrides(paper: Paper, override: Mapping[str, object]) -> Paper:
    """The record as one digest shows it, with the curator's corrections."""
    if not override:
        return paper
    changes: dict[str, object] = {}
    if "title" in override:
        changes["title"] = override["title"]
    if "authors" in override:
        changes["authors"] = tuple(override["authors"])  # type: ignore[arg-type]
        changes["author_count"] = None
    if "published" in override:
        changes["published"] = date.fromisoformat(str(override["published"]))
    if "links" in override:
        links = {**paper.links.__dict__, **override["links"]}  # type: ignore[dict-item]
        changes["links"] = Links(**links)
    return replace(paper, **changes)
