"""Social cards (og:image): a 1200x630 PNG per digest, drawn with Pillow.

Deterministic bytes: a fixed palette image, Pillow's bundled font (the version is in the code
fingerprint), no metadata, fixed zlib level. About 30 ms a card, so cards are made for digests
(tens to hundreds), not for every paper; see the report in the pull request.
"""
from __future__ import annotations

import io
from functools import lru_cache

WIDTH, HEIGHT = 1200, 630
MARGIN = 72
PALETTE = (247, 246, 242,  # background
           29, 31, 35,  # text
           36, 81, 179,  # accent
           86, 91, 99,  # muted
           154, 63, 10)  # pick


@lru_cache(maxsize=4)
def _font(size: int):
    from PIL import ImageFont
    return ImageFont.load_default(size=size)


def _wrap(draw, text: str, font, width: int, max_lines: int) -> list[str]:
    lines: list[str] = []
    current = ""
    for word in text.split():
        trial = f"{current} {word}".strip()
        if draw.textlength(trial, font=font) <= width or not current:
            current = trial
        else:
            lines.append(current)
            current = word
        if len(lines) == max_lines:
            break
    if current and len(lines) < max_lines:
        lines.append(current)
    consumed = " ".join(lines)
    if len(consumed) < len(" ".join(text.split())) and lines:
        last = lines[-1]
        while last and draw.textlength(last + " …", font=font) > width:
            last = last.rsplit(" ", 1)[0] if " " in last else last[:-1]
        lines[-1] = last + " …"
    return lines


def card_png(site_title: str, eyebrow: str, title: str, footer: str) -> bytes:
    """A card: the site's name and a date above, the title large, a line of facts below."""
    from PIL import Image, ImageDraw
    image = Image.new("P", (WIDTH, HEIGHT), 0)
    image.putpalette(PALETTE + (0,) * (768 - len(PALETTE)))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, WIDTH, 14), fill=2)
    small, big = _font(30), _font(60)
    draw.text((MARGIN, 70), site_title, font=_font(36), fill=2)
    draw.text((MARGIN, 126), eyebrow.upper(), font=small, fill=3)
    y = 200
    for line in _wrap(draw, title, big, WIDTH - 2 * MARGIN, 4):
        draw.text((MARGIN, y), line, font=big, fill=1)
        y += 78
    draw.line((MARGIN, HEIGHT - 110, WIDTH - MARGIN, HEIGHT - 110), fill=3, width=2)
    draw.text((MARGIN, HEIGHT - 88), footer, font=small, fill=4)
    out = io.BytesIO()
    image.save(out, "PNG", optimize=False, compress_level=6)
    return out.getvalue()
