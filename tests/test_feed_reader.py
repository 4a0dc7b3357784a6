"""The feeds in a real reader: newsboat fetches them from 127.0.0.1 non-interactively."""
from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path

import feedparser
import pytest

from generator.build import build

from . import tools
from .conftest import REPO, serve_directory

pytestmark = pytest.mark.e2e  # real browsers, validators and readers


def test_newsboat_reads_every_feed(tmp_path: Path) -> None:
    reader = tools.newsboat()
    shutil.copytree(REPO / "content", tmp_path / "content")
    shutil.copytree(REPO / "themes", tmp_path / "themes")
    output = tmp_path / "output"
    build(tmp_path / "content", output, search=False)
    feeds = ["feed.xml", "atom.xml", "papers/feed.xml", "tags/attention/feed.xml"]
    by_feed: dict[str, list[str]] = {}
    unread: dict[str, int] = {}
    home = tmp_path / "home"
    home.mkdir()
    (tmp_path / "config").write_text("download-timeout 10\nreload-threads 1\n", encoding="utf-8")
    with serve_directory(output) as base:
        # one cache per feed: RSS and Atom carry the same items (same ids), which a reader rightly merges
        for i, rel in enumerate(feeds):
            (tmp_path / f"urls{i}").write_text(base + rel + "\n", encoding="utf-8")
            result = subprocess.run([reader, "-u", str(tmp_path / f"urls{i}"), "-c", str(tmp_path / f"cache{i}.db"),
                                     "-C", str(tmp_path / "config"), "-x", "reload", "print-unread"],
                                    capture_output=True, text=True, timeout=120,
                                    env={"HOME": str(home), "PATH": "/usr/bin:/bin", "TERM": "dumb"})
            assert result.returncode == 0 and result.stdout.strip(), (rel, result.stderr)
            unread[rel] = int(result.stdout.split()[0])
            with sqlite3.connect(tmp_path / f"cache{i}.db") as db:
                by_feed[rel] = [title for (title,) in db.execute("SELECT title FROM rss_item")]
    for rel in feeds:
        expected = [e.title for e in feedparser.parse((output / rel).read_bytes()).entries]
        assert sorted(by_feed[rel]) == sorted(expected), rel
        assert unread[rel] == len(expected)
    assert len(by_feed["feed.xml"]) == 4 and len(by_feed["papers/feed.xml"]) == 100
    assert len(set(by_feed["papers/feed.xml"])) == 100  # one item per paper, none twice
    assert "What attention really needs, and what AI help costs us" in by_feed["atom.xml"]
