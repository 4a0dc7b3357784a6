"""Reading features on built pages: typeset abstracts, scannable digests, week and month
views, related papers, the 404 page under a base path."""
from __future__ import annotations

from pathlib import Path

import pytest

from generator.build import build

from .conftest import minimal_site, paper_yaml


@pytest.fixture(scope="module")
def small_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("reading")
    minimal_site(root / "content", **{
        "papers/2410/2410.17243.yaml": paper_yaml(
            "2410.17243", "Breaking the Memory Barrier", upvotes="12").replace(
            "abstract: An abstract.", "abstract: 'We reach 81.8\\% accuracy -- with $O(n^2)$ memory. More text.'"),
    })
    build(root / "content", root / "output", search=False)
    return root / "output"


def test_abstract_is_typeset_on_pages(small_site: Path) -> None:
    html = (small_site / "papers/2410.17243/index.html").read_text(encoding="utf-8")
    assert "81.8%" in html and "81.8\\%" not in html.split("<main", 1)[1].split("citation_abstract")[0]
    assert "<math" in html and "accuracy – with" in html
    digest = (small_site / "digests/2024-10-25/index.html").read_text(encoding="utf-8")
    assert "81.8%" in digest and "81.8\\%" not in digest


def test_records_and_api_keep_the_raw_abstract(small_site: Path) -> None:
    api = (small_site / "api/papers/2410.17243.json").read_text(encoding="utf-8")
    assert "81.8\\\\%" in api
