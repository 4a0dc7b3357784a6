"""A corpus of broken and hostile inputs: each gets a clear, located error (or a
warning where the input is usable), exit code 1 for errors, no traceback, no file
written outside the output folder, and the previous output left intact."""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.build import build
from generator.cli import main
from generator.diagnostics import DigestError

from .conftest import DATA, REPO, minimal_site

D = "content/digests/2024-10-25.yaml"
P = "content/papers/2410/2410.18000.yaml"
HEAD = "date: 2024-10-25\ntitle: A day\ncurator: ada\n"
ENTRY = "papers:\n  - paper: '2410.17243'\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"


def digest(body: str) -> dict:
    return {D: HEAD + body}


# (name, files to write (None deletes), expected: "error" or "warning", text that must appear)
CONTENT_CASES = [
    ("billion laughs", {D: "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
                           "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"},
     "error", "2024-10-25.yaml:1:4: error: anchors and aliases"),
    ("deep flow nesting", {D: "a: " + "[" * 5000 + "]" * 5000 + "\n"}, "error", "2024-10-25.yaml:1:"),
    ("deep block nesting", {D: "".join("  " * i + f"k{i}:\n" for i in range(400)) + "  " * 400 + "v: 1\n"},
     "error", "2024-10-25.yaml:"),
    ("huge file", {D: HEAD + "intro: |\n" + ("  " + "x" * 98 + "\n") * 30_000}, "error", "file is too large"),
    ("binary file", {D: PNG}, "error", "not valid UTF-8"),
    ("latin-1 file", {D: (HEAD + "intro: Café\n").encode("latin-1")}, "error", "2024-10-25.yaml:4:11: error: file is not valid UTF-8"),
    ("NUL byte", {D: HEAD + "intro: a\x00b\n"}, "error", "NUL byte"),
    ("empty digest", {D: ""}, "error", "digest file is empty"),
    ("only comments", {D: "# nothing\n# here\n"}, "error", "digest file is empty"),
    ("two documents", {D: HEAD + "---\n" + HEAD}, "error", "YAML syntax error"),
    ("python object tag", {D: HEAD + "intro: !!python/object/apply:os.system ['true']\n"}, "error",
     "could not determine a constructor"),
    ("unknown local tag", {D: HEAD + "intro: !evil x\n"}, "error", "YAML syntax error"),
    ("tabs", {D: HEAD + "papers:\n\t- paper: x\n"}, "error", "not tabs"),
    ("duplicate keys", {D: HEAD + "title: Again\n"}, "error", "duplicate key 'title'"),
    ("duplicate nested keys", {D: HEAD + "papers:\n  - paper: '2410.17243'\n    pick: true\n    pick: false\n"},
     "error", "duplicate key 'pick'"),
    ("merge key", {D: HEAD + "x: &x {a: 1}\n<<: *x\n"}, "error", "2024-10-25.yaml:"),
    ("unhashable key", {D: HEAD + "[a, b]: c\n"}, "error", "2024-10-25.yaml:4:"),
    ("number key", {D: HEAD + "1: x\n" + ENTRY}, "error", "unknown key '1'"),
    ("title is a number", {D: "date: 2024-10-25\ntitle: 5\ncurator: ada\n" + ENTRY}, "error", "'title' must be text"),
    ("curator is a list", {D: "date: 2024-10-25\ntitle: T\ncurator: [ada]\n" + ENTRY}, "error", "'curator' must be text"),
    ("papers is a mapping", digest("papers: {a: b}\n"), "error", "'papers' must be a list"),
    ("intro is a mapping", digest("intro: {x: 1}\n" + ENTRY), "error", "'intro' must be text"),
    ("pick is a string", digest(ENTRY + "    pick: 'true'\n"), "error", "'pick' must be true or false"),
    ("tags are numbers", digest(ENTRY + "    tags: [1, 2]\n"), "error", "tag must be text"),
    ("note is a number", digest(ENTRY + "    note: 42\n"), "error", "'note' must be text"),
    ("override is text", digest(ENTRY + "    override: x\n"), "error", "'override' must be a mapping"),
    ("date is a number", {D: "date: 20241025\ntitle: T\ncurator: ada\n" + ENTRY}, "error", "'date' must be text"),
    ("date 2026-02-30", {"content/digests/2026-02-30.yaml": "date: 2026-02-30\ntitle: T\ncurator: ada\n" + ENTRY},
     "error", "'date' '2026-02-30' is impossible"),
    ("date 2026-13-01", {"content/digests/2026-13-01.yaml": "date: 2026-13-01\ntitle: T\ncurator: ada\n" + ENTRY},
     "error", "is impossible"),
    ("null title", {D: "date: 2024-10-25\ntitle:\ncurator: ada\n" + ENTRY}, "error", "required key 'title' is empty"),
    ("paper id with ../", digest("papers:\n  - paper: ../../etc/passwd\n"), "error", "is not a valid paper id"),
    ("absolute paper id", digest("papers:\n  - paper: /etc/passwd\n"), "error", "is not a valid paper id"),
    ("percent-encoded id", digest("papers:\n  - paper: '%2e%2e%2fetc'\n"), "error", "is not a valid paper id"),
    ("tag with ../", digest(ENTRY + "    tags: ['../../x']\n"), "error", "tag '../../x' is not a valid name"),
    ("tag %2e%2e", digest(ENTRY + "    tags: ['%2e%2e']\n"), "error", "tag '%2e%2e' is not a valid name"),
    ("tag with slash", digest(ENTRY + "    tags: [a/b]\n"), "error", "tag 'a/b' is not a valid name"),
    ("tag too long", digest(ENTRY + "    tags: [" + "a" * 100 + "]\n"), "error", "is not a valid name"),
    ("uppercase tag", digest(ENTRY + "    tags: [LLM]\n"), "error", "write it as 'llm'"),
    ("unknown paper", digest("papers:\n  - paper: '2410.99999'\n"), "error", "unknown paper id '2410.99999'"),
    ("same paper twice", digest(ENTRY + "  - paper: '2410.17243'\n"), "error", "listed twice"),
    ("unknown curator", {D: "date: 2024-10-25\ntitle: T\ncurator: mallory\n" + ENTRY}, "error",
     "unknown curator 'mallory'"),
    ("note too long", digest(ENTRY + "    note: '" + "x" * 25_000 + "'\n"), "error", "'note' is too long"),
    ("title too long", {D: "date: 2024-10-25\ntitle: '" + "t" * 400 + "'\ncurator: ada\n" + ENTRY}, "error",
     "'title' is too long"),
    ("file name mismatch", {"content/digests/2024-10-26.yaml": HEAD + ENTRY}, "error", "does not match the file name"),
    ("file name traversal-like", {"content/digests/x..%2f.yaml": HEAD + ENTRY}, "error", "is not a digest file name"),
    ("javascript: link in note", digest(ENTRY + "    note: '[x](javascript:alert(1))'\n"), "warning",
     "link 'javascript:alert(1)' is not http(s) or relative"),
    ("data: link in intro", digest("intro: '<a href=\"data:text/html,x\">x</a>'\n" + ENTRY), "warning",
     "link 'data:text/html,x'"),
    ("script in note", digest(ENTRY + "    note: '<script>alert(1)</script>'\n"), "ok", ""),
    ("BOM and CRLF", {D: ("\ufeff" + HEAD + ENTRY).replace("\n", "\r\n")}, "ok", ""),
    ("record javascript: link", {P: "id: '2410.18000'\ntitle: X\nlinks:\n  pdf: javascript:alert(1)\n"}, "error",
     "'pdf' must be an http(s) URL"),
    ("record data: link", {P: "id: '2410.18000'\ntitle: X\nlinks:\n  code: 'data:text/html,<script>'\n"}, "error",
     "'code' must be an http(s) URL"),
    ("record id traversal", {"content/papers/2410/x.yaml": "id: ../x\ntitle: X\n"}, "error", "is not a valid paper id"),
    ("record upvotes text", {P: "id: '2410.18000'\ntitle: X\nupvotes: many\n"}, "error", "'upvotes' must be a whole number"),
    ("record authors text", {P: "id: '2410.18000'\ntitle: X\nauthors: Ada\n"}, "error", "'authors' must be a list"),
    ("record published impossible", {P: "id: '2410.18000'\ntitle: X\npublished: '2026-02-30'\n"}, "error",
     "impossible"),
    ("record .yml", {"content/papers/2410/2410.18001.yml": "id: '2410.18001'\ntitle: X\n"}, "error", "must end in .yaml"),
    ("curator javascript: url", {"content/curators.yaml": "- id: ada\n  name: Ada\n  url: javascript:alert(1)\n"},
     "error", "'url' must be an http(s) URL"),
    ("curators not a list", {"content/curators.yaml": "ada: Ada\n"}, "error", "must be a list"),
    ("site javascript: base_url", {"content/site.yaml": "title: T\nbase_url: javascript:alert(1)\n"}, "error",
     "'base_url' must be an http(s) URL"),
    ("site theme traversal", {"content/site.yaml": "title: T\nbase_url: https://x.org/\ntheme: ../../etc\n"},
     "error", "is not a theme folder name"),
    ("site timezone", {"content/site.yaml": "title: T\nbase_url: https://x.org/\ntimezone: ../../etc/passwd\n"},
     "error", "is not a known time zone"),
    ("site missing", {"content/site.yaml": None}, "error", "site settings file is missing"),
    ("page reserved name", {"content/pages/api.md": "---\ntitle: API\n---\nx\n"}, "error", "taken by a section"),
    ("page traversal name", {"content/pages/x..%2f.md": "---\ntitle: X\n---\nx\n"}, "error", "not URL-safe"),
    ("page without front matter", {"content/pages/about.md": "# About\n"}, "error", "no front matter"),
    ("page javascript: link", {"content/pages/about.md": "---\ntitle: About\n---\n[x](javascript:alert(1))\n"},
     "warning", "link 'javascript:alert(1)'"),
    # special files and symlinks: only regular files inside content/ are read
    ("digest is a FIFO", {"content/digests/2024-11-01.yaml": lambda p: os.mkfifo(p)}, "error",
     "is a FIFO (named pipe), not a regular file"),
    ("digest links to /dev/zero", {"content/digests/2024-11-01.yaml": lambda p: p.symlink_to("/dev/zero")}, "error",
     "is a symlink that leads out of content"),
    ("digest is a folder", {"content/digests/2024-11-01.yaml": lambda p: p.mkdir()}, "error", "is a folder"),
    ("digests/ is a file", {"content/digests/2024-10-25.yaml": None, "content/digests": lambda p: (
        p.rmdir(), p.write_text("x"))}, "error", "content/digests: error: is a file, not a folder"),
    ("page links to /etc/passwd", {"content/pages/notes.md": lambda p: p.symlink_to("/etc/passwd")}, "error",
     "content/pages/notes.md: error: is a symlink that leads out of content"),
    ("static file links out", {"content/static/notes.txt": lambda p: p.symlink_to("/etc/passwd")}, "error",
     "content/static/notes.txt: error: is a symlink that leads out of content"),
    ("record links out", {"content/papers/2410/2410.18001.yaml": lambda p: p.symlink_to("/etc/hostname")}, "error",
     "is a symlink that leads out of content"),
    ("template links out", {"content/templates/base.html": lambda p: p.symlink_to("/etc/passwd")}, "error",
     "content/templates/base.html: error: is a symlink that leads out of content"),
    ("symlink inside content is fine", {"content/pages/about.md": "---\ntitle: About\n---\nHi\n",
                                        "content/pages/info.md": lambda p: p.symlink_to("about.md")}, "ok", ""),
    # characters XML and HTML refuse, however they are written
    ("control char as YAML escape", {D: 'date: 2024-10-25\ntitle: "a\\x01b"\ncurator: ada\n' + ENTRY}, "error",
     "2024-10-25.yaml:2:8: error: 'title' contains the control character U+0001"),
    ("NUL as YAML escape", digest('intro: "a\\0b"\n' + ENTRY), "error", "contains the control character U+0000"),
    ("non-character as YAML escape", digest(ENTRY + '    note: "x\\uFFFE"\n'), "error", "U+FFFE"),
    ("lone surrogate escape", digest('intro: "\\uD800"\n' + ENTRY), "error", "2024-10-25.yaml:4:"),
    ("raw C1 control", {D: (HEAD + ENTRY + "    note: a\u0085b\n")}, "error", "2024-10-25.yaml:"),
    ("control char in a page", {"content/pages/about.md": "---\ntitle: About\n---\nx\x07y\n"}, "error",
     "about.md:4:1: error: the page contains the control character U+0007"),
    # numbers and tags beyond what any field holds
    ("4,400-digit upvotes", {P: "id: '2410.18000'\ntitle: X\nupvotes: " + "9" * 4400 + "\n"}, "error",
     "2410.18000.yaml:3:10: error: number with 4,400 characters is too large"),
    ("4,000 hex digits", {P: "id: '2410.18000'\ntitle: X\nupvotes: 0x" + "f" * 4000 + "\n"}, "error",
     "too large"),
    ("huge upvotes", {P: "id: '2410.18000'\ntitle: X\nupvotes: 10000000000000000\n"}, "error",
     "'upvotes' must be at most"),
    ("!!timestamp 2026-02-30", {D: "date: !!timestamp 2026-02-30\ntitle: T\ncurator: ada\n" + ENTRY}, "error",
     "2024-10-25.yaml:1:7: error: YAML syntax error: could not determine a constructor"),
    ("!!binary", digest("intro: !!binary aGVsbG8=\n" + ENTRY), "error", "could not determine a constructor"),
    ("~ as a key", {D: HEAD + "~: x\n" + ENTRY}, "error", "2024-10-25.yaml:4:1: error: unknown key '~'"),
    ("true as a key", {D: HEAD + "true: x\n" + ENTRY}, "error", "2024-10-25.yaml:4:1: error: unknown key 'true'"),
    ("newline in a key", {D: HEAD + '"a\\nb": x\n' + ENTRY}, "error", "unknown key 'a b'"),
    ("tag with a newline", digest(ENTRY + '    tags: ["memory\\n"]\n'), "error", "tag 'memory ' is not a valid name"),
    ("null override", digest(ENTRY + "    override: {title: null}\n"), "ok", ""),
    ("paper id claims the feed", {"content/papers/t-fe/feed.xml.yaml": "id: feed.xml\ntitle: F\n",
                                  D: HEAD + "papers:\n  - paper: feed.xml\n"}, "error",
     "'papers/feed.xml' is both a file (a feed) and the folder of 'papers/feed.xml/index.html'"),
    # pathological Markdown renders in linear time
    ("800 nested bullets", digest(ENTRY + "    note: '" + "- " * 800 + "'\n"), "ok", ""),
    ("800 nested numbers", digest(ENTRY + "    note: '" + "1. " * 800 + "'\n"), "ok", ""),
    ("8,000 brackets", digest(ENTRY + "    note: '" + "[" * 8000 + "'\n"), "ok", ""),
    ("disguised javascript: link", digest(ENTRY + "    note: '[x](jav&#x61;script:alert(1))'\n"), "warning",
     "link 'javascript:alert(1)' is not http(s) or relative"),
    ("tab-split javascript: link", digest(ENTRY + "    note: '[x](jav&#x09;ascript:alert(1))'\n"), "warning",
     "link 'jav%09ascript:alert(1)' is not http(s) or relative"),
    ("protocol-relative link", digest(ENTRY + "    note: '[x](//evil.example/x)'\n"), "warning",
     "link '//evil.example/x' is not http(s) or relative"),
    # templates come from forks: sandboxed, and their mistakes are located
    ("template runs a shell command", {"content/templates/base.html":
        "{{ cycler.__init__.__globals__.os.system('touch pwned') }}"}, "error",
     "content/templates/base.html:1:1: error: not allowed in a template"),
    ("template modifies data", {"content/templates/base.html": "{{ menu_pages.__len__() }}"}, "error",
     "not allowed in a template"),
    ("template formats its way out", {"content/templates/base.html": "{{ '{0.__class__}'.format(page_path) }}"},
     "error", "not allowed in a template"),
    ("template changes the catalog through the dict class", {"content/templates/base.html":
        "{{ dict.setdefault(catalog.site.curators, page_path, 1) }}"}, "error", "not allowed in a template"),
    ("template empties related papers through the dict class", {"content/templates/base.html":
        "{{ dict.clear(catalog.related) }}"}, "error", "not allowed in a template"),
    ("template calls a list's method", {"content/templates/base.html": "{{ feeds.index(feeds[0]) }}{{ []"
                                        ".append(1) }}"}, "error", "not allowed in a template"),
    ("template syntax error", {"content/templates/base.html": "line one\n{% if %}\n"}, "error",
     "content/templates/base.html:2:1: error: template syntax error"),
    ("template undefined name", {"content/templates/base.html": "{{ nothing_here }}"}, "error",
     "content/templates/base.html:1:1: error: undefined in template: 'nothing_here' is undefined"),
    ("template missing include", {"content/templates/base.html": "x\n{% include 'nope.html' %}"}, "error",
     "content/templates/base.html:2:1: error: template 'nope.html' not found"),
    ("template includes itself", {"content/templates/partials/entry.html": "{% include 'partials/entry.html' %}"},
     "error", "content/templates/partials/entry.html:1:1: error: templates include or extend each other"),
    ("non-UTF-8 CSS", {"content/static/css/x.css": b"body{content:'\xff'}"}, "error",
     "content/static/css/x.css:1:15: error: file is not valid UTF-8"),
    ("theme without templates", {"themes/empty/theme.yaml": "name: empty\n",
                                 "content/site.yaml": "title: T\nbase_url: https://x.org/\ntheme: empty\n"},
     "error", "themes/empty: error: theme 'empty' has no template 'index.html'"),
]


def _snapshot(root: Path) -> dict[str, str]:
    """Every file outside output/ and the build cache, with its hash."""
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()
            and p.relative_to(root).parts[0] not in ("output", ".digest-cache", ".output.digest-spare")}


@pytest.fixture(scope="module")
def good_output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("good")
    minimal_site(root / "content")
    shutil.copytree(REPO / "themes", root / "themes")
    build(root / "content", root / "output", search=False)
    return root


def _apply(root: Path, files: dict) -> None:
    for rel, data in files.items():
        path = root / rel
        if data is None:
            path.unlink()
            continue
        if callable(data):  # a special file: a FIFO, a symlink, a folder
            path.parent.mkdir(parents=True, exist_ok=True)
            data(path)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))


def test_corpus_is_large_enough() -> None:
    assert len(CONTENT_CASES) + len(IMPORT_CASES) >= 120


@pytest.mark.parametrize("name,files,expected,text", CONTENT_CASES, ids=[c[0] for c in CONTENT_CASES])
def test_hostile_content(good_output: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str,
                         files: dict, expected: str, text: str) -> None:
    root = tmp_path / "site"
    shutil.copytree(good_output, root)
    _apply(root, files)
    before_output = {p.relative_to(root).as_posix(): p.read_bytes() for p in (root / "output").rglob("*")
                     if p.is_file()}
    before = _snapshot(root)
    monkeypatch.chdir(root)
    result = CliRunner().invoke(main, ["build", "--no-search"])
    output = result.output
    assert "Traceback" not in output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert _snapshot(root) == before  # nothing written outside output/
    assert not [p for p in root.iterdir() if p.name.startswith((".output.digest-new", ".output.digest-old"))]
    if expected == "error":
        assert result.exit_code == 1, output
        assert text in output, output
        assert "output was left as it was" in output
        after = {p.relative_to(root).as_posix(): p.read_bytes() for p in (root / "output").rglob("*") if p.is_file()}
        assert after == before_output
    else:
        assert result.exit_code == 0, output
        if expected == "warning":
            assert f"warning: {text}" in output, output
        html = "\n".join(p.read_text(encoding="utf-8") for p in (root / "output").rglob("*.html"))
        assert "javascript:" not in html and "<script>alert" not in html


SEED = (DATA / "seeds" / "000_f9d6158a463791a8.txt").read_text(encoding="utf-8")
API = (DATA / "hf" / "daily_papers_2024-10-25.json").read_text(encoding="utf-8")

# (name, format, source text or bytes, expected, text)
IMPORT_CASES = [
    ("hf-api HTML error page", "hf-api", "<!DOCTYPE html><html><body><h1>502 Bad Gateway</h1></body></html>",
     "error", "expected JSON but got an HTML"),
    ("hf-api truncated JSON", "hf-api", API[: len(API) // 2], "error", "invalid JSON"),
    ("hf-api empty list", "hf-api", "[]", "ok", "imported 0 papers"),
    ("hf-api object", "hf-api", '{"error": "Invalid username or password."}', "error", "the API returned an error"),
    ("hf-api list of garbage", "hf-api", '[1, "x", {"paper": 5}, {"paper": {"id": "2410.1"}}]', "warning",
     "not a usable paper"),
    ("hf-api javascript: github link", "hf-api",
     json.dumps([{**json.loads(API)[0], "paper": {**json.loads(API)[0]["paper"], "githubRepo": "javascript:alert(1)"}}]),
     "warning", "githubRepo 'javascript:alert(1)' is not an http(s) URL; dropped"),
    ("hf-api deep nesting", "hf-api", "[" * 100_000 + "]" * 100_000, "error", "JSON"),
    ("hf-api binary", "hf-api", PNG, "error", "not valid UTF-8"),
    ("hf-page cut mid-paper", "hf-page", SEED[: SEED.index("Langevin Flows") + 200], "warning", "cut off"),
    ("hf-page empty", "hf-page", "", "error", "no papers found on the page"),
    ("hf-page binary", "hf-page", PNG, "error", "not valid UTF-8"),
    ("hf-page HTML", "hf-page", "<html><body>Daily Papers</body></html>", "error", "no papers found on the page"),
    ("hf-page impossible date", "hf-page", "Daily Papers\n\nFeb 30\n\nT\n\nA\n", "error", "impossible"),
    ("arxiv entity bomb", "arxiv", '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
     '<!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><feed xmlns="http://www.w3.org/2005/Atom">&lol2;</feed>', "error",
     "DTD or entities"),
    ("arxiv truncated", "arxiv", (DATA / "arxiv" / "query.atom").read_text(encoding="utf-8")[:900], "error",
     "invalid XML"),
    ("arxiv not atom", "arxiv", "<html><body>Rate exceeded.</body></html>", "error", "expected an Atom feed"),
]


@pytest.mark.parametrize("name,fmt,source,expected,text", IMPORT_CASES, ids=[c[0] for c in IMPORT_CASES])
def test_hostile_import_sources(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, fmt: str, source,
                                expected: str, text: str) -> None:
    minimal_site(tmp_path / "content")
    src = tmp_path / "source.txt"
    src.write_bytes(source if isinstance(source, bytes) else source.encode("utf-8"))
    before = _snapshot(tmp_path)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["import", fmt, str(src), "--date", "2024-10-25"])
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert text in result.output, result.output
    if expected == "error":
        assert result.exit_code == 1
        assert _snapshot(tmp_path) == before  # nothing imported, nothing half-written
    else:
        assert result.exit_code == 0
        check = CliRunner().invoke(main, ["check"])
        assert check.exit_code == 0, check.output
        records = "\n".join(p.read_text(encoding="utf-8") for p in (tmp_path / "content" / "papers").rglob("*.yaml"))
        assert "javascript:" not in records


def test_an_import_source_that_is_a_fifo_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    minimal_site(tmp_path / "content")
    os.mkfifo(tmp_path / "pipe")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["import", "hf-page", "pipe", "--date", "2024-10-25"])
    assert result.exit_code == 1 and "pipe: error: is a FIFO (named pipe), not a regular file" in result.output


def test_a_server_that_sends_a_byte_at_a_time_hits_the_deadline() -> None:
    import http.server
    import threading
    import time

    from generator.importers.sources import fetch

    class Drip(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            for _ in range(100):  # bounded: at most 20 s, far past the deadline
                try:
                    self.wfile.write(b" ")
                    self.wfile.flush()
                except OSError:
                    return
                time.sleep(0.2)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Drip)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with pytest.raises(DigestError) as info:  # without the deadline, 20 s of spaces would arrive whole
            fetch(f"http://127.0.0.1:{server.server_address[1]}/", deadline=1.0)
        assert "did not send the whole response within 1 s" in info.value.diagnostics[0].message
    finally:
        server.shutdown()
        server.server_close()


def test_a_meta_line_of_100k_spaces_imports_in_linear_time(tmp_path: Path) -> None:
    """A quadratic regex took a minute over 30,000 spaces; the run is bounded so a regression fails."""
    page = SEED.replace("  • 1 authors", " " * 100_000 + "x", 1)
    minimal_site(tmp_path / "content")
    (tmp_path / "page.txt").write_text(page, encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "generator", "import", "hf-page", "page.txt", "--date",
                             "2026-05-20"], cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(REPO)},
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("bom,newline", [(False, "\r\n"), (True, "\n"), (True, "\r\n")])
def test_an_import_keeps_a_digest_files_line_endings_and_bom(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                             bom: bool, newline: str) -> None:
    minimal_site(tmp_path / "content")
    path = tmp_path / "content" / "digests" / "2024-10-25.yaml"
    text = path.read_text(encoding="utf-8").replace("\n", newline)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    (tmp_path / "api.json").write_text(API, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["import", "hf-api", "api.json", "--date", "2024-10-25"])
    assert result.exit_code == 0, result.output
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") == bom
    body = raw.decode("utf-8").removeprefix("\ufeff")
    assert body.startswith(text) and body.count("- paper:") > 2
    if newline == "\r\n":
        assert "\n" not in body.replace("\r\n", "")  # no bare LF: the file's style, not a mix


def test_thousands_of_unknown_ids_are_reported_in_linear_time(tmp_path: Path) -> None:
    """2,000 unknown ids once took 49 s (a YAML parse and a fuzzy search per error); bounded here."""
    minimal_site(tmp_path / "content")
    entries = "".join(f"  - paper: '2410.{90000 + i}'\n" for i in range(2000))
    (tmp_path / "content" / "digests" / "2024-11-03.yaml").write_text(
        "date: 2024-11-03\ntitle: T\ncurator: ada\npapers:\n" + entries, encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "generator", "check"], cwd=tmp_path,
                            env={**os.environ, "PYTHONPATH": str(REPO)}, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1 and "2000 errors found" in result.stderr
    assert "2024-11-03.yaml:2004:12: error: unknown paper id '2410.91999'" in result.stderr
