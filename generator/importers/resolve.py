"""`digest resolve`: find arXiv ids for paper records that lack one.

The command (cli.py wires it; this module never prints or exits):

    digest resolve [--api URL] [--dry-run]

Each record in content/papers/ without an `arxiv:` field is looked up by title
(`search_query=ti:"..."`). An answer is accepted only when exactly one entry has
the same title after `match_key`; two or more are ambiguous, none is unmatched,
and an id that another record has (or that two records got) is a duplicate:
nothing is guessed. Matches are meant to be merged as `digest import` merges
(store.candidate_record + store.merge_record), so curated text stays. --dry-run
reports without writing; --api points at a mirror or a test server.

Politeness and robustness: one request per `min_interval` (arXiv asks for 3 s);
bounded retries with exponential backoff on 429/5xx, timeouts and connection
errors; an overall deadline per query that also ends a server trickling bytes;
a size cap; and a cache of plain JSON files keyed by a hash of the URL (never
pickle). A failed request aborts the run with a DigestError; thanks to the
cache, running again only asks for what is still missing.
"""
from __future__ import annotations

import dataclasses
import hashlib
import http.client
import json
import os
import re
import socket
import ssl
import threading
import time
import unicodedata
import urllib.parse
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from ..diagnostics import WARNING, Diagnostic, DigestError
from . import Candidate, arxiv
from .sources import decode

DEFAULT_API = "https://export.arxiv.org/api/query"
MAX_BYTES = 5_000_000
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
USER_AGENT = "digest-resolve/1.0 (research-paper digests; one request per 3 s)"
_GREEK = {"alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa", "lambda", "mu",
          "nu", "xi", "omicron", "pi", "rho", "sigma", "tau", "upsilon", "phi", "chi", "psi", "omega"}
_LATEX_ACCENT = re.compile(r"\\[`'^\"~=.]")
_LATEX_COMMAND = re.compile(r"\\([A-Za-z]+)")


def match_key(title: str) -> str:
    """What must be equal for a record and an arXiv entry to be the same paper.

    Like ids.title_key, case, punctuation, spacing, dashes and accents are
    ignored; unlike it, Greek letters count ("β-VAE" is not "α-VAE", where
    title_key drops both to "vae") and arXiv's LaTeX is read: "$\\beta$" is
    "β", "$\\mathbb{R}$" is "ℝ" is "R", "L\\'evy" is "Lévy" is "Levy". Hyphens
    and spaces are the same, but "Pretraining" is not "Pre-training"."""
    text = _LATEX_ACCENT.sub("", title)
    text = _LATEX_COMMAND.sub(lambda m: f" {_greek_name(m[1])} ", text)  # \beta stays, \mathbb goes
    text = unicodedata.normalize("NFKD", text.replace("$", ""))
    out = []
    for ch in text:
        if unicodedata.combining(ch):
            continue
        name = unicodedata.name(ch, "")
        greek = _greek_name(name.rsplit(" ", 1)[-1]) if name.startswith("GREEK") else ""
        out.append(f" {greek} " if greek else ch)
    return " ".join(re.sub(r"[\W_]+", " ", "".join(out).casefold()).split())


def _greek_name(word: str) -> str:
    word = word.lower().removeprefix("var").replace("lamda", "lambda")
    return word if word in _GREEK else ""


def search_phrase(title: str) -> str:
    """The title as words for a `ti:"..."` phrase: quotes, colons and brackets
    would end or bend the query, and the match is checked afterwards anyway."""
    return " ".join(re.sub(r"[^\w\s-]", " ", unicodedata.normalize("NFKC", title)).split())


class BadResponse(DigestError):
    """The API answered, but not with a usable feed (one query's problem)."""


class _Retry(Exception):
    def __init__(self, reason: str, wait: float = 0.0):
        super().__init__(reason)
        self.reason, self.wait = reason, wait


class ArxivClient:
    """Title searches against the arXiv API, spaced, retried, bounded and cached.

    `sleep` and `clock` are injectable so tests never sleep for real;
    `requests` counts HTTP requests made (a cached answer makes none)."""

    def __init__(self, api: str = DEFAULT_API, cache_dir: Path | None = None, min_interval: float = 3.0,
                 timeout: float = 15, retries: int = 3, backoff: float = 1.0, deadline: float = 120,
                 sleep: Callable[[float], Any] = time.sleep, clock: Callable[[], float] = time.monotonic,
                 max_results: int = 5, max_bytes: int = MAX_BYTES):
        parts = urllib.parse.urlsplit(api)
        if parts.scheme not in ("http", "https") or not parts.hostname or parts.query:
            raise DigestError.single(api, "the arXiv API address must be an http(s) URL without a query",
                                     f"for example {DEFAULT_API}")
        self.api, self.cache_dir = api, Path(cache_dir) if cache_dir is not None else None
        self.min_interval, self.timeout, self.retries = min_interval, timeout, retries
        self.backoff, self.deadline, self.sleep, self.clock = backoff, deadline, sleep, clock
        self.max_results, self.max_bytes = max_results, max_bytes
        self.requests = 0
        self._last_start: float | None = None

    def title_url(self, title: str) -> str:
        query = {"search_query": f'ti:"{search_phrase(title)}"', "start": 0, "max_results": self.max_results}
        return f"{self.api}?{urllib.parse.urlencode(query, safe=':')}"

    def search_title(self, title: str) -> tuple[list[Candidate], list[Diagnostic]]:
        url = self.title_url(title)
        cached = self._cache_read(url)
        text = self.fetch(url) if cached is None else cached
        try:
            found = arxiv.parse(text, url)
        except DigestError as exc:
            raise BadResponse(exc.diagnostics) from None
        if cached is None:  # only answers that parse are kept
            self._cache_write(url, text)
        return found

    def fetch(self, url: str) -> str:
        """The body of a GET of `url`, retried within the deadline."""
        end = self.clock() + self.deadline
        failures = 0
        while True:
            if self._last_start is not None:
                self._wait(self._last_start + self.min_interval - self.clock(), end, url, "")
            self._last_start = self.clock()
            self.requests += 1
            try:
                return self._get(url, end)
            except _Retry as exc:
                failures += 1
                if failures > self.retries:
                    raise DigestError.single(url, f"the arXiv API failed {failures} times (last: {exc.reason})",
                                             "try again later; nothing was changed") from None
                self._wait(max(exc.wait, self.backoff * 2 ** (failures - 1)), end, url, exc.reason)

    def _wait(self, seconds: float, end: float, url: str, reason: str) -> None:
        if seconds <= 0:
            return
        if self.clock() + seconds >= end:
            raise self._too_slow(url, reason)
        self.sleep(seconds)

    def _too_slow(self, url: str, reason: str = "") -> DigestError:
        last = f" (last: {reason})" if reason else ""
        return DigestError.single(url, f"no answer from the arXiv API within {self.deadline:g} s{last}",
                                  "the API may be overloaded; try again later; nothing was changed")

    def _get(self, url: str, end: float) -> str:
        remaining = end - self.clock()
        if remaining <= 0:
            raise self._too_slow(url)
        parts = urllib.parse.urlsplit(url)
        kind = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
        conn = kind(parts.hostname or "", parts.port, timeout=min(self.timeout, remaining))
        expired = threading.Event()
        sockets: list[socket.socket] = []  # conn.sock goes None once an HTTP/1.0 response has its headers

        def cut_off() -> None:  # a socket timeout bounds each read, not a trickle of bytes: end it here
            expired.set()
            for sock in sockets:
                try:  # the plain socket's shutdown, also under TLS: it wakes a read blocked in another thread
                    socket.socket.shutdown(sock, socket.SHUT_RDWR)
                except OSError:
                    pass

        watchdog = threading.Timer(remaining, cut_off)
        watchdog.daemon = True
        watchdog.start()
        try:
            conn.connect()
            sockets.append(conn.sock)
            if expired.is_set():
                raise self._too_slow(url)
            conn.request("GET", f"{parts.path or '/'}?{parts.query}",
                         headers={"User-Agent": USER_AGENT, "Accept": "application/atom+xml"})
            response = conn.getresponse()
            if response.status in RETRY_STATUSES:
                raise _Retry(f"HTTP {response.status} {response.reason}",
                             _retry_after(response.getheader("Retry-After")))
            if response.status != 200:
                moved = f" (moved to {response.getheader('Location')})" if response.getheader("Location") else ""
                raise DigestError.single(url, f"the arXiv API answered HTTP {response.status} {response.reason}"
                                         f"{moved}", "check --api; nothing was changed")
            body = bytearray()
            while chunk := response.read1(65536):
                body += chunk
                if len(body) > self.max_bytes:
                    raise DigestError.single(url, f"the arXiv API response is larger than {self.max_bytes:,} bytes")
            if expired.is_set():
                raise self._too_slow(url)
            return decode(bytes(body), url)
        except ssl.SSLCertVerificationError as exc:
            raise DigestError.single(url, f"cannot verify the server's certificate: {exc.verify_message}") from None
        except (OSError, http.client.HTTPException) as exc:
            if expired.is_set():
                raise self._too_slow(url) from None
            raise _Retry("timed out" if isinstance(exc, TimeoutError)
                         else f"connection failed: {exc or type(exc).__name__}") from None
        finally:
            watchdog.cancel()
            conn.close()

    def _cache_path(self, url: str) -> Path | None:
        return self.cache_dir / f"{hashlib.sha256(url.encode()).hexdigest()}.json" if self.cache_dir else None

    def _cache_read(self, url: str) -> str | None:
        path = self._cache_path(url)
        try:
            data = json.loads(path.read_text(encoding="utf-8")) if path else None
        except (OSError, ValueError):
            return None  # missing or damaged: ask again and rewrite it
        if isinstance(data, dict) and data.get("url") == url and isinstance(data.get("body"), str):
            return data["body"]
        return None

    def _cache_write(self, url: str, text: str) -> None:
        path = self._cache_path(url)
        if path is None:
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
            tmp.write_text(json.dumps({"url": url, "body": text}, ensure_ascii=False), encoding="utf-8")
            os.replace(tmp, path)  # whole files only, even if two runs share the cache
        except OSError:
            pass  # the cache only saves requests; a read-only cache folder must not stop a run


def _retry_after(value: str | None) -> float:
    """Retry-After in seconds; 0 (our own backoff) when absent or an HTTP date."""
    return max(0.0, float(value)) if value and re.fullmatch(r"\s*\d+(\.\d+)?\s*", value) else 0.0


class TitleSearch(Protocol):
    def search_title(self, title: str) -> tuple[list[Candidate], list[Diagnostic]]: ...


@dataclass
class ResolveResult:
    """What `resolve` found, by record id."""

    matched: dict[str, Candidate] = field(default_factory=dict)
    unmatched: list[str] = field(default_factory=list)
    ambiguous: dict[str, list[str]] = field(default_factory=dict)  # record id -> arXiv ids with that title
    duplicates: dict[str, str] = field(default_factory=dict)  # record id -> arXiv id another record has or got
    failed: dict[str, str] = field(default_factory=dict)  # record id -> why its answer was unusable
    skipped: list[str] = field(default_factory=list)  # already had an arXiv id
    warnings: list[Diagnostic] = field(default_factory=list)


Progress = Callable[[int, int, str], Any]  # (done, total, record id)


def resolve(records: list[dict[str, Any]], client: TitleSearch,
            known: Mapping[str, str] | None = None, progress: Progress | None = None) -> ResolveResult:
    """Look up each record without an `arxiv` id by title. `known` maps arXiv
    ids already in the content to their record ids, to catch duplicates."""
    result = ResolveResult()
    claims: dict[str, list[str]] = {}
    todo = sum(1 for r in records if not r.get("arxiv"))
    done = 0
    for record in records:
        title = str(record.get("title") or "")
        record_id = str(record.get("id") or title)
        if record.get("arxiv"):
            result.skipped.append(record_id)
            continue
        done += 1
        if progress is not None:
            progress(done, todo, record_id)
        key = match_key(title)
        if not key:
            result.unmatched.append(record_id)
            result.warnings.append(Diagnostic(record_id, 0, 0, "no title to search arXiv for", "", WARNING))
            continue
        try:
            candidates, warnings = client.search_title(title)
        except BadResponse as exc:
            result.failed[record_id] = exc.diagnostics[0].message
            continue
        result.warnings.extend(warnings)
        same = {c.arxiv: c for c in candidates if c.arxiv and match_key(c.title) == key}
        if not same:
            result.unmatched.append(record_id)
        elif len(same) > 1:
            result.ambiguous[record_id] = sorted(same)
        else:
            [(arxiv_id, found)] = same.items()
            links = {"arxiv": f"https://arxiv.org/abs/{arxiv_id}", "pdf": f"https://arxiv.org/pdf/{arxiv_id}"}
            if str(record.get("source") or "").startswith("hf-"):  # it is on Hugging Face: its page has this id
                links["hf"] = f"https://huggingface.co/papers/{arxiv_id}"
            result.matched[record_id] = dataclasses.replace(
                found, record={**found.record, "source": "arxiv resolve", "links": links})
            claims.setdefault(arxiv_id, []).append(record_id)
    for arxiv_id, record_ids in claims.items():
        owner = (known or {}).get(arxiv_id)
        if len(record_ids) > 1 or (owner is not None and owner not in record_ids):
            others = sorted({*record_ids, *([owner] if owner else [])})
            for record_id in record_ids:
                del result.matched[record_id]
                result.duplicates[record_id] = arxiv_id
                result.warnings.append(Diagnostic(record_id, 0, 0, f"arXiv {arxiv_id} matches the titles of "
                                                  f"{', '.join(others)}; not filled in",
                                                  "these records may be the same paper", WARNING))
    return result



def default_cache(content: Path) -> Path:
    return content.parent / ".digest-cache" / "arxiv"  # beside the build cache, ignored by git


@dataclass
class ResolveRun:
    """A resolve and what merging its matches did."""

    found: ResolveResult
    changed: dict[str, list[str]] = field(default_factory=dict)
    kept: dict[str, list[str]] = field(default_factory=dict)
    written: list[str] = field(default_factory=list)
    diffs: dict[str, str] = field(default_factory=dict)


def run_resolve(content: Path, client: TitleSearch, dry_run: bool = False, limit: int | None = None,
                progress: Progress | None = None) -> ResolveRun:
    """Resolve the records of `content` without an arXiv id and merge each
    match as `digest import` merges (ids never change: the record keeps its
    id and gains `arxiv:`, authors, links and dates)."""
    from ..content import files, schema, yamlio
    from ..content.files import write_text_atomic
    from ..content.validate import validate
    from .merge import merge_record, ordered
    from .store import _diff, _existing_records

    existing = _existing_records(content)
    known = {data["arxiv"]: pid for pid, (_, data) in existing.items() if data.get("arxiv")}
    todo = [data for _, (_, data) in sorted(existing.items()) if not data.get("arxiv")]
    if limit is not None:
        todo = todo[:limit]
    run = ResolveRun(resolve(todo, client, known, progress))
    writes: dict[Path, str] = {}
    for record_id, candidate in sorted(run.found.matched.items()):
        path, old = existing[record_id]
        incoming = {k: v for k, v in candidate.record.items() if v not in (None, "", [], {})}
        merged, changes, kept = merge_record(old, incoming)
        if kept:
            run.kept[record_id] = kept
        if not changes:
            continue
        problems = validate(ordered(merged), schema.PAPER)
        if problems:
            run.found.failed[record_id] = f"the merged record would be invalid: {problems[0].message}"
            continue
        run.changed[record_id] = changes
        text = yamlio.dump(ordered(merged))
        writes[path] = text
        shown = files.display_path(path)
        run.diffs[shown] = _diff(shown, path.read_text(encoding="utf-8"), text)
    if not dry_run:
        for path, text in sorted(writes.items()):
            write_text_atomic(path, text)
    run.written = sorted(files.display_path(p) for p in writes)
    return run
