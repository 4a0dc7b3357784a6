"""Property-based tests: arbitrary text never raises anything but DigestError, the
slugger always yields a valid id, and import-then-load round-trips every field."""
from __future__ import annotations

import json
import os
import re
import tempfile
from datetime import date
from pathlib import Path

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from generator.content import ids, validate, yamlio
from generator.content.loader import load_site
from generator.diagnostics import DigestError
from generator.importers import Candidate, arxiv, hf_api, hf_page
from generator.importers.store import import_candidates

from .conftest import minimal_site

FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
TODAY = date(2026, 11, 22)

# text biased towards the structure each parser looks for
page_text = st.lists(st.one_of(
    st.sampled_from(["Daily Papers", "May 20", "Feb 29", "Sep 27, 2025 3", "  • 3 authors", "·", "google Google",
                     "", "\n", "new", "Subscribe", "Jan 1", "Dec 31, 1999"]),
    st.text(max_size=80)), max_size=30).map("\n".join)
yaml_text = st.lists(st.one_of(
    st.sampled_from(["date: 2024-10-25", "title: x", "curator: ada", "papers:", "  - paper: '2410.17243'",
                     "    note: |", "      *hi*", "    tags: [a, b]", "&a [1]", "*a", "- ", ": ", "? ", "!!str",
                     "'", '"', "{", "[", "\t", "#", "---", "...", "<<: *a", "%YAML 1.1"]),
    st.text(max_size=40)), max_size=25).map("\n".join)
json_values = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
                           lambda children: st.lists(children, max_size=4)
                           | st.dictionaries(st.sampled_from(["paper", "id", "title", "summary", "authors", "name",
                                                              "upvotes", "publishedAt", "organization",
                                                              "githubRepo", "projectPage"]), children, max_size=6),
                           max_leaves=25)


@FAST
@given(st.one_of(page_text, st.text()))
def test_hf_page_parser_only_raises_digest_error(text: str) -> None:
    try:
        candidates, _ = hf_page.parse(text, "page.txt", TODAY)
    except DigestError:
        return
    for c in candidates:
        assert c.title and c.digest_date is not None


@FAST
@given(st.one_of(json_values.map(json.dumps), st.text()))
def test_hf_api_parser_only_raises_digest_error(text: str) -> None:
    try:
        hf_api.parse(text, "api.json")
    except DigestError:
        pass


@FAST
@given(st.one_of(st.text(), st.builds(lambda body: f'<feed xmlns="http://www.w3.org/2005/Atom">{body}</feed>',
                                      st.text(max_size=200))))
def test_arxiv_parser_only_raises_digest_error(text: str) -> None:
    try:
        arxiv.parse(text, "q.atom")
    except DigestError:
        pass


@FAST
@given(st.one_of(yaml_text, st.text()))
def test_yaml_loader_only_raises_digest_error(text: str) -> None:
    try:
        yamlio.parse(text, "f.yaml")
    except DigestError as exc:
        assert exc.diagnostics and all(d.path == "f.yaml" for d in exc.diagnostics)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(yaml_text, st.binary(max_size=300).map(lambda b: b.decode("latin-1"))))
def test_content_loader_only_raises_digest_error(text: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        content = minimal_site(Path(tmp) / "content")
        (content / "digests" / "2024-10-25.yaml").write_bytes(text.encode("utf-8", "surrogatepass"))
        old = os.getcwd()
        os.chdir(tmp)
        try:
            load_site(Path("content"))
        except DigestError as exc:
            assert all(d.path.startswith("content") for d in exc.diagnostics)
        finally:
            os.chdir(old)


@settings(max_examples=1000, deadline=None)
@given(st.text())
def test_slugger_always_gives_a_valid_id(title: str) -> None:
    slug = ids.slugify(title)
    assert validate.PAPER_ID.fullmatch(slug) and len(slug) <= ids.MAX_ID
    other = ids.disambiguate(slug, title, "abstract")
    assert validate.PAPER_ID.fullmatch(other) and len(other) <= ids.MAX_ID and other != slug


@settings(max_examples=500, deadline=None)
@given(number=st.from_regex(r"[0-9]{4}\.[0-9]{4,5}", fullmatch=True), version=st.integers(1, 99),
       form=st.sampled_from(["{n}v{v}", "arXiv:{n}v{v}", "https://arxiv.org/abs/{n}v{v}",
                             "http://arxiv.org/pdf/{n}v{v}.pdf", "  {n}  ", "ARXIV:{n}"]))
def test_every_written_form_of_an_arxiv_id_is_one_paper(number: str, version: int, form: str) -> None:
    """However a source writes an arXiv id, it names one paper, whose id is a valid file and URL name."""
    value = ids.normalize_arxiv(form.format(n=number, v=version))
    assert value == number
    assert validate.PAPER_ID.fullmatch(ids.id_for_arxiv(value))


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=30))
def test_text_that_is_not_an_arxiv_id_is_never_taken_for_one(text: str) -> None:
    value = ids.normalize_arxiv(text)
    if value is not None:  # whatever is accepted names a real arXiv id form
        assert re.fullmatch(r"[0-9]{4}\.[0-9]{4,5}|[a-z-]+(\.[A-Za-z-]+)?/[0-9]{7}", value)


# text a source can really send: no control characters, surrogates or non-characters (those are refused)
TEXT = st.characters(blacklist_categories=("Cc", "Cs", "Cn"))
words = st.text(TEXT, min_size=1, max_size=60).filter(lambda s: s.strip())


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(title=words, abstract=st.text(TEXT, max_size=300),
       authors=st.lists(words, max_size=4), upvotes=st.none() | st.integers(0, 10**6),
       published=st.none() | st.dates(date(1990, 1, 1), date(2030, 12, 31)),
       org=st.none() | st.tuples(words, words))
def test_import_then_load_round_trips_every_field(title, abstract, authors, upvotes, published, org) -> None:
    assume(ids.title_key(title) not in {ids.title_key("Breaking the Memory Barrier"), ids.title_key("Another Paper")})
    with tempfile.TemporaryDirectory() as tmp:
        content = minimal_site(Path(tmp) / "content")
        candidate = Candidate({"title": title, "abstract": abstract, "authors": list(authors), "upvotes": upvotes,
                               "published": published.isoformat() if published else None,
                               "organization": {"name": org[0], "fullname": org[1]} if org else None,
                               "links": {"code": "https://example.org/x?a=1&b=<2>"}, "source": "property test"},
                              digest_date=date(2026, 1, 2))
        result = import_candidates(content, [candidate], curator="ada")
        old = os.getcwd()
        os.chdir(tmp)
        try:
            site, _ = load_site(Path("content"))
        finally:
            os.chdir(old)
        assert len(result.added) == 1 and not result.changed
        paper_id = result.added[0]
        paper = site.papers[paper_id]
        assert paper.title == title and paper.abstract == abstract
        assert list(paper.authors) == list(authors) and paper.upvotes == upvotes
        assert paper.published == published
        assert (paper.organization.name, paper.organization.fullname) == org if org else paper.organization is None
        assert paper.links.code == "https://example.org/x?a=1&b=<2>" and paper.source == "property test"
        assert site.digests[0].date == date(2026, 1, 2)
        assert [e.paper.id for e in site.digests[0].entries] == [paper_id]


def _truncate_whole(text: str, limit: int) -> str:
    """What a description is, read plainly: the whole text collapsed, then cut at a word."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    return (cut[: cut.rfind(" ")] if " " in cut[limit // 2:] else cut).rstrip(",;: ") + "…"


@FAST
@given(text=st.lists(st.one_of(st.text("ab,;:x\u3000", min_size=1, max_size=6),
                                st.text(" \n\t\u00a0", min_size=1, max_size=30)), max_size=80).map("".join),
       limit=st.integers(2, 60))
def test_truncate_reads_only_the_start_it_needs_and_cuts_where_the_whole_text_would(text: str, limit: int) -> None:
    from generator.site.markup import truncate
    got = truncate(text, limit)
    assert got == _truncate_whole(text, limit)
    assert len(got) <= limit
