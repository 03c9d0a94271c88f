"""The one CSV cell escaper: every CSV Stint writes passes each cell through
`csv_cell`, so people's text never runs as a spreadsheet formula (CSV injection).
A test checks that every module calling `csv.writer` uses it."""

from __future__ import annotations

from datetime import date
from typing import Any

# Spreadsheets treat a cell starting with these as a formula (tab and CR too:
# some strip them and then read the formula behind).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> str:
    """A CSV cell that a spreadsheet will not run as a formula."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float):
        return str(value)  # numbers are data, never formulas
    text = value.isoformat() if isinstance(value, date) else str(value)
    if text.startswith(FORMULA_START):
        return "'" + text
    return text


def csv_row(values: list[Any]) -> list[str]:
    return [csv_cell(v) for v in values]
