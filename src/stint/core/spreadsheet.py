"""The one CSV cell escaper: every CSV Stint writes passes each cell through
`csv_cell`, so people's text never runs as a spreadsheet formula (CSV injection).
A test checks that every module calling `csv.writer` uses it.

`csv_download` is the one way a page or an API operation answers a table as a CSV
file; API report operations give it when asked with `Accept: text/csv` (`wants_csv`)."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from typing import Any

from django.http import HttpRequest, StreamingHttpResponse

CSV_TYPE = "text/csv; charset=utf-8"

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


class _Echo:
    """A file that hands back what is written: csv.writer producing lines to stream."""

    def write(self, value: str) -> str:
        return value


def csv_download(
    header: Sequence[str], rows: Iterable[Sequence[Any]], filename: str
) -> StreamingHttpResponse:
    """A CSV attachment, streamed row by row, every cell escaped."""
    writer = csv.writer(_Echo())

    def lines() -> Iterator[str]:
        yield writer.writerow(list(header))
        for row in rows:
            yield writer.writerow(csv_row(list(row)))

    response = StreamingHttpResponse(lines(), content_type=CSV_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


def wants_csv(request: HttpRequest) -> bool:
    """Does the caller prefer CSV to JSON (`Accept: text/csv`)? `*/*` or no header: JSON."""
    return request.get_preferred_type(["application/json", "text/csv"]) == "text/csv"


# `openapi_extra` of a report operation that also answers CSV (`wants_csv`): its 200
# lists text/csv beside the JSON, so a generated client knows both.
ALSO_CSV: dict[str, Any] = {
    "responses": {200: {"content": {"text/csv": {"schema": {"type": "string"}}}}}
}
