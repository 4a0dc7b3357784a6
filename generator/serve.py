"""`digest serve`: build, serve on 127.0.0.1, rebuild on change, reload open tabs.

The server always serves the last good build. A failed rebuild leaves it in
place, and open pages show the error as an overlay until a fixed file
rebuilds cleanly. Pages poll a tiny status endpoint; the reload script is
injected into HTML responses only, never written to the output.
"""
from __future__ import annotations

import http.server
import json
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape as html_escape
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .build import BuildResult, Session, build
from .diagnostics import DigestError

STATUS_PATH = "/__digest__/status"
SCRIPT_PATH = "/__digest__/live.js"
LIVE_JS = b"""(function () {
  "use strict";
  var seen = null, box = null;
  function show(text) {
    if (!box) {
      box = document.createElement("pre");
      box.setAttribute("role", "alert");
      box.style.cssText = "position:fixed;inset:auto 1rem 1rem 1rem;z-index:99999;max-height:60vh;overflow:auto;" +
        "margin:0;padding:1rem;background:#2b0b0b;color:#ffe4e4;border:2px solid #ff6b6b;border-radius:8px;" +
        "font:13px/1.45 ui-monospace,Menlo,Consolas,monospace;white-space:pre-wrap";
      document.body.appendChild(box);
    }
    box.textContent = "digest: the last edit did not build; showing the last good site.\\n\\n" + text;
  }
  function poll() {
    fetch("/__digest__/status", {cache: "no-store"}).then(function (r) { return r.json(); }).then(function (s) {
      if (seen !== null && s.version !== seen) { location.reload(); return; }
      seen = s.version;
      if (s.error) { show(s.error); } else if (box) { box.remove(); box = null; }
    }).catch(function () {}).then(function () { setTimeout(poll, 300); });
  }
  poll();
})();
"""


@dataclass
class ServeState:
    """What the server knows: the build version (bumped on each good build) and the last error."""

    version: int = 0
    error: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock)

    def succeeded(self) -> None:
        with self.lock:
            self.version += 1
            self.error = ""

    def failed(self, text: str) -> None:
        with self.lock:
            self.error = text

    def snapshot(self) -> dict[str, object]:
        with self.lock:
            return {"version": self.version, "error": self.error}


def make_handler(output: Path, state: ServeState) -> type[http.server.SimpleHTTPRequestHandler]:
    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, directory=str(output), **kwargs)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass

        def end_headers(self) -> None:
            self.send_header("Cache-Control", "no-store")
            super().end_headers()

        def do_GET(self) -> None:  # noqa: N802
            path = urlsplit(self.path).path
            if path == STATUS_PATH:
                return self._send(200, "application/json", json.dumps(state.snapshot()).encode())
            if path == SCRIPT_PATH:
                return self._send(200, "text/javascript", LIVE_JS)
            if not output.is_dir():  # no good build yet: say why, and reload once there is one
                body = ("<!DOCTYPE html><html lang=en><head><meta charset=utf-8><title>digest: no build yet"
                        "</title></head><body><h1>No successful build yet</h1><pre>"
                        + html_escape(str(state.snapshot()["error"]) or "building...") + "</pre></body></html>")
                return self._send(503, "text/html; charset=utf-8", _inject(body.encode()))
            target = Path(self.translate_path(self.path))
            if target.is_dir() and path.endswith("/"):
                target = target / "index.html"
            if target.suffix == ".html" and target.is_file():
                html = target.read_bytes()
                return self._send(200, "text/html; charset=utf-8", _inject(html))
            if not target.exists() and (output / "404.html").is_file():
                return self._send(404, "text/html; charset=utf-8", _inject((output / "404.html").read_bytes()))
            return super().do_GET()

        def _send(self, status: int, ctype: str, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    return Handler


def _inject(html: bytes) -> bytes:
    tag = f'<script src="{SCRIPT_PATH}"></script>'.encode()
    index = html.rfind(b"</body>")
    return html[:index] + tag + html[index:] if index != -1 else html + tag


def error_text(exc: DigestError) -> str:
    return "\n".join(d.format_text() for d in exc.diagnostics)


class _QuietServer(http.server.ThreadingHTTPServer):
    """A client that goes away mid-request (a closed tab, a reload) is normal, not a traceback."""

    report: Callable[[str], None] = print

    def handle_error(self, request: Any, client_address: Any) -> None:
        error = sys.exc_info()[1]
        if isinstance(error, (ConnectionError, TimeoutError)):
            return
        self.report(f"request from {client_address[0]} failed: {type(error).__name__}: {error}")


QUIET_MS = 300


class DevServer:
    """Builds, serves and watches; `run` blocks until `stop` is called."""

    def __init__(self, content: Path, output: Path, port: int, theme: str | None = None,
                 report: Callable[[str], None] = print, host: str = "127.0.0.1"):
        self.content, self.output, self.theme, self.report = content, output, theme, report
        self.state = ServeState()
        self.server = _QuietServer((host, port), make_handler(output, state=self.state))
        self.server.report = report
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.url = f"http://{host}:{self.port}/"
        self._stop = threading.Event()
        self.session = Session()  # the build cache, kept in memory between rebuilds

    def rebuild(self, search: str = "now") -> BuildResult | None:
        """One build. search="later": keep the index in place, so an edit shows as soon as its
        pages are written; "only": bring the index up to date after such builds."""
        started = time.perf_counter()
        try:
            result = build(self.content, self.output, theme=self.theme, base_url=self.url,
                           search_later=search == "later", session=self.session)
        except DigestError as exc:
            text = error_text(exc)
        except Exception as exc:  # a bug in digest must not end the server: show it like a content error
            text = f"internal error while building: {type(exc).__name__}: {exc} (please report this)"
        else:
            seconds = time.perf_counter() - started
            if search == "only":
                self.report(f"search index updated in {seconds:.2f} s ({result.rendered:,} files changed)")
                return result
            # Reported before the state changes, so whoever sees the new state can read the report.
            follows = "; search follows" if search == "later" else ""
            self.report(f"rebuilt {result.pages:,} pages in {seconds:.2f} s{follows}")
            self.state.succeeded()
            return result
        self.report(f"build failed; still serving the last good site:\n{text}")
        self.state.failed(text)
        return None

    def watched(self) -> list[Path]:
        from .site.themes import theme_dirs
        return [p for p in (self.content, *theme_dirs(self.content)) if p.is_dir()]

    def run(self) -> None:
        from watchfiles import watch
        self.rebuild()
        thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        thread.start()
        self.report(f"serving {self.output} at {self.url} (Ctrl-C to stop)")
        search_due = False
        try:
            # An edit rebuilds the pages first and shows them; the search index follows once no
            # change has come for QUIET_MS, so a burst of edits never waits for it.
            for changes in watch(*self.watched(), stop_event=self._stop, debounce=400, step=50,
                                 rust_timeout=QUIET_MS, yield_on_timeout=True, raise_interrupt=False):
                if changes:
                    search_due = self.rebuild(search="later") is not None
                elif search_due:
                    search_due = False
                    self.rebuild(search="only")
        finally:
            self.server.shutdown()
            self.server.server_close()

    def stop(self) -> None:
        self._stop.set()
