"""generator.site.bibtex: full BibTeX entries and .bib files.

The parser check needs pybtex from PyPI (`pip install pybtex`); it is not a
dependency of digest, so that test skips without it.
"""
from __future__ import annotations

import re
from datetime import date

import pytest

from generator.content.model import Links, Organization, Paper
from generator.site.bibtex import (
    ascii_fold,
    bib_name,
    bibtex_entry,
    bibtex_file,
    citation_key,
    escape,
    protect_title,
    split_name,
    unique_keys,
)

TRICKY = Paper(id="2501.00001", title="Q&A for <Tricky> Models: 100% of $x_i$ ~ {braces} ^ \\ #1 GPT-4",
               authors=("José Álvarez", "Ludwig van der Berg", "Plato", "Martin Luther King Jr.", "Smith, John",
                        "Qwen Team"),
               author_count=9, published=date(2025, 1, 2), arxiv="2501.00001", category="cs.LG")
COUNT_ONLY = Paper(id="2510.12345", title="Deconstructing Attention", author_count=3, arxiv="2510.12345")
ORG_ONLY = Paper(id="longcat", title="The 2 Million Models & 50% More", organization=Organization("meituan-longcat", "LongCat"),
                 published=date(2026, 2, 1), links=Links(project="https://example.org/long cat/{x}"))
SAME_A = Paper(id="a", title="Attention Is All You Need", authors=("Ashish Vaswani", "Noam Shazeer"),
               published=date(2017, 6, 12))
SAME_B = Paper(id="b", title="Attention, Again", authors=("Ásh Vaswani",), published=date(2017, 1, 1))
SAME_C = Paper(id="c", title="attention!", authors=("K. Vaswani",), published=date(2017, 3, 1))
SPECIALS = "&%$#_{}~^\\"


def test_escape_every_special_character():
    assert escape(SPECIALS) == r"\&\%\$\#\_\{\}\textasciitilde{}\textasciicircum{}\textbackslash{}"
    assert escape("a  &\nb") == r"a \& b"


def test_title_braces_capitals_and_escapes():
    assert protect_title("Q&A for GPT-4 models") == r"{Q\&A} for {GPT-4} models"
    assert protect_title("#Hashtags & 50% of ~users") == r"{{\#Hashtags}} \& 50\% of \textasciitilde{}users"
    body = bibtex_entry(TRICKY)
    title = re.search(r"title\s+= \{(.*)\},\n", body).group(1)
    assert title.count("{") == title.count("}")
    for ch in "&%$#_":
        assert re.search(r"(?<!\\)" + re.escape(ch), title) is None, ch


@pytest.mark.parametrize("name, parts, bib", [
    ("José Álvarez", ("José", "", "Álvarez", ""), "Álvarez, José"),
    ("Ludwig van der Berg", ("Ludwig", "van der", "Berg", ""), "van der Berg, Ludwig"),
    ("Plato", ("", "", "Plato", ""), "Plato"),
    ("Martin Luther King Jr.", ("Martin Luther", "", "King", "Jr."), "King, Jr., Martin Luther"),
    ("Smith, John", ("John", "", "Smith", ""), "Smith, John"),
    ("de la Cruz, María", ("María", "de la", "Cruz", ""), "de la Cruz, María"),
    ("Jean-Paul Sartre", ("Jean-Paul", "", "Sartre", ""), "Sartre, Jean-Paul"),
    ("Vincent Van Gogh", ("Vincent Van", "", "Gogh", ""), "Gogh, Vincent Van"),  # capitalized: BibTeX's rule too
])
def test_names(name, parts, bib):
    assert split_name(name) == parts
    assert bib_name(name) == bib


def test_authors_field():
    body = bibtex_entry(TRICKY)
    assert ("author        = {Álvarez, José and van der Berg, Ludwig and Plato and King, Jr., Martin Luther and "
            "Smith, John and {Qwen Team} and others},") in body
    assert "author = {{LongCat}}," in bibtex_entry(ORG_ONLY)
    assert "author" not in bibtex_entry(COUNT_ONLY)


def test_arxiv_fields_and_url():
    body = bibtex_entry(TRICKY)
    for line in ("year          = {2025}", "eprint        = {2501.00001}", "archivePrefix = {arXiv}",
                 "primaryClass  = {cs.LG}", "url           = {https://arxiv.org/abs/2501.00001}"):
        assert line in body
    assert "year          = {2025}" in bibtex_entry(COUNT_ONLY)  # from the arXiv id when no date is known
    assert "url    = {https://example.org/long%20cat/%7Bx%7D}" in bibtex_entry(ORG_ONLY)
    assert "url" not in bibtex_entry(SAME_A)
    assert "url    = {https://digest.example.org/papers/a/}" in bibtex_entry(SAME_A, page_url="https://digest.example.org/papers/a/")
    site = bibtex_file([SAME_A, TRICKY], page_url=lambda p: f"https://digest.example.org/papers/{p.id}/")
    assert "{https://digest.example.org/papers/a/}" in site and "{https://arxiv.org/abs/2501.00001}" in site


def test_keys_never_anon():
    assert citation_key(TRICKY) == "alvarez2025tricky"
    assert citation_key(COUNT_ONLY) == "deconstructing2025attention"
    assert citation_key(ORG_ONLY) == "longcat2026million"
    assert citation_key(SAME_A) == "vaswani2017attention"
    assert ascii_fold("Łukasz Ørsted-Straße") == "lukaszorstedstrasse"
    assert citation_key(Paper(id="x", title="深度学习", authors=("王小明",))) == "paper"  # nothing foldable to ASCII
    assert citation_key(Paper(id="x", title="Scaling Laws", organization=Organization("2077AI"))) == "x2077aiscaling"
    for paper in (TRICKY, COUNT_ONLY, ORG_ONLY, SAME_A):
        key = citation_key(paper)
        assert re.fullmatch(r"[a-z][a-z0-9]*", key) and "anon" not in key


def test_collisions_get_suffixes_in_order():
    assert unique_keys([SAME_A, SAME_B, SAME_C]) == ["vaswani2017attention", "vaswani2017attentiona",
                                                      "vaswani2017attentionb"]
    assert unique_keys([SAME_C, SAME_A]) == ["vaswani2017attention", "vaswani2017attentiona"]
    text = bibtex_file([SAME_A, SAME_B, SAME_A, SAME_C])
    assert re.findall(r"^@misc\{(\w+),", text, re.MULTILINE) == ["vaswani2017attention", "vaswani2017attentiona",
                                                         "vaswani2017attentionb"]
    assert text.endswith("}\n") and "\n\n@misc" in text
    assert bibtex_file([SAME_A, SAME_B]) == bibtex_file([SAME_A, SAME_B])
    assert bibtex_file([]) == ""


def test_parses_with_pybtex():
    database = pytest.importorskip("pybtex.database", reason="needs pybtex from PyPI: pip install pybtex")
    papers = [TRICKY, COUNT_ONLY, ORG_ONLY, SAME_A, SAME_B, SAME_C]
    data = database.parse_string(bibtex_file(papers), "bibtex")  # strict: raises on any syntax error
    assert list(data.entries) == ["alvarez2025tricky", "deconstructing2025attention", "longcat2026million",
                                  "vaswani2017attention", "vaswani2017attentiona", "vaswani2017attentionb"]
    tricky = data.entries["alvarez2025tricky"]
    people = [(p.first_names, p.prelast_names, p.last_names, p.lineage_names) for p in tricky.persons["author"]]
    assert people == [(["José"], [], ["Álvarez"], []), (["Ludwig"], ["van", "der"], ["Berg"], []),
                      ([], [], ["Plato"], []), (["Martin"], [], ["King"], ["Jr."]), (["John"], [], ["Smith"], []),
                      ([], [], ["{Qwen Team}"], []), ([], [], ["others"], [])]
    assert tricky.persons["author"][3].middle_names == ["Luther"]
    assert tricky.fields["eprint"] == "2501.00001" and tricky.fields["archivePrefix"] == "arXiv"
    assert tricky.fields["primaryClass"] == "cs.LG" and tricky.fields["year"] == "2025"
    assert data.entries["longcat2026million"].persons["author"][0].last_names == ["{LongCat}"]
    assert "author" not in data.entries["deconstructing2025attention"].persons
