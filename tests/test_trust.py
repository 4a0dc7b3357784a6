"""Mechanisms that keep a build from losing data or running content as code."""
from __future__ import annotations

import os
import pickle
import resource
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from generator.build import build
from generator.build.output import MARKER
from generator.build.stamp import cache_dir
from generator.build.workers import run_map
from generator.diagnostics import DigestError

from .conftest import REPO, minimal_site


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_output_folders_digest_did_not_make_are_left_alone(tmp_path: Path) -> None:
    content = minimal_site(tmp_path / "content")
    thesis = tmp_path / "Documents" / "thesis.tex"
    thesis.parent.mkdir()
    thesis.write_text("years of work", encoding="utf-8")
    with pytest.raises(DigestError) as info:
        build(content, tmp_path / "Documents", search=False)
    assert "was not made by digest" in info.value.diagnostics[0].message
    assert thesis.read_text(encoding="utf-8") == "years of work"
    # an empty folder, or one digest made (it carries the marker), may be replaced
    (tmp_path / "empty").mkdir()
    build(content, tmp_path / "empty", search=False)
    assert (tmp_path / "empty" / MARKER).is_file()
    build(content, tmp_path / "empty", search=False, incremental=False)


def test_a_symlinked_output_folder_is_written_through(tmp_path: Path) -> None:
    content = minimal_site(tmp_path / "content")
    (tmp_path / "real").mkdir()
    (tmp_path / "output").symlink_to("real")
    build(content, tmp_path / "output", search=False)
    assert (tmp_path / "output").is_symlink() and (tmp_path / "real" / "index.html").is_file()


def test_a_pickle_in_the_cache_is_never_loaded(tmp_path: Path) -> None:
    content = minimal_site(tmp_path / "content")
    build(content, tmp_path / "output", search=False)
    canary = tmp_path / "pwned"

    class Payload:
        def __reduce__(self):  # type: ignore[no-untyped-def]
            return (open, (str(canary), "w"))

    folder = cache_dir(content, tmp_path / "output")
    for name in ("build.json", "records.marshal", "up-to-date.json", "output.pickle", "output.stamp"):
        (folder / name).write_bytes(pickle.dumps(Payload()))
    build(content, tmp_path / "output", search=False)
    assert not canary.exists()
    assert (tmp_path / "output" / "index.html").is_file()


def test_a_cache_that_cannot_be_written_is_a_warning_after_a_good_build(tmp_path: Path) -> None:
    content = minimal_site(tmp_path / "content")
    (tmp_path / ".digest-cache").write_text("not a folder", encoding="utf-8")
    result = build(content, tmp_path / "output", search=False)
    assert (tmp_path / "output" / "index.html").is_file()
    assert any("could not save the build cache" in w.message for w in result.warnings)


def test_full_rereads_a_same_size_edit_with_its_time_restored(tmp_path: Path) -> None:
    content = minimal_site(tmp_path / "content")
    build(content, tmp_path / "output", search=False)
    path = content / "digests" / "2024-10-25.yaml"
    st = path.stat()
    path.write_text(path.read_text(encoding="utf-8").replace("Read this.", "Skip this."), encoding="utf-8")
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    build(content, tmp_path / "output", search=False, incremental=False)
    assert "Skip this." in (tmp_path / "output" / "index.html").read_text(encoding="utf-8")


def _fill_disk() -> None:
    resource.setrlimit(resource.RLIMIT_FSIZE, (2000, 2000))  # any file over 2 kB fails with EFBIG


def test_a_write_that_fails_mid_build_leaves_the_output_as_it_was(tmp_path: Path) -> None:
    content = minimal_site(tmp_path / "content")
    build(content, tmp_path / "output", search=False)
    path = content / "digests" / "2024-10-25.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("Hello.", "Hello again."), encoding="utf-8")
    before = _tree(tmp_path / "output")
    result = subprocess.run([sys.executable, "-m", "generator", "build", "--no-search"], cwd=tmp_path,
                            env={**os.environ, "PYTHONPATH": str(REPO)}, capture_output=True, text=True,
                            preexec_fn=_fill_disk, timeout=120)
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert "cannot write: File too large" in result.stderr
    assert _tree(tmp_path / "output") == before
    assert not list(tmp_path.glob(".output.digest-new-*")) + list(tmp_path.glob(".output.digest-old-*"))


def _die(item: int) -> int:
    if item == 70:
        os.kill(os.getpid(), signal.SIGKILL)  # as the OOM killer would
    return item


def test_a_killed_worker_fails_the_build_instead_of_hanging_it() -> None:
    with pytest.raises(DigestError) as info:
        run_map(_die, list(range(400)), jobs=2)
    assert "a worker process died" in info.value.diagnostics[0].message
