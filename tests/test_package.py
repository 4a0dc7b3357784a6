"""The package as a user installs it: a wheel (not an editable install) in a fresh
virtual environment builds the example site from a folder outside the repository."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from .conftest import REPO

pytestmark = pytest.mark.e2e


def test_a_wheel_install_builds_the_example_site_outside_the_repo(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    # no build isolation: tests never reach the network, and hatchling is a test dependency
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-build-isolation", "--no-deps", "-q",
                    "-w", str(dist), str(REPO)], check=True, timeout=300)
    wheel = next(dist.glob("digest_ssg-*.whl"))
    env_dir = tmp_path / "venv"
    # system site packages provide the dependencies offline; the wheel itself goes into the venv
    venv.EnvBuilder(system_site_packages=True, with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)],
                   check=True, timeout=300)
    site = tmp_path / "elsewhere"
    shutil.copytree(REPO / "content", site / "content")
    where = subprocess.run([str(python), "-c", "import generator; print(generator.__file__)"], cwd=site,
                           capture_output=True, text=True, check=True).stdout
    assert where.startswith(str(env_dir)), where  # the installed wheel, not the checkout
    result = subprocess.run([str(env_dir / "bin" / "digest"), "build", "--no-search"], cwd=site,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    out = site / "output"
    assert (out / "index.html").is_file() and list((out / "static" / "css").glob("site.*.css"))
    assert re.search(r"built [\d,]+ pages \(222 papers, 4 digests\)", result.stdout), result.stdout
