"""How wide text is and how tall a table row grows: estimates for fitting headers and keeping rows whole.

Character widths are in thousandths of the font size: for each printable ASCII character, the
larger of Arial's (Helvetica's metrics) and DejaVu Sans's, the font LibreOffice falls back to where
Arial is not installed. Any other character counts as a full em. The estimates therefore err on the
wide side, so a word said to fit does fit, and a row said to fit on a page does.
"""
from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from math import ceil

_ASCII = "".join(chr(code) for code in range(32, 127))
_REGULAR = (
    318, 401, 460, 838, 636, 950, 780, 275, 390, 390, 500, 838, 318, 361, 318, 337, 636, 636, 636, 636,
    636, 636, 636, 636, 636, 636, 337, 337, 838, 838, 838, 556, 1015, 684, 686, 722, 770, 667, 611, 778,
    752, 295, 500, 667, 557, 863, 748, 787, 667, 787, 722, 667, 611, 732, 684, 989, 685, 667, 685, 390,
    337, 390, 838, 556, 500, 613, 635, 550, 635, 615, 352, 635, 634, 278, 278, 579, 278, 974, 634, 612,
    635, 635, 411, 521, 392, 634, 592, 818, 592, 592, 525, 636, 337, 636, 838,
)
_BOLD = (
    348, 456, 521, 838, 696, 1002, 872, 306, 457, 457, 523, 838, 380, 415, 380, 365, 696, 696, 696, 696,
    696, 696, 696, 696, 696, 696, 400, 400, 838, 838, 838, 611, 1000, 774, 762, 734, 830, 683, 683, 821,
    837, 372, 556, 775, 637, 995, 837, 850, 733, 850, 770, 720, 682, 812, 774, 1103, 771, 724, 725, 457,
    365, 457, 838, 556, 500, 675, 716, 593, 716, 678, 435, 716, 712, 343, 343, 665, 343, 1042, 712, 687,
    716, 716, 493, 595, 478, 712, 652, 924, 645, 652, 582, 712, 365, 712, 838,
)
WIDTHS = {False: dict(zip(_ASCII, _REGULAR)), True: dict(zip(_ASCII, _BOLD))}
OTHER_CHARACTER = 1000
#: Height of one line of single-spaced text, in font sizes (Arial 1.15, DejaVu Sans 1.16, rounded up).
LINE_HEIGHT = 1.2


def text_width(text: str, size: float, *, bold: bool = False) -> float:
    """Width of the text on one line, in points, at the font size in points."""
    return _em_width(text, bold) * size / 1000


@lru_cache(maxsize=8192)
def _em_width(text: str, bold: bool) -> int:
    """Width in thousandths of the font size (words repeat, so they are measured once)."""
    widths = WIDTHS[bold]
    return sum(widths.get(character, OTHER_CHARACTER) for character in text)


def longest_word_width(text: str, size: float, *, bold: bool = False) -> float:
    """Width in points of the text's widest word (0 for blank text)."""
    return max((text_width(word, size, bold=bold) for word in text.split()), default=0.0)


def line_count(text: str, width: float, size: float, *, bold: bool = False) -> int:
    """Lines the text takes when wrapped at spaces into `width` points (a word wider than the line
    is broken across as many lines as it needs); an empty paragraph still takes one line."""
    space = text_width(" ", size, bold=bold)
    lines, used = 1, 0.0
    for word in text.split():
        word_width = text_width(word, size, bold=bold)
        if (used + space + word_width if used else word_width) <= width:
            used = used + space + word_width if used else word_width
            continue
        if used:
            lines += 1
        pieces = max(1, ceil(word_width / width)) if width > 0 else 1
        lines += pieces - 1
        used = word_width - (pieces - 1) * width
    return lines


def paragraphs_height(paragraphs: Iterable[tuple[str, float, bool]], width: float, space_after: float) -> float:
    """Height in points of (text, size, bold) paragraphs wrapped into `width` points."""
    return sum(line_count(text, width, size, bold=bold) * size * LINE_HEIGHT + space_after
               for text, size, bold in paragraphs)
