"""External tools used by end-to-end tests, found or skipped with a clear reason.

Locally a missing tool skips its tests; in CI (DIGEST_REQUIRE_TOOLS=1, set by
.ci/run after installing them) a missing tool fails them instead.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).parent.parent
NODE_MODULES = [Path(os.environ["DIGEST_NODE_MODULES"])] if os.environ.get("DIGEST_NODE_MODULES") else []
NODE_MODULES += [REPO / ".ci" / "node_modules"]


def _missing(what: str, how: str):
    if os.environ.get("DIGEST_REQUIRE_TOOLS") == "1":
        pytest.fail(f"{what} is required in CI but missing: {how}")
    pytest.skip(f"{what} not found ({how})")


def chromium() -> str:
    path = os.environ.get("DIGEST_CHROMIUM", "/usr/bin/chromium")
    if not Path(path).exists():
        _missing("Chromium", "apt-get install chromium")
    try:
        import playwright  # noqa: F401
    except ImportError:
        _missing("Playwright", "pip install playwright")
    return path


def _node_file(package_path: str, what: str) -> Path:
    for folder in NODE_MODULES:
        candidate = folder / package_path
        if candidate.is_file():
            return candidate
    _missing(what, f"npm install --prefix .ci {package_path.split('/')[0]}")
    raise AssertionError  # unreachable


def vnu_jar() -> Path:
    if shutil.which("java") is None:
        _missing("Java", "apt-get install default-jre-headless")
    return _node_file("vnu-jar/build/dist/vnu.jar", "the Nu HTML Checker")


def axe_js() -> Path:
    return _node_file("axe-core/axe.min.js", "axe-core")


def feedcheck() -> Path:
    """The W3C Feed Validator wrapper: $DIGEST_FEEDCHECK, else ../shared/tools/feedcheck beside the repo."""
    path = Path(os.environ.get("DIGEST_FEEDCHECK") or REPO.parent / "shared" / "tools" / "feedcheck")
    if not path.exists():
        _missing("feedcheck (the W3C Feed Validator)", f"expected at {path}, or set DIGEST_FEEDCHECK")
    return path


def newsboat() -> str:
    path = shutil.which("newsboat")
    if path is None:
        _missing("newsboat", "apt-get install newsboat")
    return path  # type: ignore[return-value]


CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
