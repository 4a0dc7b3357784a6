"""Social cards (og:image): a PNG per digest and per paper, cheap enough for every paper of a large site.

A card is drawn at `scale` 1 (600x315, Facebook's smallest size for a large link preview, above X's 300x157 for
summary_large_image; paper cards) or 2 (1200x630, the size Facebook recommends; digest cards). Layout is in
scale-1 pixels. Text comes from glyphs.py (each glyph drawn by FreeType once per process), the pixels are 4-bit
palette indices (background, and LEVELS steps of each ink for anti-aliasing) packed straight into PNG rows, and
the PNG is written here: signature, IHDR, PLTE, one IDAT, IEND, and nothing else (no time, no metadata).

Deterministic bytes: Pillow's bundled font, the Python zlib at a fixed level (Pillow's, numpy's and zlib's
versions are in the code fingerprint, build/stamp.py). A 600x315 card takes about 0.2 ms, a 1200x630 one under
1 ms (bench/cards.py).
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np

from . import png
from .glyphs import LEVELS, Face
from .png import Band, palette_png

PAPER_SCALE, DIGEST_SCALE = 1, 2
WIDTH, HEIGHT = 600, 315  # at scale 1
MARGIN = 36
BACKGROUND = (247, 246, 242)
INKS = ((36, 81, 179),  # accent: the site's name, the top bar
        (29, 31, 35),  # text: the title
        (86, 91, 99))  # muted: the date line, the facts, the rule
ACCENT, TEXT, MUTED = range(3)
TITLE_LINES = 4


def size(scale: int) -> tuple[int, int]:
    """A card's width and height in pixels."""
    return WIDTH * scale, HEIGHT * scale


def _palette() -> bytes:
    colours: list[tuple[int, ...]] = [BACKGROUND]
    for ink in INKS:
        colours += [tuple(round(b + (i - b) * step / LEVELS) for b, i in zip(BACKGROUND, ink, strict=True))
                    for step in range(1, LEVELS + 1)]
    assert len(colours) <= 16
    return bytes(v for colour in colours for v in colour)


PALETTE = _palette()
_INK_INDEX = [np.array([0, *range(1 + ink * LEVELS, 1 + (ink + 1) * LEVELS)], dtype=np.uint8)
              for ink in range(len(INKS))]  # coverage level -> palette index, per ink


@lru_cache(maxsize=8)
def _face(size: int, ink: int) -> Face:
    return Face(size, _INK_INDEX[ink])


@lru_cache(maxsize=2)
def _blank(scale: int) -> np.ndarray:
    """The rows of an empty card as PNG scanlines (a filter byte, then two pixels a byte): background, the
    accent bar at the top and the rule above the facts."""
    width, height = size(scale)
    pixels = np.zeros((height, width), np.uint8)
    pixels[: 7 * scale] = _INK_INDEX[ACCENT][LEVELS]
    pixels[258 * scale: 259 * scale, MARGIN * scale: width - MARGIN * scale] = _INK_INDEX[MUTED][2]
    rows = np.zeros((height, 1 + width // 2), np.uint8)
    rows[:, 1:] = (pixels[:, 0::2] << 4) | pixels[:, 1::2]
    return rows


@lru_cache(maxsize=64)
def _gap(scale: int, top: int, bottom: int) -> Band:
    return Band(_blank(scale)[top:bottom], bottom - top, (scale, top, bottom))


class _Card:
    """One card as bands of scanlines: its texts, and the rows of the empty card between them."""

    def __init__(self, scale: int):
        self.scale, self.end = scale, 0
        self.bands: list[Band] = []
        png.start()

    def _gap(self, top: int) -> None:
        """The empty rows (the bar, the rule) down to `top`: the same in every card."""
        assert top >= self.end
        if top > self.end:
            self.bands.append(_gap(self.scale, self.end, top))
        self.end = top

    def text(self, face: Face, text: str, y: int, max_lines: int = 1, step: int = 0, shared: bool = False) -> None:
        """Draw `text` from (MARGIN, y) down, wrapped in at most `max_lines` lines `step` apart; `shared`: a
        line that many cards have (the site's name, a date), wrapped, drawn and compressed once."""
        s = self.scale
        top = y * s
        self._gap(top)
        key = (s, top, face.font.size, face.shades[-1], text) if shared else None
        if key is not None and png.known(key):
            self.bands.append(Band(None, face.height, key))
            self.end = top + face.height
            return
        lines = face.wrap(text, (WIDTH - 2 * MARGIN) * s, max_lines)
        assert not shared or len(lines) == 1
        height = (len(lines) - 1) * step * s + face.height
        rows = np.zeros((height, _blank(s).shape[1]), np.uint8)
        packed, starts = face.lines(lines)
        x = 1 + (MARGIN * s - face.pad) // 2
        for n, (first, end) in enumerate(zip(starts, starts[1:], strict=False)):
            rows[n * step * s:n * step * s + face.height, x:x + end - first] = packed[first:end].T
        self.bands.append(Band(rows, height, key))
        self.end = top + height

    def png(self) -> bytes:
        width, height = size(self.scale)
        self._gap(height)
        return palette_png(width, PALETTE, self.bands)


def card_png(site_title: str, eyebrow: str, title: str, footer: str, scale: int = PAPER_SCALE) -> bytes:
    """A card: the site's name and a date line above, the title large (up to four lines), a line of facts below.
    Every text is wrapped or cut with an ellipsis to stay inside the card."""
    s = scale
    card = _Card(s)
    card.text(_face(18 * s, ACCENT), site_title, 32, shared=True)
    card.text(_face(15 * s, MUTED), eyebrow.upper(), 62, shared=True)
    card.text(_face(30 * s, TEXT), title, 98, max_lines=TITLE_LINES, step=38)
    card.text(_face(15 * s, MUTED), footer, 270)
    return card.png()
