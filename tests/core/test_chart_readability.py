"""Issue 14 item 16: bar labels are never clipped (wrapped or ended with "…",
the full text on hover), empty percentage charts span 0–100%, and every chart
has a visible title."""

from __future__ import annotations

import re

from stint.core.charts import Series, _label_lines, bar_chart, line_chart

LONG = "Compare prices from our ten biggest suppliers and tell us where to save"


def _label_text(svg: str) -> list[str]:
    return re.findall(r"<tspan[^>]*>([^<]*)</tspan>", svg)


def test_a_long_bar_label_wraps_and_ends_with_an_ellipsis_never_cut_at_the_start() -> None:
    svg = str(bar_chart("Days to fill", [LONG, "SQL"], [12, 3], chart_id="f"))
    lines = _label_text(svg)
    assert lines[0].startswith("Compare prices")  # the start is kept (was "mpare prices…")
    assert lines[1].endswith("…")
    assert lines[2] == "SQL"
    assert f"<title>{LONG}</title>" in svg  # the whole label on hover
    assert f"<th scope='row'>{LONG}</th>" in svg  # and in the data table


def test_label_lines_fit_the_room_beside_the_bars() -> None:
    for label in (LONG, "x" * 80, "Supercalifragilisticexpialidocious analytics", "Python"):
        lines = _label_lines(label, 184)
        assert 1 <= len(lines) <= 2
        assert all(len(line) * 7 <= 184 for line in lines), lines
    assert _label_lines("Python", 184) == ["Python"]


def test_an_empty_percentage_chart_spans_0_to_100() -> None:
    svg = str(
        line_chart("Completion rate", ["Jan", "Feb"], [Series("%", [0, 0])], chart_id="p", unit="%")
    )
    ticks = re.findall(r">([\d.,]+)%</text>", svg)
    assert ticks[0] == "0" and ticks[-1] == "100"
    assert "1%" not in ticks and "0.25" not in svg
    bars = str(bar_chart("Rates", ["Completion rate"], [0], chart_id="r", unit="%"))
    assert "width='0.0'" in bars


def test_a_percentage_chart_with_data_keeps_its_own_scale() -> None:
    svg = str(line_chart("Share", ["Jan", "Feb"], [Series("%", [10, 40])], chart_id="s", unit="%"))
    assert re.findall(r">([\d.,]+)%</text>", svg)[-1] == "50"


def test_every_chart_has_a_visible_title() -> None:
    for chart_id, chart in (
        ("a", bar_chart("Top verified skills", ["SQL"], [2], chart_id="a")),
        ("b", bar_chart("Nothing yet", [], [], chart_id="b")),
        ("c", line_chart("Earnings per month", ["Jan"], [Series("EUR", [5])], chart_id="c")),
    ):
        html = str(chart)
        visible = re.match(r"<p class='chart-title'>([^<]+)</p><svg", html)
        assert visible is not None, html[:80]
        assert f"<title id='{chart_id}-t'>{visible.group(1)}</title>" in html


def test_short_labels_need_no_tooltip() -> None:
    svg = str(bar_chart("Top verified skills", ["Python", "SQL"], [2, 1], chart_id="t"))
    assert svg.count("<title") == 1  # the chart's own
