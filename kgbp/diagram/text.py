"""Measure and wrap text with the real CJK font, so boxes fit what the browser and cairo draw.

The diagram names one font family (Noto Sans CJK SC, Debian's fonts-noto-cjk) for every
text; widths here are that font's glyph advances. Chinese wraps between any two
characters (but not before closing or after opening punctuation); Latin wraps between
words, and a word wider than the line is broken by characters.
"""

from __future__ import annotations

import logging
import re
import shutil
import subprocess
from dataclasses import dataclass
from functools import cache
from pathlib import Path

FONT_FAMILY = "Noto Sans CJK SC"
CSS_FONT_FAMILY = "'Noto Sans CJK SC', 'Noto Sans SC', 'Source Han Sans SC', sans-serif"
# Where Debian and other distributions put the collection, when fc-match is absent.
_KNOWN_FILES = {
    False: ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
            "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
            "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc"),
    True: ("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
           "/usr/share/fonts/noto-cjk/NotoSansCJK-Bold.ttc",
           "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Bold.ttc"),
}
_CJK_CHARS = "\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f"
_TOKEN = re.compile(rf"\s+|[{_CJK_CHARS}]|[^\s{_CJK_CHARS}]+")
_NO_LINE_START = set("，。、；：？！）」』】》〉”’,.;:?!)]}%")
_NO_LINE_END = set("（「『【《〈“‘([{")
log = logging.getLogger("kgbp.diagram")


@dataclass(frozen=True)
class FontFace:
    """One face of the font: a file (and face index in a collection) and its advances."""

    path: str
    index: int
    units_per_em: int
    ascent: float  # fraction of the em above the baseline
    descent: float  # fraction of the em below it (positive)
    advances: dict[int, int]  # code point -> advance in font units
    default_advance: int

    def width(self, text: str, size: float) -> float:
        units = sum(self.advances.get(ord(c), self.default_advance) for c in text)
        return units * size / self.units_per_em


def _fc_match(bold: bool) -> tuple[str, int] | None:
    exe = shutil.which("fc-match")
    if exe is None:
        return None
    pattern = FONT_FAMILY + (":bold" if bold else "")
    try:
        out = subprocess.run([exe, "-f", "%{file}\t%{index}\t%{family}", pattern],  # noqa: S603 (fixed arguments)
                             capture_output=True, text=True, timeout=10, check=True).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    path, _, rest = out.partition("\t")
    index, _, family = rest.partition("\t")
    if FONT_FAMILY not in family or not Path(path).is_file():
        return None  # fontconfig fell back to another font
    return path, int(index or 0)


def find_font(bold: bool = False) -> tuple[str, int] | None:
    """The font file and face index of Noto Sans CJK SC, or None when it is not installed."""
    found = _fc_match(bold)
    if found:
        return found
    for path in _KNOWN_FILES[bold]:
        if Path(path).is_file():
            return path, 2  # the SC face in Noto's collection
    return None


def _load(path: str, index: int) -> FontFace:
    from fontTools.ttLib import TTFont

    font = TTFont(path, fontNumber=index, lazy=True)
    upem = int(font["head"].unitsPerEm)
    hmtx = font["hmtx"]
    advances = {cp: int(hmtx[name][0]) for cp, name in font.getBestCmap().items()}
    os2 = font["OS/2"]
    return FontFace(path, index, upem, os2.sTypoAscender / upem, -os2.sTypoDescender / upem, advances, upem)


def _estimate() -> FontFace:
    # Used only without the font: CJK is one em, Latin about 0.6 em; wrapping stays sane.
    advances = dict.fromkeys(range(32, 0x2e80), 600)
    advances[32] = 250
    return FontFace("", 0, 1000, 0.88, 0.12, advances, 1000)


@cache
def face(bold: bool = False) -> FontFace:
    found = find_font(bold)
    if found is None:
        log.warning("font %r not found: text widths are estimated (install fonts-noto-cjk)", FONT_FAMILY)
        return _estimate()
    return _load(*found)


def width(text: str, size: float, bold: bool = False) -> float:
    return face(bold).width(text, size)


def _tokens(text: str) -> list[str]:
    """Units that are never split: one CJK character, or one Latin word with its trailing space."""
    raw = _TOKEN.findall(text)
    tokens: list[str] = []
    for tok in raw:
        if tok.isspace():
            if tokens:
                tokens[-1] += " "
            continue
        if tokens and (tok[0] in _NO_LINE_START or tokens[-1].rstrip()[-1:] in _NO_LINE_END) \
                and not tokens[-1].endswith(" "):
            tokens[-1] += tok  # keep punctuation with its neighbour
        else:
            tokens.append(tok)
    return tokens


def _split_long(token: str, limit: float, size: float, bold: bool) -> list[str]:
    parts, current = [], ""
    for ch in token:
        if current and width(current + ch, size, bold) > limit:
            parts.append(current)
            current = ""
        current += ch
    parts.append(current)
    return parts


def wrap(text: str, size: float, max_width: float, first_width: float | None = None, bold: bool = False) -> list[str]:
    """Greedy line breaking; `first_width` narrows the first line (room for badges)."""
    lines: list[str] = []
    current = ""
    for token in _tokens(" ".join(text.split())):
        limit = first_width if (first_width is not None and not lines) else max_width
        candidate = current + token
        if width(candidate.rstrip(), size, bold) <= limit:
            current = candidate
            continue
        if current:
            lines.append(current.rstrip())
            current = ""
            limit = max_width
        if width(token.rstrip(), size, bold) <= limit:
            current = token
        else:
            *full, current = _split_long(token, limit, size, bold)
            lines.extend(p.rstrip() for p in full)
    if current.strip() or not lines:
        lines.append(current.rstrip())
    return lines
