"""`digest serve` end to end: a real process on a free 127.0.0.1 port, real file edits."""
from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from .conftest import REPO, minimal_site

DIGEST = "digests/2024-10-25.yaml"


def _start(tmp_path: Path, log_path: Path) -> tuple[subprocess.Popen, str]:
    """`digest serve --port 0` as a real process; returns it and the URL it announced."""
    env = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONUNBUFFERED": "1"}
    log = log_path.open("w")
    proc = subprocess.Popen([sys.executable, "-m", "generator", "serve", "--port", "0"], cwd=tmp_path,
                            env=env, stdout=log, stderr=subprocess.STDOUT)
    log.close()
    found = _wait_for(lambda: re.search(r" at (http://127\.0\.0\.1:\d+/)", log_path.read_text()), 60)
    assert found, log_path.read_text()
    return proc, found.group(1)


def _stop(proc: subprocess.Popen) -> None:
    """Ctrl-C, as a person would stop it; killed if it does not stop."""
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8")
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return 0, ""


def _status(base: str) -> dict:
    """The server's build status, or {} while it cannot answer."""
    code, body = _get(base + "__digest__/status")
    try:
        return json.loads(body) if code == 200 else {}
    except ValueError:
        return {}


def _wait_for(check, seconds: float = 20.0):
    """Poll until check() returns something truthy; bounded, so a test can never hang."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.05)
    return None


def test_serve_rebuilds_reloads_and_survives_broken_edits(tmp_path: Path) -> None:
    content = minimal_site(tmp_path / "content")
    shutil.copytree(REPO / "themes", tmp_path / "themes")
    proc, base = _start(tmp_path, tmp_path / "serve.log")
    page = base + "digests/2024-10-25/"
    try:
        assert _wait_for(lambda: _get(page)[0] == 200), (tmp_path / "serve.log").read_text()
        status, html = _get(page)
        assert "A day of papers" in html and '<script src="/__digest__/live.js"></script>' in html
        assert _get(base + "__digest__/live.js")[0] == 200
        version = _status(base).get("version", -1)

        # an edit is rebuilt and served; the status version tells open pages to reload
        path = content / DIGEST
        path.write_text(path.read_text(encoding="utf-8").replace("A day of papers", "An edited day"),
                        encoding="utf-8")
        started = time.monotonic()
        assert _wait_for(lambda: "An edited day" in _get(page)[1]), (tmp_path / "serve.log").read_text()
        rebuilt_after = time.monotonic() - started
        assert _wait_for(lambda: _status(base).get("version", -1) > version)

        # a broken edit keeps the last good page and reports the error
        good = path.read_text(encoding="utf-8")
        path.write_text(good.replace("curator: ada", "curator: adaa"), encoding="utf-8")
        status_error = _wait_for(lambda: _status(base).get("error"))
        assert "content/digests/2024-10-25.yaml:3:10: error: unknown curator 'adaa'" in status_error
        assert "An edited day" in _get(page)[1]
        assert "unknown curator 'adaa'" in (tmp_path / "serve.log").read_text()

        # fixing the file recovers without a restart
        path.write_text(good.replace("An edited day", "A fixed day"), encoding="utf-8")
        assert _wait_for(lambda: "A fixed day" in _get(page)[1])
        assert _wait_for(lambda: _status(base).get("error") == "")
        print(f"rebuilt page served {rebuilt_after:.2f} s after the edit")
    finally:
        _stop(proc)
    assert proc.returncode in (0, -signal.SIGINT, 130)


def test_an_edit_shows_before_the_search_index_which_catches_up(tmp_path: Path) -> None:
    """The pages of an edit are swapped in first, keeping the search index in place; the index
    follows once the edits pause (issue: an edit must not wait for search)."""
    content = minimal_site(tmp_path / "content")
    shutil.copytree(REPO / "themes", tmp_path / "themes")
    log = tmp_path / "serve.log"
    proc, base = _start(tmp_path, log)
    page = base + "digests/2024-10-25/"
    index = tmp_path / "output" / "search" / "index"

    def indexed(word: str) -> bool:
        return any(word in p.read_text(encoding="utf-8", errors="replace") for p in index.rglob("*") if p.is_file())
    try:
        assert _wait_for(lambda: _get(page)[0] == 200), log.read_text()
        assert not indexed("quokka")
        path = content / DIGEST
        path.write_text(path.read_text(encoding="utf-8").replace("note: Read this.", "note: Read this quokka."),
                        encoding="utf-8")
        assert _wait_for(lambda: "quokka" in _get(page)[1]), log.read_text()
        assert _wait_for(lambda: indexed("quokka")), log.read_text()
        # The index is swapped in before the server reports it, so wait for the report too.
        assert _wait_for(lambda: "search index updated" in log.read_text()), log.read_text()
        text = log.read_text()
        assert re.search(r"rebuilt \d+ pages in [\d.]+ s; search follows\n(.|\n)*search index updated", text), text
        assert "Traceback" not in text
    finally:
        _stop(proc)


def test_new_creates_a_digest_and_refuses_to_overwrite(tmp_path: Path, cli) -> None:
    minimal_site(tmp_path / "content")
    result = cli("new", "2026-11-23", cwd=tmp_path)
    assert result.exit_code == 0, result.output
    created = tmp_path / "content" / "digests" / "2026-11-23.yaml"
    text = created.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../schema/digest.schema.json\n")
    assert "curator: ada" in text and "date: 2026-11-23" in text
    again = cli("new", "2026-11-23", cwd=tmp_path)
    assert again.exit_code == 1 and "already exists" in again.output
    assert created.read_text(encoding="utf-8") == text
    check = cli("check", cwd=tmp_path)
    assert check.exit_code == 0 and "digest lists no papers" in check.output
    bad = cli("new", "2026-02-30", cwd=tmp_path)
    assert bad.exit_code == 2 and "not a date" in bad.output


@pytest.mark.e2e
def test_open_tab_reloads_and_shows_the_error_overlay(tmp_path: Path, browser) -> None:
    content = minimal_site(tmp_path / "content")
    shutil.copytree(REPO / "themes", tmp_path / "themes")
    proc, base = _start(tmp_path, tmp_path / "serve.log")
    page_url = base + "digests/2024-10-25/"
    path = content / DIGEST
    try:
        assert _wait_for(lambda: _get(page_url)[0] == 200)
        context = browser.new_context()
        page = context.new_page()
        with page.expect_response(lambda r: "__digest__/status" in r.url):  # it has seen the current version
            page.goto(page_url)
        good = path.read_text(encoding="utf-8")
        path.write_text(good.replace("A day of papers", "Reloaded by itself"), encoding="utf-8")
        page.wait_for_function("document.querySelector('h1').textContent.includes('Reloaded by itself')",
                               timeout=15_000)
        path.write_text(good.replace("curator: ada", "curator: nobody"), encoding="utf-8")
        overlay = page.locator("[role=alert]")
        overlay.wait_for(timeout=15_000)
        assert "unknown curator 'nobody'" in overlay.inner_text()
        path.write_text(good, encoding="utf-8")
        page.wait_for_function("document.querySelector('h1').textContent.includes('A day of papers')",
                               timeout=15_000)
        assert page.locator("[role=alert]").count() == 0
        context.close()
    finally:
        _stop(proc)
