"""Reading an import SOURCE: a local file, or an http(s) URL."""
from __future__ import annotations

import urllib.error
import urllib.request
from pathlib import Path

from ..diagnostics import DigestError

MAX_BYTES = 20_000_000
TIMEOUT_SECONDS = 30


def is_url(source: str) -> bool:
    return source.startswith(("http://", "https://"))


def read_source(source: str) -> tuple[bytes, str]:
    """The bytes of SOURCE and its content type ('' for files)."""
    if is_url(source):
        return _fetch(source)
    path = Path(source)
    try:
        if path.stat().st_size > MAX_BYTES:
            raise DigestError.single(source, f"source is larger than {MAX_BYTES:,} bytes")
        return path.read_bytes(), ""
    except FileNotFoundError:
        raise DigestError.single(source, "source file not found") from None
    except IsADirectoryError:
        raise DigestError.single(source, "source is a folder", "pass the files inside it") from None
    except OSError as exc:
        raise DigestError.single(source, f"cannot read source: {exc.strerror or exc}") from None


def _fetch(url: str) -> tuple[bytes, str]:
    request = urllib.request.Request(url, headers={"User-Agent": "digest-importer/1.0",
                                                   "Accept": "application/json, application/atom+xml, */*"})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310 (http(s) only)
            body = response.read(MAX_BYTES + 1)
            content_type = response.headers.get_content_type() or ""
    except urllib.error.HTTPError as exc:
        raise DigestError.single(url, f"the server answered HTTP {exc.code} {exc.reason}",
                                 "try again later; nothing was imported") from None
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise DigestError.single(url, f"cannot fetch source: {reason}", "check the URL and your connection") from None
    if len(body) > MAX_BYTES:
        raise DigestError.single(url, f"response is larger than {MAX_BYTES:,} bytes")
    return body, content_type


def decode(body: bytes, source: str) -> str:
    try:
        return body.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        line = body.count(b"\n", 0, exc.start) + 1
        raise DigestError.single(source, "source is not valid UTF-8", "", line, 1) from None
