"""hf-page: every record of the four real seed pages, and pages it has never seen."""
from __future__ import annotations

import json
from datetime import date

import pytest

from generator.diagnostics import DigestError
from generator.importers import hf_page

from .conftest import DATA

TODAY = date(2026, 11, 22)
EXPECTED = json.loads((DATA / "seeds" / "expected.json").read_text(encoding="utf-8"))


def parse_seed(name: str, today: date = TODAY):
    return hf_page.parse((DATA / "seeds" / name).read_text(encoding="utf-8"), name, today)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_record_of_the_seed_pages(name: str) -> None:
    """expected.json was reviewed against the pages; the hand-read spot checks below pin it down."""
    candidates, warnings = parse_seed(name)
    assert warnings == []
    assert candidates[0].digest_date.isoformat() == EXPECTED[name]["page_date"]
    got = [{k: v for k, v in (("title", c.title), ("abstract", c.abstract), ("author_count", c.record.get("author_count")),
                              ("organization", c.record.get("organization")), ("published", c.record.get("published")),
                              ("upvotes", c.record.get("upvotes"))) if v is not None} for c in candidates]
    assert got == EXPECTED[name]["papers"]


def test_page_counts_match_the_page_structure() -> None:
    # paragraphs = chrome + date + 2 per paper + 1 per meta block (counted with grep)
    counts = {name: len(parse_seed(name)[0]) for name in EXPECTED}
    assert counts == {"000_f9d6158a463791a8.txt": 57, "001_448a272cd68fd523.txt": 50,
                      "003_4c35cf6bf607152b.txt": 52, "004_074c59e9e96003a7.txt": 84}


def by_title(name: str):
    return {c.title: c for c in parse_seed(name)[0]}


def test_hand_read_records_page_000() -> None:
    papers = by_title("000_f9d6158a463791a8.txt")
    first = papers["Geometric Phase Transition Enables Extreme Hippocampal Memory Capacity"]
    assert (first.record.get("author_count"), first.record.get("published"), first.record.get("upvotes")) == (1, "2026-05-15", 1)
    assert first.abstract.startswith("Memory systems can store vastly different amounts")
    assert first.abstract.endswith("engineering the geometry of the neural code itself.")
    snn = papers["Training Deep Normalization-Free Spiking Neural Networks with Lateral Inhibition"]
    assert (snn.record.get("author_count"), snn.record.get("published"), snn.record.get("upvotes")) == (3, "2025-09-27", None)
    iv = papers["Selective Machine Learning of the Average Treatment Effect with an Invalid Instrumental Variable"]
    assert iv.record.get("published") == "2019-07-27"
    # two papers on this page have no meta block
    dale = papers["Dale meets Langevin: A Multiplicative Denoising Diffusion Model"]
    assert (dale.record.get("author_count"), dale.record.get("published"), dale.record.get("upvotes"), dale.record.get("organization")) == (None, None, None, None)
    assert any("overwhelming statistical significance (p < 0.001)" in c.abstract for c in papers.values())
    last = parse_seed("000_f9d6158a463791a8.txt")[0][-1]
    assert last.title.startswith('"Who Am I, and Who Else Is Here?"')
    assert "p < 10^-5, r = 0.70" in last.abstract
    assert (last.record.get("author_count"), last.record.get("published")) == (1, "2026-03-10")
    semantic = papers["Semantic learning in autonomously active recurrent neural networks"]
    assert "during the sensitive periods, {\\it viz} the transition" in semantic.abstract
    assert (semantic.record.get("author_count"), semantic.record.get("published")) == (2, "2009-03-11")


def test_hand_read_records_page_001() -> None:
    papers = by_title("001_448a272cd68fd523.txt")
    path = papers["PathMoE: Interpretable Multimodal Interaction Experts for Pediatric Brain Tumor Classification"]
    assert (path.record.get("author_count"), path.record.get("published")) == (13, "2026-03-01")
    assert "integrates H\\&E slides" in path.abstract
    attention = papers["Deconstructing Attention: Investigating Design Principles for Effective Language Modeling"]
    assert (attention.record.get("published"), attention.record.get("upvotes")) == ("2025-10-13", 2)
    linear = papers["Linear representations in language models can change dramatically over a conversation"]
    assert linear.record.get("organization") == {"name": "google", "fullname": "Google"}
    assert (linear.record.get("author_count"), linear.record.get("published"), linear.record.get("upvotes")) == (None, "2026-01-28", 2)
    noisy = papers["Learning to Act under Noise: Enhancing Agent Robustness via Noisy Environments"]
    assert noisy.record.get("organization") == {"name": "meituan-longcat", "fullname": "LongCat"}
    assert (noisy.record.get("published"), noisy.record.get("upvotes")) == ("2026-05-25", 2)
    sparx = next(c for t, c in papers.items() if t.startswith("SparX"))
    assert "from 82.5\\% to 83.5\\%" in sparx.abstract
    catastrophic = papers["Catastrophic Interference is Mitigated in Naturalistic Power-Law Learning Environments"]
    assert "a ___domain-incremental task" in catastrophic.abstract
    ecosystem = papers["Anatomy of a Machine Learning Ecosystem: 2 Million Models on Hugging Face"]
    assert (ecosystem.record.get("author_count"), ecosystem.record.get("published"), ecosystem.record.get("upvotes")) == (3, "2025-08-09", 4)


def test_hand_read_records_page_003() -> None:
    papers = by_title("003_4c35cf6bf607152b.txt")
    fin = next(c for c in papers.values() if c.record.get("organization"))
    assert fin.record.get("organization") == {"name": "TheFinAI", "fullname": "The Fin AI"}
    assert (fin.record.get("published"), fin.record.get("upvotes")) == ("2026-02-18", 2)
    assert any("(GPT-4o & 4-Turbo, Llama-3-8B & 70B" in c.abstract for c in papers.values())
    assert any("93.5\\% of agents" in c.abstract for c in papers.values())


def test_page_without_heading_or_meta_blocks() -> None:
    candidates, _ = parse_seed("004_074c59e9e96003a7.txt")
    assert candidates[0].title == "Small-scale proxies for large-scale Transformer training instabilities"
    assert candidates[0].digest_date == date(2026, 3, 13)
    assert all(c.record.get("author_count") is None and c.record.get("published") is None and c.record.get("upvotes") is None for c in candidates)
    ranking = next(c for c in candidates if c.title.startswith("Attention Weighted Mixture of Experts"))
    assert ranking.abstract.endswith("AW-MoE has been successfully deployed in the JD e-commerce search engine, ...")


def test_yearless_dates_resolve_against_today_and_the_page() -> None:
    text = "Daily Papers\n\nJan 5\n\nA title\n\nAn abstract.\n\n  • 1 authors\n·\nDec 30 3\n"
    candidates, _ = hf_page.parse(text, "p.txt", date(2026, 11, 22))
    assert candidates[0].digest_date == date(2026, 1, 5)
    assert candidates[0].record.get("published") == "2025-12-30"  # latest Dec 30 not after the page date
    assert candidates[0].record.get("upvotes") == 3
    # the page date is never in the future relative to today
    candidates, _ = hf_page.parse(text, "p.txt", date(2026, 1, 4))
    assert candidates[0].digest_date == date(2025, 1, 5)
    # --date overrides the header
    candidates, _ = hf_page.parse(text, "p.txt", TODAY, page_date=date(2024, 3, 1))
    assert candidates[0].digest_date == date(2024, 3, 1)
    assert candidates[0].record.get("published") == "2023-12-30"


def test_leap_day_without_year() -> None:
    text = "Mar 1\n\nT\n\nA.\n\n  • 2 authors\n·\nFeb 29\n"
    candidates, _ = hf_page.parse(text, "p.txt", date(2026, 11, 22))
    assert candidates[0].record.get("published") == "2024-02-29"


def test_unseen_page_in_the_same_format() -> None:
    text = ("new\n\nSubscribe\n\nDaily Papers\n\nbyAK and the research community\n\nNov 3, 2025\n\n"
            "First & <best> paper\n\nWe show p < 0.05 \\& more.\n\n  • 1 authors\n·\nOct 30, 2025 12\n\n"
            "Second paper\n\nNo meta here.\n\n"
            "Third paper\n\nOrg paper.\n\nopenai OpenAI Research\n·\nNov 1 7\n")
    candidates, warnings = hf_page.parse(text, "new.txt", TODAY)
    assert warnings == []
    assert [c.title for c in candidates] == ["First & <best> paper", "Second paper", "Third paper"]
    assert candidates[0].abstract == "We show p < 0.05 \\& more."
    assert (candidates[0].record.get("published"), candidates[0].record.get("upvotes"), candidates[0].record.get("author_count")) == ("2025-10-30", 12, 1)
    assert candidates[2].record.get("organization") == {"name": "openai", "fullname": "OpenAI Research"}
    assert candidates[2].record.get("published") == "2025-11-01"


def test_page_cut_mid_paper_keeps_the_complete_papers() -> None:
    text = (DATA / "seeds" / "000_f9d6158a463791a8.txt").read_text(encoding="utf-8")
    cut = text[: text.index("Langevin Flows for Modeling Neural Latent Dynamics") + 60]
    candidates, warnings = hf_page.parse(cut, "cut.txt", TODAY)
    assert len(candidates) == 3
    assert len(warnings) == 1 and "cut off" in warnings[0].message and warnings[0].line > 0
    # cut inside the title/abstract gap: the title has no abstract at all
    cut = text[: text.index("Langevin Flows for Modeling Neural Latent Dynamics") + 52]
    candidates, warnings = hf_page.parse(cut, "cut.txt", TODAY)
    assert len(candidates) == 3 and "no abstract" in warnings[0].message


@pytest.mark.parametrize("text,message", [
    ("", "no page date"),
    ("Just some text\n\nmore text\n", "no page date"),
    ("Daily Papers\n\nFeb 30\n\nT\n\nA\n", "impossible"),
    ("Daily Papers\n\nMay 20\n", "no papers"),
])
def test_unusable_pages_are_clear_errors(text: str, message: str) -> None:
    with pytest.raises(DigestError) as info:
        hf_page.parse(text, "bad.txt", TODAY)
    assert message in info.value.diagnostics[0].message
