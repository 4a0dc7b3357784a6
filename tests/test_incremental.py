"""Incremental rebuilds write exactly the bytes a clean full build writes.

Random edits of every kind a curator or site owner makes (a note, tags, order,
a new or deleted digest, a record, a page, a theme template, site settings),
each followed by an incremental build and a clean full build of the same
content; the two output trees must be identical, file for file, byte for byte.
"""
from __future__ import annotations

import hashlib
import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.build import build

from .conftest import DATA, REPO


def tree(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def _digest_files(content: Path) -> list[Path]:
    return sorted((content / "digests").glob("*.yaml"))


def _rewrite(path: Path, change) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


def edit(kind: str, root: Path, rng: random.Random) -> None:
    content = root / "content"
    digests = _digest_files(content)
    papers = sorted(p.stem for p in (content / "papers").rglob("*.yaml"))
    if kind == "note":
        def change(d):
            e = rng.choice(d["papers"])
            e["note"] = f"A *new* note {rng.randint(0, 10**6)} & <more>."
        _rewrite(rng.choice(digests), change)
    elif kind == "retag":
        def change(d):
            rng.choice(d["papers"])["tags"] = sorted(rng.sample(["alpha", "beta", "gamma", "memory"], 2))
        _rewrite(rng.choice(digests), change)
    elif kind == "pick":
        def change(d):
            e = rng.choice(d["papers"])
            e["pick"] = not e.get("pick", False)
            e["note"] = "Picked."
        _rewrite(rng.choice(digests), change)
    elif kind == "reorder":
        _rewrite(rng.choice(digests), lambda d: rng.shuffle(d["papers"]))
    elif kind == "add-digest":
        day = f"2024-11-{rng.randint(1, 28):02d}"
        path = content / "digests" / f"{day}.yaml"
        if not path.exists():
            chosen = rng.sample(papers, 2)
            path.write_text(yaml.safe_dump({"date": day, "title": f"Day {day}", "curator": "ada",
                                            "papers": [{"paper": p, "tags": ["memory"]} for p in chosen]}),
                            encoding="utf-8")
    elif kind == "delete-digest":
        if len(digests) > 1:
            rng.choice(digests).unlink()
    elif kind == "record":
        path = rng.choice(sorted((content / "papers").rglob("*.yaml")))
        _rewrite(path, lambda d: d.update(title=d["title"] + " (v2)", upvotes=rng.randint(0, 99)))
    elif kind == "override":
        def change(d):
            rng.choice(d["papers"])["override"] = {"title": f"Corrected {rng.randint(0, 999)}"}
        _rewrite(rng.choice(digests), change)
    elif kind == "page":
        page = content / "pages" / "extra.md"
        if page.exists():
            page.unlink()
        else:
            page.write_text("---\ntitle: Extra\n---\nAn extra page.\n", encoding="utf-8")
    elif kind == "template":
        partial = root / "themes" / "default" / "templates" / "partials" / "paper_meta.html"
        partial.write_text(partial.read_text(encoding="utf-8") + f"\n<!-- {rng.randint(0, 999)} -->\n",
                           encoding="utf-8")
    elif kind == "site-template":  # a site override that reads the whole-site `catalog` global
        override = content / "templates" / "base.html"
        if override.exists():
            override.unlink()
        else:
            override.parent.mkdir(exist_ok=True)
            override.write_text('{% extends "default/base.html" %}\n{% block footer %}<p>{{ catalog.site.digests|length }}'
                                ' digests so far</p>{% endblock %}\n', encoding="utf-8")
    elif kind == "theme-css":
        css = root / "themes" / "default" / "static" / "css" / "site.css"
        css.write_text(css.read_text(encoding="utf-8") + f"\n/* {rng.randint(0, 999)} */\n", encoding="utf-8")
    elif kind == "site":
        def change(d):
            d["title"] = f"Golden {rng.randint(0, 999)}"
            d.setdefault("feeds", {})["papers"] = rng.randint(1, 5)
        _rewrite(content / "site.yaml", change)


KINDS = ["note", "retag", "pick", "reorder", "add-digest", "delete-digest", "record", "override", "page",
         "template", "site-template", "theme-css", "site"]


def _fresh_site(root: Path) -> Path:
    shutil.copytree(DATA / "golden" / "content", root / "content")
    shutil.copytree(REPO / "themes", root / "themes")
    return root


def _check_step(root: Path, step: int, search: bool) -> None:
    incremental = build(root / "content", root / "inc", search=search, jobs=1)
    full_out = root / f"full{step}"
    build(root / "content", full_out, search=search, incremental=False, jobs=1)
    assert tree(root / "inc") == tree(full_out), f"incremental output differs after step {step}"
    shutil.rmtree(full_out)
    assert incremental.rendered <= incremental.files


def test_every_kind_of_edit_in_sequence(tmp_path: Path) -> None:
    root = _fresh_site(tmp_path)
    build(root / "content", root / "inc", search=True, jobs=1)
    rng = random.Random(2026)
    for step, kind in enumerate(KINDS * 2):
        edit(kind, root, rng)
        _check_step(root, step, search=step % 4 == 0)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(kinds=st.lists(st.sampled_from(KINDS), min_size=1, max_size=5), seed=st.integers(0, 2**16))
def test_random_edit_sequences(tmp_path_factory: pytest.TempPathFactory, kinds: list[str], seed: int) -> None:
    root = _fresh_site(tmp_path_factory.mktemp("inc"))
    build(root / "content", root / "inc", search=False, jobs=1)
    rng = random.Random(seed)
    for step, kind in enumerate(kinds):
        edit(kind, root, rng)
        _check_step(root, step, search=False)


def test_a_site_template_that_reads_the_catalog_stays_correct(tmp_path: Path) -> None:
    """The case that once gave 195 stale files: a footer showing a whole-site count, then a new digest."""
    root = _fresh_site(tmp_path)
    edit("site-template", root, random.Random(0))
    build(root / "content", root / "inc", search=False, jobs=1)
    edit("add-digest", root, random.Random(3))
    after = build(root / "content", root / "inc", search=False, jobs=1)
    build(root / "content", root / "full", search=False, incremental=False, jobs=1)
    assert after.incremental and tree(root / "inc") == tree(root / "full")
    assert "3 digests so far" in (root / "inc" / "about" / "index.html").read_text(encoding="utf-8")


def test_noop_rebuild_renders_nothing_and_one_note_renders_little(tmp_path: Path) -> None:
    root = _fresh_site(tmp_path)
    first = build(root / "content", root / "inc", search=False)
    again = build(root / "content", root / "inc", search=False)
    assert again.incremental and again.rendered == 0 and again.removed == 0
    edit("note", root, random.Random(1))
    after = build(root / "content", root / "inc", search=False)
    assert after.incremental and 0 < after.rendered < first.rendered / 2


def _age(root: Path, seconds: int = 60) -> None:
    """Make every input look older, as files are between a curator's edits."""
    past = 1_700_000_000
    for folder in (root / "content", root / "themes"):
        for path in folder.rglob("*"):
            os.utime(path, (past, past))


def test_up_to_date_check_skips_work_and_notices_every_kind_of_change(tmp_path: Path) -> None:
    root = _fresh_site(tmp_path)
    _age(root)
    first = build(root / "content", root / "inc", search=False)
    fast = build(root / "content", root / "inc", search=False)
    assert "check" in fast.timings and "plan" not in fast.timings  # answered from the stamp
    assert (fast.pages, fast.papers, fast.digests) == (first.pages, first.papers, first.digests)
    # an edited input, even with an old timestamp, is noticed through its size or time
    note = root / "content" / "digests" / "2024-10-25.yaml"
    note.write_text(note.read_text(encoding="utf-8").replace("Read *this* first.", "Read this first, really."),
                    encoding="utf-8")
    os.utime(note, (1_700_000_100, 1_700_000_100))
    after = build(root / "content", root / "inc", search=False)
    assert "plan" in after.timings and after.rendered > 0
    build(root / "content", root / "full", search=False, incremental=False)
    assert tree(root / "inc") == tree(root / "full")
    # a deleted output file is noticed and restored
    (root / "inc" / "about" / "index.html").unlink()
    _age(root)
    repaired = build(root / "content", root / "inc", search=False)
    assert "plan" in repaired.timings  # noticed: not answered from the up-to-date stamp
    assert (root / "inc" / "about" / "index.html").is_file() and tree(root / "inc") == tree(root / "full")
    # a template change is an input too
    partial = root / "themes" / "default" / "templates" / "partials" / "paper_meta.html"
    partial.write_text(partial.read_text(encoding="utf-8") + "\n<!-- changed -->\n", encoding="utf-8")
    os.utime(partial, (1_700_000_200, 1_700_000_200))
    changed = build(root / "content", root / "inc", search=False)
    assert changed.rendered > 0


def test_a_restored_cache_after_a_fresh_checkout_stays_correct(tmp_path: Path) -> None:
    """CI restores output/ and .digest-cache into a fresh checkout, where every mtime is new."""
    root = _fresh_site(tmp_path)
    build(root / "content", root / "inc", search=False, jobs=1)
    edit("note", root, random.Random(5))
    later = 1_900_000_000
    for path in (root / "content").rglob("*"):
        os.utime(path, (later, later))
    after = build(root / "content", root / "inc", search=False, jobs=1)
    build(root / "content", root / "full", search=False, incremental=False, jobs=1)
    assert after.incremental and 0 < after.rendered < after.files
    assert tree(root / "inc") == tree(root / "full")


def test_the_spare_tree_is_reused_and_a_half_updated_one_is_never_trusted(tmp_path: Path) -> None:
    """After a swap the previous tree waits beside the output; the next build updates only what
    changed in it. A build killed while updating it leaves it without its marker: never reused."""
    root = _fresh_site(tmp_path)
    build(root / "content", root / "inc", search=False, jobs=1)
    edit("note", root, random.Random(11))
    build(root / "content", root / "inc", search=False, jobs=1)
    spare = root / ".inc.digest-spare"
    assert (spare / ".digest-site").is_file()
    edit("note", root, random.Random(12))
    after = build(root / "content", root / "inc", search=False, jobs=1)
    assert after.rendered < after.files / 2
    build(root / "content", root / "full", search=False, incremental=False, jobs=1)
    assert tree(root / "inc") == tree(root / "full")
    (spare / ".digest-site").unlink()  # as a killed build leaves it
    (spare / "index.html").write_text("stale", encoding="utf-8")
    edit("note", root, random.Random(13))
    build(root / "content", root / "inc", search=False, jobs=1)
    build(root / "content", root / "full", search=False, incremental=False, jobs=1)
    assert tree(root / "inc") == tree(root / "full")


def test_a_no_op_rebuild_imports_no_rendering_code(tmp_path: Path) -> None:
    """The up-to-date check answers before Jinja, the model or the site code is imported."""
    root = _fresh_site(tmp_path)
    _age(root)
    build(root / "content", root / "out", search=False)
    code = ("import sys; from pathlib import Path; from generator.build import build; "
            f"r = build(Path({str(root / 'content')!r}), Path({str(root / 'out')!r}), search=False); "
            "loaded = [m for m in ('jinja2', 'markdown_it', 'generator.build.recipe', 'generator.site.pages') "
            "if m in sys.modules]; print('check' in r.timings, loaded)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONPATH": str(REPO)}).stdout
    assert out.strip() == "True []"
    # and a file removed from the output is still noticed (folders_stamp)
    (root / "out" / "about" / "index.html").unlink()
    assert "plan" in build(root / "content", root / "out", search=False).timings
    assert (root / "out" / "about" / "index.html").is_file()


def test_keys_computed_in_forked_workers_match_one_process(tmp_path: Path) -> None:
    """The writer's workers compute the keys of the files they place. On a site large enough to
    fork them, an edit rebuilt with two workers renders exactly the files one process renders,
    and gives the bytes of a clean full build: a key never depends on the process computing it."""
    sites = {}
    for jobs in (1, 2):
        root = tmp_path / f"jobs{jobs}"
        shutil.copytree(REPO / "content", root / "content")
        shutil.copytree(REPO / "themes", root / "themes")
        first = build(root / "content", root / "inc", search=False, jobs=jobs)
        assert first.files >= 4 * 64  # enough outputs for run_map to fork two workers
        sites[jobs] = root
    for step, kind in enumerate(["note", "theme-css"]):  # a few files, then every page
        rendered = {}
        for jobs, root in sites.items():
            edit(kind, root, random.Random(step))
            rendered[jobs] = build(root / "content", root / "inc", search=False, jobs=jobs).rendered
        assert rendered[1] == rendered[2], f"step {step} ({kind}): {rendered}"
        assert tree(sites[1] / "inc") == tree(sites[2] / "inc")
    build(sites[2] / "content", sites[2] / "full", search=False, incremental=False, jobs=1)
    assert tree(sites[2] / "inc") == tree(sites[2] / "full")
