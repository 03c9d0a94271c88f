from __future__ import annotations

import pytest

from stint.core.charts import Series, bar_chart, line_chart


def test_bar_chart_escapes_labels_and_keeps_a_data_table() -> None:
    svg = str(bar_chart("Skills gained", ["<script>x</script>", "SQL"], [3, 1], chart_id="c1"))
    assert "<script>x" not in svg
    assert "&lt;script&gt;" in svg
    assert svg.count("<rect") == 2
    assert "<table>" in svg and "<td>3</td>" in svg
    assert "role='img'" in svg and "<title id='c1-t'>Skills gained</title>" in svg


def test_bar_widths_are_proportional() -> None:
    svg = str(bar_chart("t", ["a", "b"], [10, 5], chart_id="c"))
    widths = [float(part.split("'")[0]) for part in svg.split("width='")[2:4]]
    assert widths[0] == pytest.approx(2 * widths[1])


def test_line_chart_checks_lengths_and_draws_each_series() -> None:
    svg = str(
        line_chart("Earnings", ["Jan", "Feb", "Mar"], [Series("EUR", [0, 50, 100])], chart_id="l")
    )
    assert svg.count("<polyline") == 1
    assert svg.count("<circle") == 3
    with pytest.raises(ValueError, match="3 labels"):
        line_chart("x", ["a", "b", "c"], [Series("s", [1, 2])], chart_id="x")


def test_empty_bar_chart_says_so() -> None:
    assert "No data yet" in str(bar_chart("Nothing", [], [], chart_id="e"))
