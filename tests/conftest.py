"""Shared helpers: small content folders built in tmp_path, and CLI runners."""
from __future__ import annotations

import functools
import http.server
import os
import shutil
import subprocess
import sys
import textwrap
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main

DATA = Path(__file__).parent / "data"
REPO = Path(__file__).parent.parent

SITE_YAML = """\
title: Test Digest
description: A digest for tests.
base_url: https://digest.example.org/
language: en
timezone: UTC
"""
CURATORS_YAML = """\
- id: ada
  name: Ada Lovelace
  url: https://example.org/ada
- id: alan
  name: Alan Turing
"""


def paper_yaml(paper_id: str, title: str | None = None, **extra: str) -> str:
    lines = [f"id: '{paper_id}'", f"title: {title or 'Paper ' + paper_id}", "abstract: An abstract."]
    lines += [f"{k}: {v}" for k, v in extra.items()]
    return "\n".join(lines) + "\n"


def write_tree(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text) if not text.startswith(" ") else text, encoding="utf-8")
    return root


def minimal_site(root: Path, **overrides: str | None) -> Path:
    """A valid content folder with two papers and one digest; `overrides`
    maps relative paths to new text (None deletes the file)."""
    files: dict[str, str | None] = {
        "site.yaml": SITE_YAML,
        "curators.yaml": CURATORS_YAML,
        "papers/2410/2410.17243.yaml": paper_yaml("2410.17243", "Breaking the Memory Barrier"),
        "papers/2410/2410.18000.yaml": paper_yaml("2410.18000", "Another Paper"),
        "digests/2024-10-25.yaml": """\
            date: 2024-10-25
            title: A day of papers
            curator: ada
            intro: Hello.
            papers:
              - paper: 2410.17243
                pick: true
                note: Read this.
                tags: [memory, scaling]
              - paper: 2410.18000
            """,
    }
    files.update(overrides)
    for rel, text in files.items():
        path = root / rel
        if text is None:
            if path.exists():
                path.unlink()
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


@pytest.fixture
def site_dir(tmp_path: Path) -> Path:
    return minimal_site(tmp_path / "content")


@pytest.fixture
def cli():
    """Run the digest CLI in-process; returns the click Result."""
    runner = CliRunner()

    def run(*args: str, cwd: Path | None = None):
        old = os.getcwd()
        if cwd:
            os.chdir(cwd)
        try:
            return runner.invoke(main, list(args), catch_exceptions=False)
        finally:
            os.chdir(old)
    return run


def run_digest(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """Run `python -m generator` as a real process, as a user would."""
    full_env = {**os.environ, **(env or {})}
    full_env["PYTHONPATH"] = str(REPO) + os.pathsep + full_env.get("PYTHONPATH", "")
    return subprocess.run([sys.executable, "-m", "generator", *args], cwd=cwd, env=full_env,
                          capture_output=True, text=True, timeout=300)


@pytest.fixture
def seeds(tmp_path: Path) -> Path:
    target = tmp_path / "seeds"
    shutil.copytree(DATA / "seeds", target)
    return target


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@contextmanager
def serve_directory(root: Path):
    """Serve `root` on 127.0.0.1 on a free port; yields the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def site_url(tmp_path_factory: pytest.TempPathFactory):
    """The shipped example site, built once with its search index and served on 127.0.0.1."""
    from generator.build import build
    root = tmp_path_factory.mktemp("example-site")
    shutil.copytree(REPO / "content", root / "content")
    shutil.copytree(REPO / "themes", root / "themes")
    build(root / "content", root / "output")
    with serve_directory(root / "output") as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium through Playwright, once per test session."""
    from . import tools
    executable = tools.chromium()
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=executable, args=tools.CHROMIUM_ARGS)
        yield instance
        instance.close()
