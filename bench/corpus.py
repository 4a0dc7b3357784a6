"""Make a synthetic but realistic content folder: N papers in digests of 50.

    python bench/corpus.py 10000 bench/out/10k

Titles and abstracts have real lengths and real traps (<, &, LaTeX escapes), 1 to 15
authors, tags, picks and notes. Deterministic for a given N and --seed.
"""
from __future__ import annotations

import argparse
import random
import sys
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from generator.content import ids, yamlio  # noqa: E402
from generator.importers.curator_files import SCHEMA_MODELINE  # noqa: E402
from generator.importers.merge import ordered, record_path  # noqa: E402

WORDS = ("attention model learning neural network training data language vision graph diffusion reasoning "
         "agent policy reward memory scaling sparse transformer representation inference robust causal "
         "benchmark token latent spiking cortex plasticity geometry manifold retrieval alignment kernel "
         "gradient optimizer dynamics emergent interpretability circuit probe feature embedding").split()
NAMES = ("Ada Alan Grace Edsger Barbara Donald Leslie Frances John Margaret Tim Radia Yoshua Fei-Fei "
         "Geoffrey Demis Daphne Andrew Chelsea Percy Sergey Ilya Oriol Kaiming Jia").split()
SURNAMES = ("Lovelace Turing Hopper Dijkstra Liskov Knuth Lamport Allen McCarthy Hamilton Berners-Lee "
            "Perlman Bengio Li Hinton Hassabis Koller Ng Finn Liang Levine Sutskever Vinyals He Deng").split()
TAGS = [f"topic-{w}" for w in WORDS[:20]]
TRAPS = ["p < 0.001", "H\\&E", "93.5\\%", "{\\it viz}", "A & B", "x<y>z", "___domain", "$O(n \\log n)$"]


def sentence(rng: random.Random, n: int) -> str:
    words = [rng.choice(WORDS) for _ in range(n)]
    return " ".join(words).capitalize()


def make(n_papers: int, out: Path, seed: int = 7, per_digest: int = 50) -> None:
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    (out / "site.yaml").write_text(
        "title: Benchmark Digest\ndescription: A synthetic corpus.\nbase_url: https://bench.example.org/\n"
        "timezone: UTC\nfeeds:\n  digests: 20\n  papers: 100\n  tags: 50\n", encoding="utf-8")
    (out / "curators.yaml").write_text("- id: bench\n  name: Bench Curator\n- id: other\n  name: Other Curator\n",
                                       encoding="utf-8")
    start = date(2021, 1, 1)
    n_digests = (n_papers + per_digest - 1) // per_digest
    for d in range(n_digests):
        day = start + timedelta(days=d)
        yymm = f"{day.year % 100:02d}{day.month:02d}"
        entries = []
        for k in range(min(per_digest, n_papers - d * per_digest)):
            number = d * per_digest + k
            arxiv = f"{yymm}.{number:05d}"
            title = sentence(rng, rng.randint(6, 16)) + (": " + rng.choice(TRAPS) if rng.random() < 0.2 else "")
            abstract = " ".join(sentence(rng, rng.randint(12, 28)) + "." for _ in range(rng.randint(6, 11)))
            abstract += " " + " ".join(rng.sample(TRAPS, 2))
            authors = [f"{rng.choice(NAMES)} {rng.choice(SURNAMES)}" for _ in range(rng.randint(1, 15))]
            record = {"id": arxiv, "title": title, "authors": authors, "published": day.isoformat(),
                      "upvotes": rng.randint(0, 300), "arxiv": arxiv,
                      "links": {"arxiv": f"https://arxiv.org/abs/{arxiv}", "pdf": f"https://arxiv.org/pdf/{arxiv}"},
                      "source": "bench", "abstract": abstract}
            path = record_path(out, ids.id_for_arxiv(arxiv))
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(yamlio.dump(ordered(record)), encoding="utf-8")
            entry = [f"  - paper: '{arxiv}'"]
            if k < 3:
                entry.append("    pick: true")
                entry.append(f"    note: {sentence(rng, 20)}. *Worth it* for the {rng.choice(TRAPS)} part.")
            if rng.random() < 0.4 or k < 3:
                entry.append(f"    tags: [{', '.join(sorted(set(rng.sample(TAGS, rng.randint(1, 3)))))}]")
            entries.append("\n".join(entry))
        text = (SCHEMA_MODELINE + f"date: {day.isoformat()}\ntitle: {sentence(rng, 7)}\n"
                f"curator: {'bench' if d % 3 else 'other'}\nintro: {sentence(rng, 30)}.\npapers:\n"
                + "\n".join(entries) + "\n")
        digest_path = out / "digests" / f"{day.isoformat()}.yaml"
        digest_path.parent.mkdir(parents=True, exist_ok=True)
        digest_path.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("papers", type=int)
    parser.add_argument("out", type=Path)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    make(args.papers, args.out, args.seed)
    print(f"wrote {args.papers} papers into {args.out}")


if __name__ == "__main__":
    main()
