"""SIGKILL at random moments: output/ is always the complete old site or the complete
new one, content/ always checks, and the next build equals a clean build."""
from __future__ import annotations

import hashlib
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import DATA, REPO

pytestmark = pytest.mark.e2e
ENV = {**os.environ, "PYTHONPATH": str(REPO)}


def tree(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def digest(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "generator", *args], cwd=cwd, env=ENV, capture_output=True,
                          text=True, timeout=300)


def killed(args: list[str], cwd: Path, after: float) -> int:
    """Run digest, SIGKILL it after `after` seconds, and return how many worker processes
    it had then; each of them must end too (none may be left waiting forever)."""
    proc = subprocess.Popen([sys.executable, "-m", "generator", *args], cwd=cwd, env=ENV,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(after)
    workers = children(proc.pid)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    deadline = time.monotonic() + 10
    while (alive := [w for w in workers if running(w)]) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not alive, f"worker processes {alive} outlived their killed build"
    return len(workers)


def children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            pass
    return found


def running(pid: int) -> bool:
    """Alive and not a zombie (an orphan's zombie waits for whoever reaps in this container)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


def edit(content: Path, n: int) -> None:
    path = content / "digests" / "2026-05-20.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("title: ", f"title: Edit {n} - ", 1), encoding="utf-8")


def test_a_killed_build_leaves_no_worker_behind(tmp_path: Path) -> None:
    """SIGKILL while workers run (waiting until they exist, not guessing when): each ends too."""
    site = tmp_path / "site"
    shutil.copytree(REPO / "content", site / "content")
    for _attempt in range(20):
        proc = subprocess.Popen([sys.executable, "-m", "generator", "build", "--full", "--jobs", "2"], cwd=site,
                                env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while not (workers := children(proc.pid)) and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.005)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        if workers:
            break
    assert workers, "never saw the build's worker processes"
    deadline = time.monotonic() + 10
    while (alive := [w for w in workers if running(w)]) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not alive, f"worker processes {alive} outlived their killed build"


def test_killed_builds_leave_the_old_or_the_new_site(tmp_path: Path) -> None:
    rng = random.Random(2026)
    site = tmp_path / "site"
    shutil.copytree(REPO / "content", site / "content")
    kills = 0
    for round_ in range(12):
        full = round_ % 2 == 0
        # the two states a kill may leave: the site before and after this round's edit
        before = tree(site / "output") if (site / "output").exists() else None
        edit(site / "content", round_)
        reference = tmp_path / f"ref{round_}"
        assert digest("build", "--no-search", "--output", str(reference), cwd=site).returncode == 0
        after = tree(reference)
        args = ["build", "--no-search"] + (["--full"] if full else [])
        killed(args, site, rng.uniform(0.05, 1.6))
        kills += 1
        if (site / "output").exists():
            now = tree(site / "output")
            assert now in (before, after), f"round {round_}: a mix of old and new files"
        else:
            assert before is None, f"round {round_}: the output folder vanished"
        result = digest(*args, cwd=site)
        assert result.returncode == 0, result.stderr
        assert tree(site / "output") == after, f"round {round_}: the next build differs from a clean one"
        assert not list(site.glob(".output.digest-new-*")) + list(site.glob(".output.digest-old-*")), \
            "a killed build's leftovers were not cleaned up"
        shutil.rmtree(reference)
    assert kills == 12


def test_killed_imports_leave_content_that_checks(tmp_path: Path) -> None:
    rng = random.Random(7)
    seeds = sorted((DATA / "seeds").glob("*.txt"))
    for round_ in range(8):
        site = tmp_path / f"site{round_}"
        shutil.copytree(DATA / "golden" / "content", site / "content")
        seed = seeds[round_ % len(seeds)]
        killed(["import", "hf-page", str(seed), "--date", "2026-05-20"], site, rng.uniform(0.05, 0.8))
        check = digest("check", cwd=site)
        assert check.returncode == 0, f"round {round_}: {check.stderr}"
        again = digest("import", "hf-page", str(seed), "--date", "2026-05-20", cwd=site)
        assert again.returncode == 0, again.stderr
        clean = tmp_path / f"clean{round_}"
        shutil.copytree(DATA / "golden" / "content", clean / "content")
        assert digest("import", "hf-page", str(seed), "--date", "2026-05-20", cwd=clean).returncode == 0
        assert tree(site / "content") == tree(clean / "content"), f"round {round_}: resumed import differs"
