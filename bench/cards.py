"""Time social cards (site/cards.py) on a content folder: every digest's card and a sample of papers' cards.

    python bench/cards.py /tmp/c10k/content [--papers 2000]

Prints the best of 3 rounds (per card, in ms) and the bytes a card takes. A card is timed
from its text to its PNG bytes, as the build's render step makes it (writing the file is not included).
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from generator.content.loader import load_site  # noqa: E402
from generator.site import cards, pages  # noqa: E402
from generator.site.catalog import build_catalog  # noqa: E402


def best_per_card(jobs: list[tuple], rounds: int = 3) -> tuple[float, int]:
    times, size = [], 0
    for _ in range(rounds):
        started = time.process_time()
        size = sum(len(cards.card_png(*args)) for args in jobs)
        times.append(time.process_time() - started)
    return min(times) / max(1, len(jobs)) * 1000, size // max(1, len(jobs))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("content")
    parser.add_argument("--papers", type=int, default=2000, help="how many papers' cards to time")
    args = parser.parse_args()
    site, _ = load_site(Path(args.content))
    catalog = build_catalog(site)
    config = site.config
    digests = [pages.digest_card_text(config, d) for d in site.digests]
    if hasattr(pages, "paper_card_text"):
        papers = [pages.paper_card_text(config, p, catalog.by_paper[p.id]) for p in catalog.papers[: args.papers]]
    else:  # before per-paper cards: what a paper's card would have cost with the digest card's renderer
        papers = [(config.title, "Paper", p.title, p.byline) for p in catalog.papers[: args.papers]]
    cards.card_png(*digests[0])  # the first card loads the font
    for name, jobs in (("digest", digests), ("paper", papers)):
        ms, size = best_per_card(jobs)
        print(f"{name} cards: {len(jobs)} timed, {ms:.3f} ms CPU per card (best of 3), {size:,} bytes per card")
        if name == "paper":
            print(f"all {len(catalog.papers):,} papers' cards: {ms * len(catalog.papers) / 1000:.2f} s CPU")


if __name__ == "__main__":
    main()
