"""`hf-api`: JSON from the Hugging Face `/api/daily_papers` endpoint.

Traps: the vote count is `paper.upvotes` (there is no top-level one);
`paper.publishedAt` is the arXiv date while the top-level `publishedAt` is
the day the paper was submitted to Daily Papers (the digest day); titles and
summaries carry hard line breaks; `organization`, `githubRepo`, `projectPage`
are optional.
"""
from __future__ import annotations

import json
import re
from datetime import date
from typing import Any

from ..content import ids
from ..diagnostics import WARNING, Diagnostic, DigestError
from . import Candidate


def unfold(text: str) -> str:
    """Join hard-wrapped lines; keep blank-line paragraph breaks."""
    paragraphs = re.split(r"\n\s*\n", text.strip())
    return "\n\n".join(re.sub(r"\s*\n\s*", " ", p).strip() for p in paragraphs if p.strip())


def _iso_day(value: Any) -> str | None:
    if isinstance(value, str) and re.match(r"^\d{4}-\d{2}-\d{2}", value):
        try:
            return date.fromisoformat(value[:10]).isoformat()
        except ValueError:
            return None
    return None


def parse(text: str, source: str) -> tuple[list[Candidate], list[Diagnostic]]:
    stripped = text.lstrip()
    if stripped.startswith("<"):
        first = stripped.splitlines()[0][:80] if stripped else ""
        raise DigestError.single(source, f"expected JSON but got an HTML or XML page ('{first}')",
                                 "the API may be down or rate-limiting; nothing was imported", 1, 1)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DigestError.single(source, f"invalid JSON: {exc.msg}",
                                 "the response may be truncated; nothing was imported", exc.lineno, exc.colno) from None
    except RecursionError:
        raise DigestError.single(source, "JSON is nested too deeply", "", 1, 1) from None
    if isinstance(data, dict) and isinstance(data.get("error"), str):
        raise DigestError.single(source, f"the API returned an error: {data['error'][:200]}", "", 1, 1)
    if not isinstance(data, list):
        raise DigestError.single(source, f"expected a JSON list of daily papers, got {type(data).__name__}", "", 1, 1)
    candidates: list[Candidate] = []
    warnings: list[Diagnostic] = []
    for index, item in enumerate(data):
        try:
            candidate, dropped = _candidate(item, source)
            candidates.append(candidate)
            warnings.extend(Diagnostic(source, 0, 0, f"item {index}: {key} '{url[:60]}' is not an http(s) URL; "
                                       "dropped", "", WARNING) for key, url in dropped)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            warnings.append(Diagnostic(source, 0, 0, f"item {index}: not a usable paper ({exc}); skipped", "",
                                       WARNING))
    return candidates, warnings


def _source_name(source: str) -> str:
    return source if source.startswith("http") else source.rsplit("/", 1)[-1]


def _candidate(item: dict[str, Any], source: str) -> tuple[Candidate, list[tuple[str, str]]]:
    paper = item["paper"]
    raw_id = str(paper["id"])
    arxiv = ids.normalize_arxiv(raw_id)
    title = unfold(str(paper.get("title") or item.get("title") or ""))
    if not title:
        raise ValueError("no title")
    # `hidden` only hides the paper from that user's profile; they are still an author
    authors = [unfold(str(a["name"])) for a in paper.get("authors") or [] if isinstance(a, dict) and a.get("name")]
    candidate = Candidate({"title": title, "abstract": unfold(str(paper.get("summary") or "")), "authors": authors,
                           "source": "hf-api " + _source_name(source)})
    upvotes = paper.get("upvotes")
    if isinstance(upvotes, int) and not isinstance(upvotes, bool) and upvotes >= 0:
        candidate.record["upvotes"] = upvotes
    candidate.record["published"] = _iso_day(paper.get("publishedAt"))
    # what Hugging Face adds: counters, and machine-written text kept apart from curators' words
    for key, name in (("githubStars", "github_stars"), ("numComments", "comments")):
        value = paper.get(key, item.get(key))
        if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
            candidate.record[name] = value
    summary = paper.get("ai_summary")
    if isinstance(summary, str) and summary.strip():
        candidate.record["ai_summary"] = unfold(summary)[:5000]
    keywords = paper.get("ai_keywords")
    if isinstance(keywords, list):
        seen: list[str] = []
        for word in keywords:
            if isinstance(word, str) and word.strip() and unfold(word)[:200] not in seen:
                seen.append(unfold(word)[:200])
        if seen:
            candidate.record["ai_keywords"] = seen
    org = item.get("organization") or paper.get("organization")
    if isinstance(org, dict) and org.get("name"):
        name = str(org["name"])
        candidate.record["organization"] = {"name": name, "fullname": str(org.get("fullname") or name)}
    if arxiv:
        candidate.record["arxiv"] = arxiv
        candidate.record["links"] = {"arxiv": f"https://arxiv.org/abs/{arxiv}", "pdf": f"https://arxiv.org/pdf/{arxiv}",
                                     "hf": f"https://huggingface.co/papers/{arxiv}"}
    dropped: list[tuple[str, str]] = []
    for key, field in (("githubRepo", "code"), ("projectPage", "project")):
        url = paper.get(key) or item.get(key)
        if isinstance(url, str) and url.startswith(("https://", "http://")) and not any(c.isspace() for c in url):
            candidate.record.setdefault("links", {})[field] = url
        elif url:
            dropped.append((key, str(url)))
    day = _iso_day(item.get("publishedAt")) or candidate.record["published"]
    candidate.digest_date = date.fromisoformat(day) if day else None
    return candidate, dropped
