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
class PeriodSummary:
    """A week or a month, as other pages link to it."""

    kind: str  # 'week' or 'month'
    key: str  # '2026-W27' or '2026-07'
    label: str  # 'Week 27, 2026' or 'July 2026'
    paper_count: int


@dataclass(frozen=True)
class Period:
    """The papers of one ISO week or calendar month: picks first (newest digest first, in the curator's
    order), then the rest by upvotes; a paper in several digests of the period is listed once."""

    summary: PeriodSummary
    start: date
    end: date  # inclusive
    digests: tuple[DigestSummary, ...]  # newest first
    appearances: tuple[Appearance, ...]

    @property
    def picks(self) -> tuple[Appearance, ...]:
        return tuple(a for a in self.appearances if a.entry.pick)

    @property
    def rest(self) -> tuple[Appearance, ...]:
        return tuple(a for a in self.appearances if not a.entry.pick)


@dataclass(frozen=True)
class Related:
    """A paper similar to another one, as its page links to it."""

    id: str
    title: str


@dataclass(frozen=True)
class Month:
    year: int
    month: int
    digests: tuple[DigestSummary, ...]
    weeks: tuple[PeriodSummary, ...] = ()  # the weeks with digests in this month, newest first

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
    weeks: tuple[Period, ...] = ()  # newest first
    month_periods: tuple[Period, ...] = ()  # newest first

    @cached_property
    def _periods(self) -> dict[str, Period]:
        return {p.summary.key: p for p in (*self.weeks, *self.month_periods)}

    def period(self, key: str) -> Period:
        return self._periods[key]

    def week_of(self, day: date) -> PeriodSummary:
        return self._periods[week_key(day)].summary

    def month_of(self, day: date) -> PeriodSummary:
        return self._periods[f"{day.year:04d}-{day.month:02d}"].summary

    def period_neighbours(self, period: Period) -> tuple[PeriodSummary | None, PeriodSummary | None]:
        """(newer, older) period of the same kind."""
        items = self.weeks if period.summary.kind == "week" else self.month_periods
        i = items.index(period)
        return (items[i - 1].summary if i > 0 else None, items[i + 1].summary if i + 1 < len(items) else None)

    @cached_property
    def related(self) -> dict[str, tuple[Related, ...]]:
        """Paper id -> up to 5 similar papers (TF-IDF cosine over titles and abstracts)."""
        from .related import related_papers
        return related_papers(self.papers)

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


def week_key(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year:04d}-W{week:02d}"


def _period_order(a: Appearance) -> tuple:
    if a.entry.pick:
        return (0, -a.digest.date.toordinal(), a.entry.position, a.paper.id)
    return (1, -(a.paper.upvotes or 0), a.paper.title.casefold(), a.paper.id)


def _period(kind: str, key: str, label: str, start: date, end: date, digests: list[Digest]) -> Period:
    seen: dict[str, Appearance] = {}
    for d in digests:  # newest first; a paper keeps its newest appearance, or a pick if it was one
        for e in d.entries:
            old = seen.get(e.paper.id)
            if old is None or (e.pick and not old.entry.pick):
                seen[e.paper.id] = Appearance(d.summary, e)
    items = tuple(sorted(seen.values(), key=_period_order))
    return Period(PeriodSummary(kind, key, label, len(items)), start, end, tuple(d.summary for d in digests), items)


def _periods(site: Site) -> tuple[tuple[Period, ...], tuple[Period, ...]]:
    weeks: dict[str, list[Digest]] = {}
    months: dict[str, list[Digest]] = {}
    for d in site.digests:  # newest first
        weeks.setdefault(week_key(d.date), []).append(d)
        months.setdefault(f"{d.date.year:04d}-{d.date.month:02d}", []).append(d)
    week_periods = []
    for key, ds in sorted(weeks.items(), reverse=True):
        year, week, _ = ds[0].date.isocalendar()
        start = date.fromisocalendar(year, week, 1)
        week_periods.append(_period("week", key, f"Week {week}, {year}", start,
                                    date.fromordinal(start.toordinal() + 6), ds))
    month_periods = []
    for key, ds in sorted(months.items(), reverse=True):
        y, m = ds[0].date.year, ds[0].date.month
        end = date(y + (m == 12), m % 12 + 1, 1)
        month_periods.append(_period("month", key, f"{MONTH_NAMES[m - 1]} {y}", date(y, m, 1),
                                     date.fromordinal(end.toordinal() - 1), ds))
    return tuple(week_periods), tuple(month_periods)


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
    weeks, month_periods = _periods(site)
    week_summaries = {p.summary.key: p.summary for p in weeks}
    return Catalog(
        site=site,
        appearances=tuple(appearances),
        by_paper={pid: tuple(items) for pid, items in sorted(by_paper.items())},
        tags=tuple(Tag(name, tuple(items)) for name, items in sorted(by_tag.items())),
        months=tuple(Month(y, m, tuple(ds), tuple(dict.fromkeys(week_summaries[week_key(d.date)] for d in ds)))
                     for (y, m), ds in sorted(months.items(), reverse=True)),
        weeks=weeks, month_periods=month_periods,
        papers=tuple(site.papers[pid] for pid in sorted(by_paper)),
    )
