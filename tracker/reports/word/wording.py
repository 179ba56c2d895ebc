"""How dates, values, indicators and RAG ratings are written in the documents."""
from __future__ import annotations

from datetime import date

RAG_FILLS = {"red": "FF0000", "amber": "FFC000", "green": "00B050", "blue": "0070C0"}
RAG_WORDS = {"red": "Red", "amber": "Amber", "green": "Green", "blue": "Blue (complete)"}
TREND_WORDS = {"better": "better ↑", "worse": "worse ↓", "same": "same →"}
DASH = "–"
WHITE = "FFFFFF"
BLACK = "000000"
MIN_CONTRAST = 4.5


def month_year(day: date) -> str:
    """'09.24', as in 'RAG rating (as at 09.24)'."""
    return f"{day.month:02d}.{day.year % 100:02d}"


def indicator_list(numbers: tuple[int, ...]) -> str:
    """'Indicator 2', 'Indicators 2, 3' or 'Indicators 1-9' ('' when none)."""
    if not numbers:
        return ""
    ordered = sorted(set(numbers))
    runs: list[list[int]] = []
    for number in ordered:
        if runs and number == runs[-1][-1] + 1:
            runs[-1].append(number)
        else:
            runs.append([number])
    parts = [f"{r[0]}-{r[-1]}" if len(r) >= 3 else ", ".join(map(str, r)) for r in runs]
    word = "Indicator" if len(ordered) == 1 else "Indicators"
    return f"{word} {', '.join(parts)}"


def value_text(value: float | None, unit: str) -> str:
    """'11.11%' for percentages, '1.21' for ratios, '–' when missing."""
    if value is None:
        return DASH
    return f"{value:.2f}%" if unit == "percent" else f"{value:.2f}"


def trend_text(trend: str | None) -> str:
    """'better ↑', 'worse ↓', 'same →' or '–'."""
    return TREND_WORDS.get(trend, DASH) if trend else DASH


def _luminance(hex_colour: str) -> float:
    """WCAG relative luminance of an RRGGBB colour."""
    channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(first: str, second: str) -> float:
    """WCAG contrast ratio between two RRGGBB colours."""
    high, low = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def text_colour_on(fill: str) -> str:
    """White text when it meets WCAG AA (4.5:1) on the fill, black otherwise."""
    return WHITE if contrast(WHITE, fill) >= MIN_CONTRAST else BLACK
