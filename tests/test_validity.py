"""Every page of the shipped site passes the Nu HTML Checker (vnu.jar) with no errors."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from generator.build import build

from . import tools
from .conftest import REPO

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("valid")
    shutil.copytree(REPO / "content", root / "content")
    shutil.copytree(REPO / "themes", root / "themes")
    build(root / "content", root / "output", search=False)
    return root / "output"


@pytest.mark.parametrize("theme", ["default", "newsletter"])
def test_nu_html_checker_reports_no_errors(built_site: Path, tmp_path: Path, theme: str) -> None:
    jar = tools.vnu_jar()
    site = built_site
    if theme != "default":
        shutil.copytree(REPO / "content", tmp_path / "content")
        shutil.copytree(REPO / "themes", tmp_path / "themes")
        build(tmp_path / "content", tmp_path / "output", theme=theme, search=False)
        site = tmp_path / "output"
    pages = sorted(str(p) for p in site.rglob("*.html"))
    assert len(pages) > 200
    result = subprocess.run(["java", "-jar", str(jar), "--errors-only", "--format", "gnu", *pages],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[:4000]
