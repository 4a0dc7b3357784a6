"""Reading an import SOURCE: a local file, or an http(s) URL.

Local sources are read like content files (regular files only, size capped
while reading: a FIFO or /dev/zero is refused, not waited on). A URL is
fetched with a timeout per network operation and one overall deadline, so a
server that sends a byte a second cannot keep an import running.
"""
from __future__ import annotations

import threading
import time
import urllib.error
import urllib.request
from typing import Any

from ..content import files
from ..diagnostics import DigestError

MAX_BYTES = 20_000_000
TIMEOUT_SECONDS = 30  # per connect or read
DEADLINE_SECONDS = 90  # for the whole fetch


def is_url(source: str) -> bool:
    return source.startswith(("http://", "https://"))


def read_source(source: str, deadline: float = DEADLINE_SECONDS) -> tuple[bytes, str]:
    """The bytes of SOURCE and its content type ('' for files)."""
    if is_url(source):
        return fetch(source, deadline)
    return files.read_bytes(source, None, source, limit=MAX_BYTES), ""


def fetch(url: str, deadline: float = DEADLINE_SECONDS) -> tuple[bytes, str]:
    """GET `url` within `deadline` seconds in all; the body is capped at MAX_BYTES."""
    outcome: dict[str, Any] = {}
    worker = threading.Thread(target=_fetch_into, args=(url, time.monotonic() + deadline, outcome), daemon=True)
    worker.start()
    worker.join(deadline + 1)
    if worker.is_alive() or "timeout" in outcome:
        raise DigestError.single(url, f"the server did not send the whole response within {deadline:g} s",
                                 "try again later; nothing was imported")
    if "error" in outcome:
        raise outcome["error"]
    return outcome["body"], outcome["type"]


def _fetch_into(url: str, until: float, outcome: dict[str, Any]) -> None:
    request = urllib.request.Request(url, headers={"User-Agent": "digest-importer/1.0",
                                                   "Accept": "application/json, application/atom+xml, */*"})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310 (http(s) only)
            chunks, size = [], 0
            while True:
                if time.monotonic() > until:
                    outcome["timeout"] = True
                    return
                chunk = response.read1(65536)
                if not chunk:
                    break
                size += len(chunk)
                if size > MAX_BYTES:
                    outcome["error"] = DigestError.single(url, f"response is larger than {MAX_BYTES:,} bytes")
                    return
                chunks.append(chunk)
            outcome["body"], outcome["type"] = b"".join(chunks), response.headers.get_content_type() or ""
    except urllib.error.HTTPError as exc:
        outcome["error"] = DigestError.single(url, f"the server answered HTTP {exc.code} {exc.reason}",
                                              "try again later; nothing was imported")
    except (urllib.error.URLError, TimeoutError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        outcome["error"] = DigestError.single(url, f"cannot fetch source: {reason}",
                                              "check the URL and your connection")


def decode(body: bytes, source: str) -> str:
    try:
        return body.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        line = body.count(b"\n", 0, exc.start) + 1
        raise DigestError.single(source, "source is not valid UTF-8", "", line, 1) from None
