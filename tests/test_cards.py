"""Social cards (og:image): one per digest and per paper, exact bytes, text kept inside the card, and a card's
key made only from the words it shows."""
from __future__ import annotations

import hashlib
import io
import os
import shutil
import subprocess
import sys
import zlib
from pathlib import Path

import numpy as np
import pytest
import yaml
from PIL import Image

from generator.build import build
from generator.build.plan import Plan
from generator.content.loader import load_site
from generator.site import cards, png
from generator.site.catalog import build_catalog
from generator.site.glyphs import fold
from generator.site.themes import fingerprint_assets, load_theme

from .conftest import DATA, REPO

GOLDEN = DATA / "golden" / "content"


def _site(root: Path) -> Path:
    shutil.copytree(GOLDEN, root / "content")
    shutil.copytree(REPO / "themes", root / "themes")
    return root / "content"


def _image(data: bytes) -> np.ndarray:
    image = Image.open(io.BytesIO(data))
    image.load()
    assert image.mode == "P"
    return np.asarray(image)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("cards")
    build(_site(root), root / "output", search=False)
    return root / "output"


@pytest.mark.parametrize("theme", ["default", "newsletter"])
def test_every_paper_has_a_card_its_page_links(tmp_path: Path, theme: str) -> None:
    content = _site(tmp_path)
    build(content, tmp_path / "output", theme=theme, search=False)
    out = tmp_path / "output"
    ids = sorted(yaml.safe_load(p.read_text(encoding="utf-8"))["id"] for p in (content / "papers").rglob("*.yaml"))
    assert ids
    for paper_id in ids:
        card = (out / "papers" / paper_id / "card.png").read_bytes()
        assert _image(card).shape == (315, 600)
        html = (out / "papers" / paper_id / "index.html").read_text(encoding="utf-8")
        url = f"https://golden.example.org/sub/papers/{paper_id}/card.png"
        assert f'<meta property="og:image" content="{url}">' in html
        assert '<meta property="og:image:width" content="600">' in html
        assert '<meta property="og:image:height" content="315">' in html
        assert '<meta name="twitter:card" content="summary_large_image">' in html
    digest = (out / "digests/2024-10-26/index.html").read_text(encoding="utf-8")
    assert '<meta property="og:image:width" content="1200">' in digest
    assert _image((out / "digests/2024-10-26/card.png").read_bytes()).shape == (630, 1200)


def test_a_page_without_a_card_says_summary(site: Path) -> None:
    html = (site / "tags/index.html").read_text(encoding="utf-8")
    assert "og:image" not in html and '<meta name="twitter:card" content="summary">' in html


def _cards(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("card.png"))}


def test_cards_are_the_same_bytes_in_every_build_and_process(site: Path, tmp_path: Path) -> None:
    first = _cards(site)
    assert len(first) == 5  # 3 papers, 2 digests
    content = _site(tmp_path)
    for seed in ("0", "12345"):
        out = tmp_path / f"out-{seed}"
        env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(REPO)}
        subprocess.run([sys.executable, "-m", "generator", "build", "--content", str(content), "--output", str(out),
                        "--no-search", "--jobs", "2"], check=True, env=env, capture_output=True)
        assert _cards(out) == first


def _inside(data: bytes, scale: int = 1) -> np.ndarray:
    """The decoded card, after checking that nothing was drawn in its side margins or below the facts."""
    pixels = _image(data)
    width, height = cards.size(scale)
    assert pixels.shape == (height, width)
    margin = (cards.MARGIN - 8) * scale  # a glyph may reach a few pixels past its box, never this far
    body = pixels[7 * scale:]  # below the accent bar
    assert not body[:, :margin].any() and not body[:, width - margin:].any()
    assert not pixels[300 * scale:].any()
    return pixels


@pytest.mark.parametrize("scale", [cards.PAPER_SCALE, cards.DIGEST_SCALE])
def test_long_empty_and_foreign_texts_stay_inside_the_card(scale: int) -> None:
    long_title = ("Scaling " * 250)[:2000]
    no_spaces = "W" * 2000
    cases = [
        ("Site", "Paper · 1 May 2024", long_title, "A. Author, B. Author and 3 others"),
        ("Site", "Paper", no_spaces, ""),  # a title with no space to break at, and a paper with no authors
        ("Site", "", "", ""),
        ("大规模 Site 🚀", "Paper · 1 May 2024", "大规模语言模型的高效推理 🚀 with Émile Ødegaard’s αβ-CROWN", "张伟, 李娜"),
        ("Site", "x" * 500, "Привет мир — ещё", "Ω" * 300),
        ("Site\u200b\u0301", "\t\n", "\x00\x07 control \ufeff characters \U0010ffff", "\ud7ff"),
    ]
    blank = _image(cards.card_png("", "", "", "", scale))
    for case in cases:
        pixels = _inside(cards.card_png(*case, scale=scale), scale)
        if case[2]:
            assert (pixels != blank).sum() > 20  # the title shows (folded, cut or as an ellipsis)


def test_a_long_title_is_cut_at_four_lines_with_an_ellipsis() -> None:
    face = cards._face(30, cards.TEXT)
    lines = face.wrap("Scaling " * 250, 528, cards.TITLE_LINES)
    assert len(lines) == 4 and lines[-1].endswith("…") and not lines[0].endswith("…")
    assert all(face.width(line) <= 528 for line in lines)
    pieces = face.wrap("W" * 100, 528, 4)
    assert len(pieces) == 4 and all(face.width(p) <= 528 for p in pieces) and pieces[-1].endswith("…")
    assert face.wrap("Short title", 528, 4) == ["Short title"]


def test_text_is_folded_to_what_the_font_draws() -> None:
    assert fold("Émile Ødegaard’s αβ-CROWN — “ﬁne”") == "Emile Odegaard’s alphabeta-CROWN - “ﬁne”"
    assert fold("🦙 LLaMA\u200b 3  ok") == "LLaMA 3 ok"
    assert fold("大规模语言模型 for Code") == "… for Code"
    assert fold("x 中 y 文") == "x … y …"
    assert fold("Straße × µ") == "Strasse x mu"


def test_the_png_is_minimal_and_its_checksums_are_right() -> None:
    data = cards.card_png("Site", "Paper · 1 May 2024", "A title, with a comma; and y", "Ada Lovelace")
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    chunks, at = {}, 8
    while at < len(data):
        length = int.from_bytes(data[at:at + 4], "big")
        kind, body = data[at + 4:at + 8], data[at + 8:at + 8 + length]
        assert int.from_bytes(data[at + 8 + length:at + 12 + length], "big") == zlib.crc32(kind + body)
        chunks[kind] = body
        at += 12 + length
    assert list(chunks) == [b"IHDR", b"PLTE", b"IDAT", b"IEND"]  # no time, no text, nothing else
    assert len(zlib.decompress(chunks[b"IDAT"])) == 315 * 301  # zlib checks the Adler-32 made from the bands


def test_adler32_of_joined_pieces() -> None:
    rng = np.random.default_rng(7)
    for a, b in [(b"", b"x"), (b"abc", b""), (rng.bytes(70000), rng.bytes(123)), (bytes(5), b"\xff" * 100000)]:
        assert png.adler32_combine(zlib.adler32(a), zlib.adler32(b), len(b)) == zlib.adler32(a + b)


def _card_keys(content: Path) -> dict[str, str]:
    site, _ = load_site(content)
    catalog = build_catalog(site)
    theme = load_theme(site.config.theme, content)
    plan = Plan(catalog, theme, fingerprint_assets(theme))
    return {o.path: o.key for o in plan.cards()}


def _edit_record(content: Path, paper_id: str, **changes: object) -> None:
    path = next(p for p in (content / "papers").rglob("*.yaml") if p.stem == paper_id)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data.update(changes)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


def test_a_card_key_changes_with_its_words_only(tmp_path: Path) -> None:
    content = _site(tmp_path)
    before = _card_keys(content)
    assert "papers/2410.17243/card.png" in before and "digests/2024-10-25/card.png" in before
    _edit_record(content, "2410.17243", upvotes=999, comments=12, github_stars=5)
    assert _card_keys(content) == before  # new upvotes redraw no card
    _edit_record(content, "2410.17243", title="A New Title")
    after = _card_keys(content)
    changed = {path for path in before if before[path] != after[path]}
    assert changed == {"papers/2410.17243/card.png"}


def test_an_upvote_rebuild_writes_no_card(tmp_path: Path) -> None:
    content = _site(tmp_path)
    build(content, tmp_path / "output", search=False, jobs=1)
    paper = tmp_path / "output/papers/2410.17243"
    card, page = (paper / "card.png").stat().st_ino, (paper / "index.html").stat().st_ino
    _edit_record(content, "2410.17243", upvotes=1000)
    build(content, tmp_path / "output", search=False, jobs=1)
    assert (paper / "card.png").stat().st_ino == card  # kept (linked from the last tree), not drawn again
    assert (paper / "index.html").stat().st_ino != page  # the page shows upvotes: written again


def test_a_card_is_the_same_when_the_store_of_shared_bands_is_emptied() -> None:
    reference = cards.card_png("Site name", "Paper · 1 May 2024", "A title", "Ada Lovelace")
    for i in range(png._SHARED_MAX + 10):  # a new date line each: the store fills up and is emptied
        cards.card_png("Site name", f"Paper · {i}", "A title", "Ada Lovelace")
        if i % 100 == 0:
            assert cards.card_png("Site name", "Paper · 1 May 2024", "A title", "Ada Lovelace") == reference
    assert cards.card_png("Site name", "Paper · 1 May 2024", "A title", "Ada Lovelace") == reference
