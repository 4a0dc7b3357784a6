"""`digest check`: a table of broken inputs, each with the exact file, line, column and message."""
from __future__ import annotations

from pathlib import Path

import pytest

from generator.content.loader import load_site
from generator.diagnostics import DigestError

from .conftest import minimal_site

D = "digests/2024-10-25.yaml"
HEAD = "date: 2024-10-25\ntitle: A day\ncurator: ada\n"

CASES = [
    ('yaml syntax',
     {D: HEAD + 'papers:\n  - paper: 2410.17243\n   note: bad indent\n'},
     "digests/2024-10-25.yaml:6:4: error: YAML syntax error: while parsing a block collection did not find expected '-' indicator"),
    ('tab indent',
     {D: HEAD + 'papers:\n\t- paper: 2410.17243\n'},
     'digests/2024-10-25.yaml:5:1: error: YAML syntax error: while scanning for the next token found character that cannot start any token (hint: YAML indentation must use spaces, not tabs)'),
    ('duplicate key',
     {D: HEAD + 'title: Again\npapers:\n  - paper: 2410.17243\n'},
     "digests/2024-10-25.yaml:4:1: error: duplicate key 'title' (first defined on line 2) (hint: remove one of them; YAML would silently keep the last)"),
    ('duplicate entry key',
     {D: HEAD + 'papers:\n  - paper: 2410.17243\n    note: a\n    note: b\n'},
     "digests/2024-10-25.yaml:7:5: error: duplicate key 'note' (first defined on line 6) (hint: remove one of them; YAML would silently keep the last)"),
    ('unknown top key',
     {D: HEAD + 'intor: Hi\npapers:\n  - paper: 2410.17243\n'},
     "digests/2024-10-25.yaml:4:1: error: unknown key 'intor' (hint: did you mean 'intro'?)"),
    ('unknown entry key',
     {D: HEAD + 'papers:\n  - paper: 2410.17243\n    tgas: [a]\n'},
     "digests/2024-10-25.yaml:6:5: error: unknown key 'tgas' in paper entry (hint: did you mean 'tags'?)"),
    ('pick not bool',
     {D: HEAD + 'papers:\n  - paper: 2410.17243\n    pick: yes\n'},
     "digests/2024-10-25.yaml:6:11: error: 'pick' must be true or false, got text"),
    ('tags not list',
     {D: HEAD + 'papers:\n  - paper: 2410.17243\n    tags: memory\n'},
     "digests/2024-10-25.yaml:6:11: error: 'tags' must be a list, got text (hint: start each item on its own line with '- ')"),
    ('tag not slug',
     {D: HEAD + 'papers:\n  - paper: 2410.17243\n    tags: [Deep Learning]\n'},
     "digests/2024-10-25.yaml:6:12: error: tag 'Deep Learning' is not a valid name (hint: write it as 'deep-learning')"),
    ('tag traversal',
     {D: "date: 2024-10-25\ntitle: A day\ncurator: ada\npapers:\n  - paper: 2410.17243\n    tags: ['../etc']\n"},
     "digests/2024-10-25.yaml:6:12: error: tag '../etc' is not a valid name (hint: write it as 'etc')"),
    ('tag repeated',
     {D: HEAD + 'papers:\n  - paper: 2410.17243\n    tags: [a, a]\n'},
     'digests/2024-10-25.yaml:6:11: error: a tag is repeated (hint: list each tag once)'),
    ('impossible date',
     {'digests/2026-02-30.yaml': 'date: 2026-02-30\ntitle: A\ncurator: ada\npapers:\n  - paper: 2410.17243\n'},
     "digests/2026-02-30.yaml:1:7: error: 'date' '2026-02-30' is impossible (day is out of range for month) (hint: check the day and month)"),
    ('bad date format',
     {D: 'date: 25/10/2024\ntitle: A day\ncurator: ada\npapers:\n  - paper: 2410.17243\n'},
     "digests/2024-10-25.yaml:1:7: error: 'date' '25/10/2024' is not a date (hint: write dates as YYYY-MM-DD, e.g. 2026-05-20)"),
    ('date mismatch',
     {D: 'date: 2024-10-26\ntitle: A day\ncurator: ada\npapers:\n  - paper: 2410.17243\n'},
     "digests/2024-10-25.yaml:1:7: error: date 2024-10-26 does not match the file name '2024-10-25.yaml' (hint: rename the file to 2024-10-26.yaml or fix the date)"),
    ('bad file name',
     {'digests/oct-25.yaml': HEAD + 'papers: []\n'},
     "digests/oct-25.yaml: error: 'oct-25.yaml' is not a digest file name (hint: name digest files YYYY-MM-DD.yaml, after the digest's date)"),
    ('unknown paper',
     {D: HEAD + 'papers:\n  - paper: 2410.17234\n'},
     "digests/2024-10-25.yaml:5:12: error: unknown paper id '2410.17234' (hint: did you mean '2410.17243'?)"),
    ('paper twice',
     {D: HEAD + 'papers:\n  - paper: 2410.17243\n  - paper: 2410.18000\n  - paper: 2410.17243\n'},
     "digests/2024-10-25.yaml:7:12: error: paper '2410.17243' is listed twice in this digest (hint: it is already listed on line 5; remove one)"),
    ('unknown curator',
     {D: 'date: 2024-10-25\ntitle: A day\ncurator: adaa\npapers:\n  - paper: 2410.17243\n'},
     "digests/2024-10-25.yaml:3:10: error: unknown curator 'adaa' (hint: did you mean 'ada'?)"),
    ('empty title',
     {D: "date: 2024-10-25\ntitle: ''\ncurator: ada\npapers:\n  - paper: 2410.17243\n"},
     "digests/2024-10-25.yaml:2:8: error: required key 'title' is empty (hint: write a value, e.g. title: Memory, geometry and spiking networks)"),
    ('missing curator',
     {D: 'date: 2024-10-25\ntitle: A day\npapers:\n  - paper: 2410.17243\n'},
     "digests/2024-10-25.yaml:1:1: error: required key 'curator' is missing (hint: add 'curator: your-id')"),
    ('papers not list',
     {D: HEAD + 'papers: 2410.17243\n'},
     "digests/2024-10-25.yaml:4:9: error: 'papers' must be a list, got text (hint: start each item on its own line with '- ')"),
    ('entry not mapping',
     {D: HEAD + 'papers:\n  - 2410.17243\n'},
     "digests/2024-10-25.yaml:5:5: error: paper entry must be a mapping of keys, got text (hint: write entries as '- paper: 2410.17243')"),
    ('paper id int',
     {D: HEAD + 'papers:\n  - paper: 2410\n'},
     "digests/2024-10-25.yaml:5:12: error: paper id must be text, got a number (hint: put it in quotes: '2410')"),
    ('paper id unsafe',
     {D: HEAD + 'papers:\n  - paper: ../../etc/passwd\n'},
     "digests/2024-10-25.yaml:5:12: error: paper id '../../etc/passwd' is not a valid paper id (hint: ids use only a-z, 0-9, '.' and '-', at most 80 characters)"),
    ('note not text',
     {D: HEAD + 'papers:\n  - paper: 2410.17243\n    note: [a, b]\n'},
     "digests/2024-10-25.yaml:6:11: error: 'note' must be text, got a list"),
    ('override unknown',
     {D: HEAD + 'papers:\n  - paper: 2410.17243\n    override:\n      titel: X\n'},
     "digests/2024-10-25.yaml:7:7: error: unknown key 'titel' in 'override' (hint: did you mean 'title'?)"),
    ('not utf8',
     {D: b'date: 2024-10-25\ntitle: Caf\xe9\ncurator: ada\n'},
     'digests/2024-10-25.yaml:2:11: error: file is not valid UTF-8 (byte 0xe9) (hint: save the file as UTF-8)'),
    ('empty digest',
     {D: ''},
     "digests/2024-10-25.yaml:1:1: error: digest file is empty (hint: start from 'digest new DATE')"),
    ('digest is list',
     {D: '- a\n- b\n'},
     'digests/2024-10-25.yaml:1:1: error: the file must be a mapping of keys, got a list'),
    ('site missing base_url',
     {'site.yaml': 'title: T\n'},
     "site.yaml:1:1: error: required key 'base_url' is missing (hint: add 'base_url: https://example.org/')"),
    ('site bad url',
     {'site.yaml': 'title: T\nbase_url: example.org\n'},
     "site.yaml:2:11: error: 'base_url' must be an http(s) URL, got 'example.org' (hint: links must start with https:// or http://)"),
    ('site bad timezone',
     {'site.yaml': 'title: T\nbase_url: https://x.org/\ntimezone: Mars/Olympus\n'},
     "site.yaml:3:11: error: 'timezone' 'Mars/Olympus' is not a known time zone (use an IANA name such as Europe/Berlin or UTC)"),
    ('site feed limit',
     {'site.yaml': 'title: T\nbase_url: https://x.org/\nfeeds:\n  digests: 0\n'},
     "site.yaml:4:12: error: 'digests' must be at least 1, got 0"),
    ('site missing',
     {'site.yaml': None},
     "site.yaml: error: site settings file is missing (hint: create it with at least 'title:' and 'base_url:')"),
    ('curator dup',
     {'curators.yaml': '- id: ada\n  name: A\n- id: ada\n  name: B\n'},
     "curators.yaml:3:7: error: curator id 'ada' is listed twice (hint: give each curator a unique id)"),
    ('curator bad url',
     {'curators.yaml': '- id: ada\n  name: A\n  url: javascript:alert(1)\n'},
     "curators.yaml:3:8: error: 'url' must be an http(s) URL, got 'javascript:alert(1)' (hint: links must start with https:// or http://)"),
    ('record id mismatch',
     {'papers/2410/2410.18000.yaml': "id: '2410.18001'\ntitle: X\n"},
     "papers/2410/2410.18000.yaml:1:5: error: record id '2410.18001' does not match its file name '2410.18000.yaml' (hint: rename the file to 2410.18001.yaml or fix the id)"),
    ('record bad upvotes',
     {'papers/2410/2410.18000.yaml': "id: '2410.18000'\ntitle: X\nupvotes: -3\n"},
     "papers/2410/2410.18000.yaml:3:10: error: 'upvotes' must be at least 0, got -3"),
    ('record missing title',
     {'papers/2410/2410.18000.yaml': "id: '2410.18000'\nabstract: x\n"},
     "papers/2410/2410.18000.yaml:1:1: error: required key 'title' is missing"),
    ('record bad link',
     {'papers/2410/2410.18000.yaml': "id: '2410.18000'\ntitle: X\nlinks:\n  code: javascript:alert(1)\n"},
     "papers/2410/2410.18000.yaml:4:9: error: 'code' must be an http(s) URL, got 'javascript:alert(1)' (hint: links must start with https:// or http://)"),
    ('record dup id',
     {'papers/other/2410.18000.yaml': "id: '2410.18000'\ntitle: X\n"},
     "papers/other/2410.18000.yaml:1:5: error: paper id '2410.18000' is also defined in content/papers/2410/2410.18000.yaml (hint: keep one record per paper)"),
    ('alias bomb',
     {D: 'a: &a [x, x]\nb: &b [*a, *a]\ndate: 2024-10-25\ntitle: A day\ncurator: ada\n'},
     "digests/2024-10-25.yaml:1:4: error: anchors and aliases ('&name', '*name') are not allowed in content files (hint: repeat the value instead)"),
    ('page no front matter',
     {'pages/about.md': '# About\n'},
     "pages/about.md:1:1: error: page has no front matter (hint: start the file with '---', 'title: ...', '---')"),
    ('page bad front matter',
     {'pages/about.md': '---\ntitle: About\ntitel: x\n---\nBody\n'},
     "pages/about.md:3:1: error: unknown key 'titel' (hint: did you mean 'title'?)"),
]


@pytest.mark.parametrize("name,files,expected", CASES, ids=[c[0] for c in CASES])
def test_broken_input_is_reported_exactly(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str,
                                         files: dict, expected: str) -> None:
    content = minimal_site(tmp_path / "content", **{k: v for k, v in files.items() if not isinstance(v, bytes)})
    for rel, raw in files.items():
        if isinstance(raw, bytes):
            (content / rel).write_bytes(raw)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(DigestError) as info:
        load_site(Path("content"))
    errors = [d.format_text() for d in info.value.diagnostics if d.is_error]
    assert errors == ["content/" + expected]


def test_table_is_large_enough() -> None:
    assert len(CASES) >= 30


def test_a_file_with_a_schema_mistake_still_reports_its_unknown_paper_ids(tmp_path: Path) -> None:
    content = minimal_site(tmp_path / "content", **{"digests/2024-10-25.yaml": """\
        date: 2024-10-25
        title: A day
        curator: ada
        papers:
          - paper: '2410.17234'
          - paper: '2410.18000'
            tgas: [memory]
        """})
    with pytest.raises(DigestError) as info:
        load_site(content)
    messages = [(d.line, d.message) for d in info.value.diagnostics]
    assert (5, "unknown paper id '2410.17234'") in messages
    assert (7, "unknown key 'tgas' in paper entry") in messages
