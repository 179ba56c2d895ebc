"""The plan's RAG charts as pure code: months of the plan year, figures in words, SVG fit for the pages, PNG for Word."""
from __future__ import annotations

import re
from datetime import date

from tracker.plans import charts

BARS = [charts.Bar("1. Inclusive recruitment and promotion across every staff group", (2, 3, 8, 4, 1)),
        charts.Bar("2. Disciplinary disparity", (1, 0, 5, 0, 2))]


def test_month_ends_run_from_april_to_todays_month():
    ends = charts.month_ends(date(2024, 4, 1), date(2025, 3, 31), date(2024, 6, 15))
    assert ends == [date(2024, 4, 30), date(2024, 5, 31), date(2024, 6, 30)]


def test_month_ends_cross_the_new_year_and_stop_at_the_end_of_the_plan_year():
    ends = charts.month_ends(date(2024, 4, 1), date(2025, 3, 31), date(2026, 7, 1))
    assert len(ends) == 12
    assert ends[8:] == [date(2024, 12, 31), date(2025, 1, 31), date(2025, 2, 28), date(2025, 3, 31)]


def test_no_months_before_the_plan_year_starts():
    assert charts.month_ends(date(2024, 4, 1), date(2025, 3, 31), date(2024, 3, 31)) == []


def test_a_bar_reads_counts_by_rag_and_not_rated():
    item = charts.bar("Apr 2024", {"red": 2, "blue": 1, None: 4})
    assert item.counts == (2, 0, 0, 1, 4)
    assert item.total == 7 and item.count(None) == 4 and item.count("amber") == 0


def test_the_description_gives_every_figure_in_words():
    text = charts.describe("Actions by theme and RAG", BARS)
    assert "2. Disciplinary disparity: Red 1, Green 5, Not rated 2." in text
    assert "Blue (complete) 4" in text


def test_the_svg_is_an_image_with_a_title_and_description_and_no_inline_css():
    svg = charts.to_svg("theme", BARS, "Actions by theme and RAG", description="Every figure.", id_prefix="by-theme")
    assert svg.startswith("<svg ")
    assert 'role="img"' in svg and 'aria-labelledby="by-theme-title"' in svg
    assert '<title id="by-theme-title">Actions by theme and RAG</title>' in svg
    assert '<desc id="by-theme-desc">Every figure.</desc>' in svg
    assert "style=" not in svg and "<style" not in svg


def test_the_legend_names_each_rating_in_words_and_segments_carry_their_counts():
    svg = charts.to_svg("theme", BARS, "Actions by theme and RAG", description="", id_prefix="t")
    texts = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
    for word in ("Red", "Amber", "Green", "Blue (complete)", "Not rated"):
        assert word in texts
    assert "8" in texts and "5" in texts


def test_each_rating_has_its_own_fill_pattern_so_colour_is_not_the_only_signal():
    patterned = [rag for rag in charts.RAG_ORDER if charts.HATCHES[rag]]
    assert len(set(charts.HATCHES.values())) == len(charts.RAG_ORDER)
    assert len(patterned) >= 4


def test_two_charts_on_one_page_share_no_id():
    first = charts.to_svg("theme", BARS, "A", description="", id_prefix="one")
    second = charts.to_svg("time", BARS, "B", description="", id_prefix="two")
    ids = re.findall(r'\sid="([^"]+)"', first) + re.findall(r'\sid="([^"]+)"', second)
    assert len(ids) == len(set(ids))
    for reference in re.findall(r"url\(#([^)]+)\)", first):
        assert reference.startswith("one-") and f'id="{reference}"' in first


def test_the_same_figures_give_the_same_svg():
    assert charts.to_svg("time", BARS, "B", description="", id_prefix="x") == charts.to_svg(
        "time", BARS, "B", description="", id_prefix="x")


def test_the_png_is_a_png_at_the_word_size():
    png = charts.to_png("time", BARS, "Actions at each RAG")
    assert png.startswith(b"\x89PNG")
    width = int.from_bytes(png[16:20], "big")
    assert width == int(charts.WORD_SIZE_INCHES[0] * charts.PNG_DPI)


def test_long_theme_labels_are_wrapped_and_shortened_beside_the_bar():
    label = charts._short("1. " + "Inclusive recruitment and promotion " * 4)
    assert label.count("\n") == 1 and label.endswith("…")
