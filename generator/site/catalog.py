"""What the pages are made of: the site's content indexed the ways readers browse it.

Built once per build from the validated `Site`; everything is sorted so that
output never depends on file-system or dict order.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cached_property

from ..content.model import Digest, DigestEntry, DigestSummary, Paper, Site


@dataclass(frozen=True)
class Appearance:
    """A paper in one digest: the entry as the curator wrote it, and which digest."""

    digest: DigestSummary
    entry: DigestEntry

    @property
    def paper(self) -> Paper:
        return self.entry.paper


@dataclass(frozen=True)
class TagSummary:
    name: str
    count: int


@dataclass(frozen=True)
class Tag:
    name: str
    appearances: tuple[Appearance, ...]  # newest digest first, picks first within a day

    @property
    def summary(self) -> TagSummary:
        return TagSummary(self.name, len(self.appearances))


@dataclass(frozen=True)
class Month:
    year: int
    month: int
    digests: tuple[DigestSummary, ...]

    @property
    def key(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def label(self) -> str:
        return f"{MONTH_NAMES[self.month - 1]} {self.year}"  # not strftime: it follows the locale


MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
               "November", "December")


@dataclass(frozen=True)
class Catalog:
    site: Site
    appearances: tuple[Appearance, ...]  # every paper appearance, newest digest first, picks first
    by_paper: dict[str, tuple[Appearance, ...]]  # paper id -> its appearances, newest first
    tags: tuple[Tag, ...]  # by name
    months: tuple[Month, ...]  # newest first
    papers: tuple[Paper, ...]  # papers that appear in at least one digest, by id

    @cached_property
    def _digest_index(self) -> dict[date, int]:
        return {d.date: i for i, d in enumerate(self.site.digests)}

    def neighbours(self, digest: Digest) -> tuple[DigestSummary | None, DigestSummary | None]:
        """(newer, older) digest, for previous/next links."""
        digests = self.site.digests
        i = self._digest_index[digest.date]
        return (digests[i - 1].summary if i > 0 else None, digests[i + 1].summary if i + 1 < len(digests) else None)


def _appearance_order(a: Appearance) -> tuple:
    return (-a.digest.date.toordinal(), not a.entry.pick, a.entry.position)


def build_catalog(site: Site) -> Catalog:
    appearances = sorted((Appearance(d.summary, e) for d in site.digests for e in d.entries), key=_appearance_order)
    by_paper: dict[str, list[Appearance]] = {}
    by_tag: dict[str, list[Appearance]] = {}
    for appearance in appearances:
        by_paper.setdefault(appearance.paper.id, []).append(appearance)
        for tag in appearance.entry.tags:
            by_tag.setdefault(tag, []).append(appearance)
    months: dict[tuple[int, int], list[DigestSummary]] = {}
    for digest in site.digests:
        months.setdefault((digest.date.year, digest.date.month), []).append(digest.summary)
    return Catalog(
        site=site,
        appearances=tuple(appearances),
        by_paper={pid: tuple(items) for pid, items in sorted(by_paper.items())},
        tags=tuple(Tag(name, tuple(items)) for name, items in sorted(by_tag.items())),
        months=tuple(Month(y, m, tuple(ds)) for (y, m), ds in sorted(months.items(), reverse=True)),
        papers=tuple(site.papers[pid] for pid in sorted(by_paper)),
    )
