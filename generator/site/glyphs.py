"""Text for the social cards: Pillow's bundled font, each glyph drawn once per size, lines put together with numpy.

FreeType draws a glyph the first time a process needs it at a size; a line of text is then its glyphs' cells side
by side (one np.concatenate), which costs microseconds where a FreeType call per line costs a millisecond. Pillow's
default font has whole-pixel advances and no kerning in its basic layout, so side by side is nearly where Pillow
puts the glyphs: each cell is made an even number of pixels wide, so that it can be kept packed as PNG rows hold
it, two 4-bit pixels a byte. The few glyphs whose ink reaches past their cell (the tail of ',') are merged into
their neighbours. A pixel's coverage is kept in LEVELS + 1 steps, none to full ink, each a palette colour.

The font covers ASCII and a few signs only. Other characters are folded to what it has (é -> e, – -> -, α -> alpha,
ﬁ -> fi), symbols and emoji are dropped, and a run of letters of other scripts shows as one ellipsis, "…", as
text left out (a row of the font's missing-glyph boxes reads as a broken bar).
"""
from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Callable
from functools import lru_cache
from itertools import accumulate
from typing import Any

import numpy as np

LEVELS = 5
ELLIPSIS = "\u2026"
_MISSING = "\ufffd"  # a letter the font lacks, until fold() turns each run of them into an ellipsis
_MISSING_RUN = re.compile("\ufffd(?:[\ufffd ]*\ufffd)?")
_QUANTISE = np.array([(v * LEVELS + 127) // 255 for v in range(256)], dtype=np.uint8)
_GREEK = ("alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho sigma sigma tau "
          "upsilon phi chi psi omega").split()
_FOLDS = {
    **{chr(0x3B1 + i): name for i, name in enumerate(_GREEK)},  # α..ω, with ς at U+03C2
    **{chr(0x391 + i): name.capitalize() for i, name in enumerate(_GREEK) if i != 17},  # Α..Ω (U+03A2 is unassigned)
    "ϑ": "theta", "ϕ": "phi", "ϵ": "epsilon", "ϱ": "rho", "ϖ": "pi",
    "ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ð": "d", "Ð": "D", "ß": "ss", "æ": "ae", "Æ": "AE",
    "œ": "oe", "Œ": "OE", "þ": "th", "Þ": "Th", "ı": "i", "ħ": "h", "Ħ": "H",
    "‐": "-", "‑": "-", "‒": "-", "–": "-", "—": "-", "―": "-", "−": "-", "„": "\u201c", "‚": "\u2018",
    "×": "x", "÷": "/", "•": "\u00b7", "′": "'", "″": '"', "≤": "<=", "≥": ">=", "≠": "!=", "≈": "~", "∼": "~",
    "→": "->", "←": "<-", "↔": "<->", "⇒": "=>",
}


@lru_cache(maxsize=16)
def _font(size: int):  # noqa: ANN202 (a PIL.ImageFont.FreeTypeFont)
    from PIL import ImageFont
    return ImageFont.load_default(size=size)


def _drawing(font, text: str, left: int, width: int, height: int) -> np.ndarray:  # noqa: ANN001
    from PIL import Image, ImageDraw
    image = Image.new("L", (width, height), 0)
    ImageDraw.Draw(image).text((left, 0), text, font=font, fill=255)
    return np.asarray(image)


class _Folds(dict[int, str]):
    """A str.translate table that works out each character's folding the first time it meets it."""

    def __missing__(self, code: int) -> str:
        self[code] = folded = _fold(chr(code))
        return folded


def _fold(char: str) -> str:
    if char in _FOLDS:
        return _FOLDS[char]
    if char.isspace():
        return " "
    if drawable(char):
        return char
    decomposed = unicodedata.normalize("NFKD", char)
    if decomposed != char:
        parts = "".join(_fold(c) for c in decomposed)
        if parts.strip():
            return parts
    kind = unicodedata.category(char)
    return _MISSING if kind[0] in "LN" else ""  # symbols, emoji, marks, controls and foreign punctuation: dropped


_FOLD_TABLE = _Folds()
_KNOWN: dict[str, bool] = {}


def drawable(char: str) -> bool:
    """Whether the font has a glyph for `char` (it draws other characters as its missing-glyph box)."""
    known = _KNOWN.get(char)
    if known is None:
        font = _font(24)
        box = _drawing(font, "\ue000", 0, 32, 32)  # a private-use character, surely missing
        known = _KNOWN[char] = char == " " or not np.array_equal(_drawing(font, char, 0, 32, 32), box)
    return known


def fold(text: str) -> str:
    """`text` in characters the font can draw, on one line, with single spaces."""
    return _MISSING_RUN.sub(ELLIPSIS, " ".join(text.translate(_FOLD_TABLE).split()))


class _Lazy(dict[str, Any]):
    """A glyph table that has the face draw a glyph the first time it is looked up."""

    def __init__(self, draw: Callable[[str], None]):
        super().__init__()
        self.draw = draw

    def __missing__(self, char: str) -> Any:
        self.draw(char)
        return self[char]


def _pack(columns: np.ndarray) -> np.ndarray:
    """Columns of 4-bit values (an even number) as bytes of two: the first column in the high half."""
    packed = columns[0::2] << 4
    packed |= columns[1::2]
    return packed


_NIBBLE_MAX = np.array([[max(a & 0xF0, b & 0xF0) | max(a & 0x0F, b & 0x0F) for b in range(256)] for a in range(256)],
                       dtype=np.uint8)  # two bytes of two pixels -> the darker of each pixel


class Face:
    """The default font at one size and in one ink: glyphs drawn once, lines composed from them.

    `shades` maps a coverage level (0 to LEVELS) to a 4-bit palette index, increasing, so the darker of two
    overlapping pixels is their maximum. Each glyph's cell is made an even number of pixels wide (a pixel more
    to the right of an odd one: spacing a little looser than Pillow's), so that it is stored packed, two pixels
    a byte, as PNG rows hold them: a line is then its glyphs' bytes joined, with no packing per card. Lines
    come as columns of bytes (x first), so joining glyphs is joining contiguous blocks of memory."""

    def __init__(self, size: int, shades: np.ndarray):
        self.font = _font(size)
        ascent, descent = self.font.getmetrics()
        self.height = ascent + descent
        self.pad = 2 + size // 8 // 2 * 2  # room for overhangs at a line's ends; even
        self.shades = shades[_QUANTISE]
        self.advance: dict[str, int] = _Lazy(self._draw)  # the cell's width in pixels, even
        self._cells: dict[str, bytes] = _Lazy(self._draw)  # (advance / 2, height) bytes, x first
        self._over: dict[str, tuple[np.ndarray | None, np.ndarray | None]] = {}  # bytes the ink reaches past
        self._room = bytes(self.pad // 2 * self.height)
        self._joined: dict[tuple[str, str, str], bytes] = {}

    def _draw(self, char: str) -> None:
        left, _, right, _ = self.font.getbbox(char)
        advance = round(self.font.getlength(char))
        advance += advance & 1
        before, after = min(self.pad, max(0, -left)), min(self.pad, max(0, right - advance))
        before, after = before + (before & 1), after + (after & 1)
        columns = np.ascontiguousarray(
            self.shades[_drawing(self.font, char, before, before + advance + after, self.height)].T)
        self.advance[char], self._cells[char] = advance, _pack(columns[before:before + advance]).tobytes()
        left, right = _pack(columns[:before]), _pack(columns[before + advance:])
        if left.any() or right.any():  # the box often reaches further than the ink
            self._over[char] = (left if left.any() else None, right if right.any() else None)

    def width(self, text: str) -> int:
        return sum(map(self.advance.__getitem__, text))

    def _merged(self, before: str, char: str, after: str) -> bytes:
        """The bytes of `char`'s cell ('' for the room at a line's end) with the ink that the glyphs around it
        reach into it: remembered, since only a few glyphs reach past their cell (the tail of ',')."""
        key = (before, char, after)
        found = self._joined.get(key)
        if found is None:
            cell = np.frombuffer(self._cells[char] if char else self._room, np.uint8).reshape(-1, self.height).copy()
            if before in self._over and (reach := self._over[before][1]) is not None:
                part = cell[:len(reach)]
                part[...] = _NIBBLE_MAX[part, reach[:len(part)]]
            if after in self._over and (reach := self._over[after][0]) is not None:
                part = cell[len(cell) - len(reach):]
                part[...] = _NIBBLE_MAX[part, reach[len(reach) - len(part):]]
            found = self._joined[key] = cell.tobytes()
        return found

    def lines(self, texts: list[str]) -> tuple[np.ndarray, list[int]]:
        """`texts` (folded) as columns of bytes (two pixels each), (width / 2, height), one after the other,
        and the byte where each starts (then the end); each has `pad` pixels of room on each side. Cells are
        kept as bytes: joining a hundred of them is one b"".join, several times cheaper than np.concatenate."""
        pieces: list[bytes] = []
        starts = [0]
        over = self._over
        for text in texts:
            cells = [self._room, *map(self._cells.__getitem__, text), self._room]
            if not over.keys().isdisjoint(text):
                chars = ["", "", *text, "", ""]  # chars[i] is cells[i - 1]; "" is the room, or nothing
                for i in range(2, len(chars) - 2):
                    if chars[i] in over:
                        left, right = over[chars[i]]
                        if left is not None:
                            cells[i - 2] = self._merged(chars[i - 2], chars[i - 1], chars[i])
                        if right is not None:
                            cells[i] = self._merged(chars[i], chars[i + 1], chars[i + 2])
            pieces += cells
            starts.append(starts[-1] + self.pad + self.width(text) // 2)
        return np.frombuffer(b"".join(pieces), np.uint8).reshape(-1, self.height), starts

    def wrap(self, text: str, width: int, max_lines: int) -> list[str]:
        """Folded `text` in at most `max_lines` lines no wider than `width`, broken at spaces (inside a word
        only when the word alone is wider), the last line ending in an ellipsis when the text goes on."""
        text = fold(text)
        edge = list(accumulate(map(self.advance.__getitem__, text), initial=0))  # edge[i]: width of text[:i]
        if edge[-1] <= width:
            return [text]  # most lines: a date, a name, a short title
        lines: list[str] = []
        start = 0
        while start < len(text):
            if len(lines) == max_lines:
                return self._ellipsize(lines, width)
            end = bisect_right(edge, edge[start] + width) - 1  # text[start:end] is the most that fits
            if end >= len(text):
                lines.append(text[start:])
                break
            space = text.rfind(" ", start, end + 1)
            if space > start:
                lines.append(text[start:space])
                start = space + 1
            else:  # one word wider than the line: broken where the line ends
                end = max(end, start + 1)
                lines.append(text[start:end])
                start = end + (end < len(text) and text[end] == " ")
        return lines

    def _ellipsize(self, lines: list[str], width: int) -> list[str]:
        last, room = lines[-1], width - self.advance[ELLIPSIS]
        while last and self.width(last) > room:
            last = last[:-1]
        lines[-1] = last.rstrip(" ,;:-") + ELLIPSIS
        return lines
