"""Golden-output tests: a small fixture site built and compared with expected files
(pages, feeds and JSON), in the style of Pelican's functional tests.

After an intended change, regenerate with: DIGEST_UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py
and review the diff of tests/data/golden/expected/ before committing.
"""
from __future__ import annotations

import difflib
import os
import shutil
from pathlib import Path

import pytest

from generator.build import build

from .conftest import DATA, REPO

GOLDEN = DATA / "golden"
COMPARED = [
    "index.html", "digests/2024-10-25/index.html", "digests/2024-10-26/index.html",
    "papers/2410.18000/index.html", "papers/catastrophic-interference/index.html", "tags/memory/index.html",
    "tags/index.html", "archive/index.html", "about/index.html", "404.html", "search/index.html",
    "feed.xml", "atom.xml", "papers/feed.xml", "tags/memory/feed.xml", "sitemap.xml", "robots.txt",
    "api/digests.json", "api/digests/2024-10-26.json", "api/papers/2410.17243.json",
    "feed.json", "papers/feed.json", "tags/memory/feed.json", "feeds.opml", "feeds/index.html",
    "digests/2024-10-26/papers.bib", "tags/memory/papers.bib", "api/v1/index.json", "api/v1/digests/2024-10-26.json",
    "api/v1/papers/2410.17243.json", "api/v1/schema/paper.json",
]


@pytest.fixture(scope="module")
def golden_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("golden")
    shutil.copytree(GOLDEN / "content", root / "content")
    shutil.copytree(REPO / "themes", root / "themes")
    build(root / "content", root / "output", search=False)
    return root / "output"


@pytest.mark.parametrize("rel", COMPARED)
def test_output_matches_expected(golden_build: Path, rel: str) -> None:
    got = (golden_build / rel).read_text(encoding="utf-8")
    expected_path = GOLDEN / "expected" / rel
    if os.environ.get("DIGEST_UPDATE_GOLDEN") == "1":
        expected_path.parent.mkdir(parents=True, exist_ok=True)
        expected_path.write_text(got, encoding="utf-8")
    expected = expected_path.read_text(encoding="utf-8")
    if got != expected:
        diff = "".join(difflib.unified_diff(expected.splitlines(True), got.splitlines(True), "expected", "got", n=2))
        pytest.fail(f"{rel} differs from the golden file:\n{diff[:6000]}")


def test_every_output_file_is_expected(golden_build: Path) -> None:
    files = sorted(p.relative_to(golden_build).as_posix() for p in golden_build.rglob("*") if p.is_file())
    listing = "\n".join(f for f in files if not f.startswith("static/")) + "\n"
    expected_path = GOLDEN / "expected" / "FILES.txt"
    if os.environ.get("DIGEST_UPDATE_GOLDEN") == "1":
        expected_path.write_text(listing, encoding="utf-8")
    assert listing == expected_path.read_text(encoding="utf-8")
