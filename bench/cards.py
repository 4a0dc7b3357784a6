"""Time social cards (site/cards.py) on a content folder: every digest's card and a sample of papers' cards.

    python bench/cards.py /tmp/c10k/content [--papers 2000]
    python bench/cards.py /tmp/c10k/content --build [--output /dev/shm/cards-out]

Prints the best of 3 rounds (per card, in ms) and the bytes a card takes. A card is timed
from its text to its PNG bytes, as the build's render step makes it (writing the file is not included).

--build runs a cold full build without search on one process and adds up the CPU time (user and
system) spent planning the cards and making and writing each card file, against the CPU time of the
whole build in the same process: the share the cards take, which the noise of a shared machine moves
much less than it moves two separate builds.
"""
from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from collections import Counter
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


def in_build(content: Path, output: Path) -> None:
    from generator.build import build, writer
    from generator.build.plan import Plan
    spent: Counter[str] = Counter()
    made: Counter[str] = Counter()
    render_into, plan_cards = writer._render_into, Plan.cards

    def timed_render_into(staging: Path):  # noqa: ANN202
        render = render_into(staging)

        def timed(item):  # noqa: ANN001, ANN202
            started = time.process_time()
            done = render(item)
            kind = f"{item.path.split('/')[0]} {item.kind}" if item.kind == "image" else item.kind
            spent[kind] += time.process_time() - started
            made[kind] += 1
            return done
        return timed

    def timed_cards(self):  # noqa: ANN001, ANN202
        started = time.process_time()
        planned = plan_cards(self)
        spent["planning the cards"] += time.process_time() - started
        return planned

    writer._render_into, Plan.cards = timed_render_into, timed_cards
    shutil.rmtree(output, ignore_errors=True)
    started, wall = time.process_time(), time.perf_counter()
    build(content, output, search=False, jobs=1, incremental=False)
    total, wall = time.process_time() - started, time.perf_counter() - wall
    print(f"cold build without search, --jobs 1: {wall:.2f} s wall, {total:.2f} s CPU")
    for kind, seconds in spent.most_common():
        count = f", {made[kind]:,} files, {seconds / made[kind] * 1000:.3f} ms each" if made[kind] else ""
        print(f"  {kind}: {seconds:.2f} s CPU ({seconds / total:.1%}){count}")
    cards = spent["papers image"] + spent["planning the cards"] * made["papers image"] / max(
        1, made["papers image"] + made["digests image"])
    print(f"papers' cards (made, written, planned): {cards:.2f} s CPU, {cards / total:.1%} of the build, "
          f"{cards / (total - cards):.1%} added to a build without them")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("content")
    parser.add_argument("--papers", type=int, default=2000, help="how many papers' cards to time")
    parser.add_argument("--build", action="store_true", help="measure the cards' share of a cold build")
    parser.add_argument("--output", type=Path, help="where --build writes (default: a temporary folder)")
    args = parser.parse_args()
    if args.build:
        with tempfile.TemporaryDirectory() as folder:
            in_build(Path(args.content), args.output or Path(folder) / "output")
        return
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
