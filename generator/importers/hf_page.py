"""`hf-page`: a Hugging Face Daily Papers web page saved as plain text.

The page is a run of blank-line separated paragraphs: some chrome ("new",
"Subscribe", "Daily Papers", ...), the page's date (often without a year),
then for each paper a title, an abstract and usually a three-line meta block:

      • 3 authors            or    google Google   (organization handle, name)
    ·
    Sep 27, 2025 2                 (publication date, optional upvotes)

Abstracts are kept exactly as written.
"""
from __future__ import annotations

import re
from datetime import date

from ..diagnostics import WARNING, Diagnostic, DigestError
from . import Candidate

MONTHS = {m: i for i, m in enumerate(
    ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"], start=1)}
_DATE = re.compile(r"^(?P<mon>Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]* (?P<day>\d{1,2})"
                   r"(?:, (?P<year>\d{4}))?(?: (?P<votes>\d+))?$")
# matched against the stripped line: "\s*[•]?\s*" over 30,000 spaces backtracked for a minute
_AUTHORS = re.compile(r"[•·*-]?[ \t]*(\d+) authors?")
_CHROME = {"new", "get trending papers in your email inbox!", "subscribe", "daily papers",
           "byak and the research community"}
MAX_HEADER_PARAGRAPHS = 12


class _Para:
    __slots__ = ("text", "line")

    def __init__(self, text: str, line: int):
        self.text, self.line = text, line

    @property
    def lines(self) -> list[str]:
        return self.text.split("\n")


def _paragraphs(text: str) -> list[_Para]:
    paras: list[_Para] = []
    current: list[str] = []
    start = 0
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.rstrip("\r")
        if line.strip():
            if not current:
                start = number
            current.append(line)
        elif current:
            paras.append(_Para("\n".join(current), start))
            current = []
    if current:
        paras.append(_Para("\n".join(current), start))
    return paras


def resolve_day(month: int, day: int, year: int | None, not_after: date) -> date:
    """An explicit date, or the latest such day-of-year not after `not_after`."""
    if year is not None:
        return date(year, month, day)
    for candidate_year in range(not_after.year, not_after.year - 8, -1):
        try:
            candidate = date(candidate_year, month, day)
        except ValueError:  # Feb 29 in a common year
            continue
        if candidate <= not_after:
            return candidate
    raise ValueError(f"no year makes {month}-{day} valid")


def _is_meta(para: _Para) -> bool:
    lines = para.lines
    return len(lines) == 3 and lines[1].strip() == "·" and bool(_DATE.match(lines[2].strip()))


def parse(text: str, source: str, today: date,
          page_date: date | None = None) -> tuple[list[Candidate], list[Diagnostic]]:
    """Candidates for every paper on the page, and warnings for what was skipped.

    `today` resolves a header date without a year; `page_date` (from --date)
    replaces the header date altogether."""
    warnings: list[Diagnostic] = []
    paras = _paragraphs(text.removeprefix("\ufeff"))
    header_index = None
    header_date = None
    for i, para in enumerate(paras[:MAX_HEADER_PARAGRAPHS]):
        match = _DATE.match(para.text.strip())
        if match and not match.group("votes") and "\n" not in para.text:
            header_index = i
            try:
                header_date = resolve_day(MONTHS[match["mon"]], int(match["day"]),
                                          int(match["year"]) if match["year"] else None, today)
            except ValueError:
                raise DigestError.single(source, f"page date '{para.text.strip()}' is impossible", "pass --date",
                                         para.line, 1) from None
            break
        if para.text.strip().lower() not in _CHROME:
            break
    if header_index is None:
        if page_date is None:
            raise DigestError.single(source, "no page date found near the top of the page",
                                     "is this a saved Daily Papers page? Pass --date YYYY-MM-DD if the date is missing",
                                     paras[0].line if paras else 1, 1)
        header_index = -1
        while header_index + 1 < len(paras) and paras[header_index + 1].text.strip().lower() in _CHROME:
            header_index += 1
    day = page_date or header_date
    assert day is not None
    body = paras[header_index + 1:]
    candidates: list[Candidate] = []
    i = 0
    while i < len(body):
        title = body[i]
        if _is_meta(title):
            warnings.append(Diagnostic(source, title.line, 1, "meta block without a paper before it; skipped",
                                       "", WARNING))
            i += 1
            continue
        if "\n" in title.text:
            warnings.append(Diagnostic(source, title.line, 1,
                                       "expected a one-line paper title, found several lines; skipped", "",
                                       WARNING))
            i += 1
            continue
        if i + 1 >= len(body) or _is_meta(body[i + 1]):
            warnings.append(Diagnostic(source, title.line, 1,
                                       f"paper '{_short(title.text)}' has no abstract (page cut off?); skipped",
                                       "save the whole page and import again", WARNING))
            i += 2 if i + 1 < len(body) else 1
            continue
        abstract = body[i + 1]
        candidate = Candidate({"title": title.text.strip(), "abstract": abstract.text,
                               "source": f"hf-page {source_name(source)}"}, digest_date=day)
        i += 2
        if i < len(body) and _is_meta(body[i]):
            _apply_meta(candidate, body[i], day, source, warnings)
            i += 1
        candidates.append(candidate)
    # a last paper without a meta block is only dropped when its abstract is visibly cut off:
    # papers without meta blocks are normal (see page 000), a sentence stopped mid-way is not
    if candidates and not _has_meta(candidates[-1]) and looks_cut_off(candidates[-1].abstract):
        last = candidates.pop()
        warnings.append(Diagnostic(source, _line_of(body, last.title), 1,
                                   f"last paper '{_short(last.title)}' stops mid-abstract; "
                                   "the page looks cut off, so it was skipped",
                                   "save the whole page and import again", WARNING))
    if not candidates:
        raise DigestError.single(source, "no papers found on the page",
                                 "expected a title, an abstract and a meta block for each paper",
                                 body[0].line if body else 1, 1)
    return candidates, warnings


def _apply_meta(candidate: Candidate, meta: _Para, day: date, source: str, warnings: list[Diagnostic]) -> None:
    who, _, when = meta.lines
    count = _AUTHORS.fullmatch(who.strip())
    if count:
        candidate.record["author_count"] = int(count.group(1)) or None
    else:
        handle, _, fullname = who.strip().partition(" ")
        candidate.record["organization"] = {"name": handle, "fullname": fullname.strip() or handle}
    match = _DATE.match(when.strip())
    assert match is not None
    try:
        published = resolve_day(MONTHS[match["mon"]], int(match["day"]),
                                int(match["year"]) if match["year"] else None, day)
        candidate.record["published"] = published.isoformat()
        candidate.published_exact = match["year"] is not None
    except ValueError:
        warnings.append(Diagnostic(source, meta.line + 2, 1, f"impossible date '{when.strip()}'; left out", "",
                                   WARNING))
    if match["votes"]:
        candidate.record["upvotes"] = int(match["votes"])


_COMPLETE_END = re.compile(r"""(?:[.!?:;)\]}"'\u201d\u2019\u2026*_`$]|\.\.\.|\bet al)$""")
_URL_END = re.compile(r"(?:https?://|www\.|github\.com/)\S+$")


def looks_cut_off(abstract: str) -> bool:
    """True when an abstract visibly stops mid-sentence (a saved page cut off):
    it ends neither in closing punctuation nor in a link."""
    text = abstract.rstrip()
    return not text or not (_COMPLETE_END.search(text) or _URL_END.search(text))


def _has_meta(candidate: Candidate) -> bool:
    return any(candidate.record.get(k) for k in ("published", "author_count", "organization"))


def _line_of(body: list[_Para], title: str) -> int:
    return next((p.line for p in reversed(body) if p.text.strip() == title), 1)


def source_name(path: str) -> str:
    return path.replace("\\", "/").rsplit("/", 1)[-1]


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
