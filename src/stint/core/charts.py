"""Charts as server-rendered SVG: no JavaScript, no CDN, readable by screen
readers (each chart carries a title, a description and a data table fallback)
and by everyone else (a visible title above it, bar labels wrapped or ended
with "…" rather than clipped, the full label on hover).

Used by every dashboard: `bar_chart` for categories, `line_chart` for series
over time. Values are plain numbers; labels are escaped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from django.utils.safestring import SafeString, mark_safe

PALETTE = ("#2f5bea", "#13a36b", "#d97706", "#b42318", "#7c3aed", "#0e7490")


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float]


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1.0
    magnitude = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 2.5, 5, 10):
        top = step * magnitude
        if top >= value:
            return float(top)
    return float(10 * magnitude)


def _axis_top(values: Sequence[float], unit: str) -> float:
    """The top of the value axis. A percentage chart with nothing above zero still
    spans 0–100% (issue 14: an empty one read 0%–1%)."""
    top = _nice_max(max(values, default=0))
    if unit == "%" and max(values, default=0) <= 0:
        return 100.0
    return top


# Label text: about 7 px per character at 13 px, two lines at most beside a bar.
_CHAR_PX = 7
_MAX_LINES = 2


def _label_lines(label: str, room_px: int) -> list[str]:
    """The label wrapped into at most two lines that fit `room_px`; the last line
    ends with an ellipsis when the label is longer (its full text is the tooltip)."""
    width = max(room_px // _CHAR_PX, 4)
    words, lines, current = label.split(), [], ""
    for word in words:
        candidate = f"{current} {word}".strip()
        if len(candidate) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
        current = word
    if current:
        lines.append(current)
    lines = [line if len(line) <= width else line[: width - 1] + "…" for line in lines] or [""]
    if len(lines) > _MAX_LINES:
        last = " ".join(lines[_MAX_LINES - 1 :])
        lines = [*lines[: _MAX_LINES - 1], last[: width - 1].rstrip() + "…"]
    return lines


def _caption(title: str) -> str:
    return f"<p class='chart-title'>{escape(title)}</p>"


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() or abs(value) >= 100 else f"{value:,.2f}"


def _table(title: str, labels: Sequence[str], series: Sequence[Series]) -> str:
    head = "".join(f"<th scope='col'>{escape(s.name)}</th>" for s in series)
    rows = "".join(
        f"<tr><th scope='row'>{escape(label)}</th>"
        + "".join(f"<td>{_fmt(s.values[i])}</td>" for s in series)
        + "</tr>"
        for i, label in enumerate(labels)
    )
    return (
        f"<details class='chart-data'><summary>Data for “{escape(title)}”</summary>"
        f"<table><thead><tr><th scope='col'></th>{head}</tr></thead><tbody>{rows}</tbody></table></details>"
    )


def _frame(title: str, width: int, height: int, body: str, chart_id: str) -> str:
    return (
        f"<svg class='chart' role='img' viewBox='0 0 {width} {height}' width='100%' "
        f"aria-labelledby='{chart_id}-t {chart_id}-d' xmlns='http://www.w3.org/2000/svg'>"
        f"<title id='{chart_id}-t'>{escape(title)}</title>{body}</svg>"
    )


def bar_chart(
    title: str,
    labels: Sequence[str],
    values: Sequence[float],
    *,
    chart_id: str,
    unit: str = "",
    width: int = 640,
    bar_height: int = 26,
) -> SafeString:
    """Horizontal bars, one per label, values printed at the end of each bar."""
    if len(labels) != len(values):
        raise ValueError("labels and values differ in length")
    top = _axis_top(values, unit)
    left, right = 200, 70
    height = max(len(labels), 1) * (bar_height + 8) + 30
    parts = [f"<desc id='{chart_id}-d'>{escape(title)}: {len(labels)} bars</desc>"]
    if not labels:
        parts.append("<text x='10' y='20' fill='#5b6475'>No data yet</text>")
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = 10 + i * (bar_height + 8)
        w = 0 if top == 0 else (width - left - right) * (value / top)
        # Long labels wrap onto two lines and end with "…", never cut at the edge;
        # the whole label is the tooltip and stays in the data table.
        lines = _label_lines(label, left - 16)
        first_y = y + bar_height * 0.68 - (6.5 if len(lines) > 1 else 0)
        spans = "".join(
            f"<tspan x='{left - 8}' y='{first_y + 13 * k:.1f}'>{escape(line)}</tspan>"
            for k, line in enumerate(lines)
        )
        # Only a shortened label needs its full text on hover.
        hover = f"<title>{escape(label)}</title>" if lines[-1].endswith("…") else ""
        parts.append(
            f"<g>{hover}<text text-anchor='end' font-size='12' "
            f"fill='#1d2433'>{spans}</text></g>"
            f"<rect x='{left}' y='{y}' width='{max(w, 0):.1f}' height='{bar_height}' rx='3' fill='{PALETTE[0]}'/>"
            f"<text x='{left + w + 6:.1f}' y='{y + bar_height * 0.68:.1f}' font-size='12' "
            f"fill='#1d2433'>{_fmt(value)}{escape(unit)}</text>"
        )
    svg = _frame(title, width, height, "".join(parts), chart_id)
    return mark_safe(
        _caption(title) + svg + _table(title, labels, [Series(title, values)])
    )  # every label was escaped above


def line_chart(
    title: str,
    labels: Sequence[str],
    series: Sequence[Series],
    *,
    chart_id: str,
    unit: str = "",
    width: int = 640,
    height: int = 240,
) -> SafeString:
    """Lines over ordered labels (e.g. months), with a legend and y-axis ticks."""
    for s in series:
        if len(s.values) != len(labels):
            raise ValueError(
                f"series {s.name!r} has {len(s.values)} values for {len(labels)} labels"
            )
    left, right, top_pad, bottom = 56, 40, 16, 46  # room for the last, centred label
    plot_w, plot_h = width - left - right, height - top_pad - bottom
    top = _axis_top([v for s in series for v in s.values], unit)
    parts = [
        f"<desc id='{chart_id}-d'>{escape(title)}: {len(series)} series over {len(labels)} points</desc>"
    ]
    for k in range(5):
        value = top * k / 4
        y = top_pad + plot_h - plot_h * k / 4
        parts.append(
            f"<line x1='{left}' x2='{width - right}' y1='{y:.1f}' y2='{y:.1f}' stroke='#dfe3ea'/>"
            f"<text x='{left - 6}' y='{y + 4:.1f}' text-anchor='end' font-size='11' fill='#5b6475'>"
            f"{_fmt(value)}{escape(unit)}</text>"
        )
    n = max(len(labels), 1)
    step = plot_w / max(n - 1, 1)
    every = max(1, n // 8)
    for i, label in enumerate(labels):
        if i % every == 0 or i == n - 1:
            x = left + i * step
            parts.append(
                f"<text x='{x:.1f}' y='{height - bottom + 16}' text-anchor='middle' font-size='11' "
                f"fill='#5b6475'>{escape(label)}</text>"
            )
    for j, s in enumerate(series):
        colour = PALETTE[j % len(PALETTE)]
        points = " ".join(
            f"{left + i * step:.1f},{top_pad + plot_h - (plot_h * (v / top) if top else 0):.1f}"
            for i, v in enumerate(s.values)
        )
        parts.append(
            f"<polyline fill='none' stroke='{colour}' stroke-width='2.5' points='{points}'/>"
        )
        for i, v in enumerate(s.values):
            cx = left + i * step
            cy = top_pad + plot_h - (plot_h * (v / top) if top else 0)
            parts.append(f"<circle cx='{cx:.1f}' cy='{cy:.1f}' r='3' fill='{colour}'/>")
        lx = left + j * 150
        parts.append(
            f"<rect x='{lx}' y='{height - 16}' width='12' height='12' fill='{colour}'/>"
            f"<text x='{lx + 16}' y='{height - 6}' font-size='12' fill='#1d2433'>{escape(s.name)}</text>"
        )
    svg = _frame(title, width, height, "".join(parts), chart_id)
    # every label was escaped above
    return mark_safe(_caption(title) + svg + _table(title, labels, series))
