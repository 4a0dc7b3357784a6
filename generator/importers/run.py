"""`digest import`: read sources, parse them, merge into the content folder."""
from __future__ import annotations

from datetime import date
from pathlib import Path

from ..diagnostics import Diagnostic, DigestError, Report
from . import FORMATS, Candidate, arxiv, hf_api, hf_page
from .sources import decode, read_source
from .store import ImportResult, import_candidates


def parse_source(fmt: str, source: str, today: date, day: date | None) -> tuple[list[Candidate], list[Diagnostic]]:
    """Candidates from one SOURCE; `day` (from --date) sets the digest day."""
    body, content_type = read_source(source)
    text = decode(body, source)
    if fmt == "hf-page":
        return hf_page.parse(text, source, today, day)
    if fmt == "hf-api":
        if content_type and "json" not in content_type and content_type != "text/plain":
            raise DigestError.single(source, f"expected JSON but the server sent {content_type}",
                                     "the API may be down or rate-limiting; nothing was imported")
        candidates, warnings = hf_api.parse(text, source)
    elif fmt == "arxiv":
        candidates, warnings = arxiv.parse(text, source)
    else:
        raise DigestError.single(source, f"unknown import format '{fmt}'", "formats: " + ", ".join(FORMATS))
    for candidate in candidates:
        if day is not None or candidate.digest_date is None:
            candidate.digest_date = day or today
    return candidates, warnings


def run_import(fmt: str, sources: list[str], content: Path, today: date, day: date | None = None,
               curator: str | None = None, dry_run: bool = False) -> tuple[ImportResult, list[Diagnostic]]:
    """Import every source, or nothing: all sources are parsed before anything is written."""
    report = Report()
    candidates: list[Candidate] = []
    for source in sources:
        try:
            found, warnings = parse_source(fmt, source, today, day)
        except DigestError as exc:
            report.extend(exc.diagnostics)
            continue
        candidates.extend(found)
        report.extend(warnings)
    report.raise_if_errors()
    if not candidates:
        return ImportResult(), report.warnings
    return import_candidates(content, candidates, curator, dry_run=dry_run), report.warnings
