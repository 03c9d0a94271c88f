"""Roster CSVs, parsed in one place (pure: no database). A roster lists an
institution's students: email, name, programme, graduation year. Every problem is
reported with the row (as a spreadsheet numbers it: the header is row 1) and the
column, so staff can fix the file and upload it again."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

COLUMNS = ("email", "name", "programme", "graduation_year")
REQUIRED = ("email", "name")
# Header spellings people use in exports from student-record systems.
ALIASES = {
    "email": "email",
    "e-mail": "email",
    "email address": "email",
    "name": "name",
    "full name": "name",
    "full_name": "name",
    "student name": "name",
    "programme": "programme",
    "program": "programme",
    "course": "programme",
    "degree": "programme",
    "graduation_year": "graduation_year",
    "graduation year": "graduation_year",
    "grad year": "graduation_year",
    "year of graduation": "graduation_year",
}
# 1 MB holds 5,000 students easily, and stays under Django's 2.5 MB limit on form
# fields when the confirm step posts the file back.
MAX_BYTES = 1024 * 1024
MAX_ROWS = 5000
NAME_MAX = 150
PROGRAMME_MAX = 120
EMAIL_MAX = 254
YEARS_BACK = 10  # alumni up to ten years out
YEARS_AHEAD = 10
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


class RosterFileError(ValueError):
    """The file as a whole cannot be read (encoding, size, no header)."""


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"Row {self.row}, column {self.column}: {self.message}"


@dataclass(frozen=True)
class RosterRow:
    row: int
    email: str
    name: str
    programme: str
    graduation_year: int | None
    errors: tuple[RowError, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass(frozen=True)
class ParsedRoster:
    rows: list[RosterRow]
    errors: list[RowError]  # every error, rows' and the header's, in file order
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)


def decode_upload(data: bytes) -> str:
    """UTF-8 text (with or without the byte-order mark Excel writes)."""
    if len(data) > MAX_BYTES:
        raise RosterFileError(f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RosterFileError(
            "The file is not UTF-8 text: save it as “CSV UTF-8” and upload it again."
        ) from exc


def _dialect(sample: str) -> type[csv.Dialect] | csv.Dialect:
    # Spreadsheets in many countries save with semicolons; the header line tells.
    try:
        return csv.Sniffer().sniff(sample.splitlines()[0] if sample else "", delimiters=",;\t")
    except csv.Error:
        return csv.excel


def _year(raw: str, row: int, this_year: int) -> tuple[int | None, RowError | None]:
    if not raw:
        return None, None
    if not raw.isdigit() or len(raw) != 4:
        return None, RowError(row, "graduation_year", f"“{raw}” is not a year like 2027.")
    year = int(raw)
    if not this_year - YEARS_BACK <= year <= this_year + YEARS_AHEAD:
        return None, RowError(
            row,
            "graduation_year",
            f"{year} is outside {this_year - YEARS_BACK}–{this_year + YEARS_AHEAD}.",
        )
    return year, None


def _row(cells: dict[str, str], row: int, this_year: int, seen: dict[str, int]) -> RosterRow:
    errors: list[RowError] = []
    for column, value in cells.items():
        if _CONTROL.search(value):
            errors.append(RowError(row, column, "Contains control characters."))
    email = cells.get("email", "").strip().lower()
    name = " ".join(cells.get("name", "").split())
    programme = " ".join(cells.get("programme", "").split())
    if not email:
        errors.append(RowError(row, "email", "An email address is required."))
    elif len(email) > EMAIL_MAX:
        errors.append(RowError(row, "email", f"Longer than {EMAIL_MAX} characters."))
    else:
        try:
            validate_email(email)
        except ValidationError:
            errors.append(RowError(row, "email", f"“{email}” is not an email address."))
        else:
            if email in seen:
                errors.append(RowError(row, "email", f"{email} is already on row {seen[email]}."))
            else:
                seen[email] = row
    if not name:
        errors.append(RowError(row, "name", "A name is required."))
    elif len(name) > NAME_MAX:
        errors.append(RowError(row, "name", f"Longer than {NAME_MAX} characters."))
    if len(programme) > PROGRAMME_MAX:
        errors.append(RowError(row, "programme", f"Longer than {PROGRAMME_MAX} characters."))
    year, year_error = _year(cells.get("graduation_year", "").strip(), row, this_year)
    if year_error:
        errors.append(year_error)
    return RosterRow(row, email, name, programme, year, tuple(errors))


def parse_roster(text: str, *, this_year: int) -> ParsedRoster:
    """Every row with its errors. Nothing here decides what is saved: a roster is
    imported only when `ok` (no errors at all)."""
    if "\x00" in text:
        raise RosterFileError("The file contains NUL characters: is it really a CSV?")
    reader = csv.reader(io.StringIO(text, newline=""), _dialect(text[:4096]))
    try:
        header = next(reader, None)
    except csv.Error as exc:
        raise RosterFileError(f"Row 1 cannot be read as CSV: {exc}.") from exc
    if not header or not any(h.strip() for h in header):
        raise RosterFileError("The file is empty: the first row must name the columns.")
    positions: dict[str, int] = {}
    ignored: list[str] = []
    errors: list[RowError] = []
    for i, raw in enumerate(header):
        key = ALIASES.get(" ".join(raw.strip().lower().split()))
        if key is None:
            if raw.strip():
                ignored.append(raw.strip())
        elif key in positions:
            errors.append(RowError(1, key, "This column appears twice."))
        else:
            positions[key] = i
    for column in REQUIRED:
        if column not in positions:
            errors.append(
                RowError(1, column, f"The header has no “{column}” column ({', '.join(COLUMNS)}).")
            )
    if errors:
        return ParsedRoster([], errors, ignored)
    rows: list[RosterRow] = []
    seen: dict[str, int] = {}
    number = 1
    try:
        for cells in reader:
            number += 1  # records, as a spreadsheet numbers its rows (blank ones too)
            if not any(c.strip() for c in cells):
                continue  # blank lines (often at the end) are not students
            if len(rows) >= MAX_ROWS:
                errors.append(
                    RowError(number, "email", f"At most {MAX_ROWS} students per file: split it.")
                )
                break
            values = {c: (cells[p] if p < len(cells) else "") for c, p in positions.items()}
            parsed = _row(values, number, this_year, seen)
            rows.append(parsed)
            errors.extend(parsed.errors)
    except csv.Error as exc:
        errors.append(RowError(number + 1, "email", f"This row cannot be read as CSV: {exc}."))
    if not rows and not errors:
        errors.append(RowError(2, "email", "The file has a header but no students."))
    return ParsedRoster(rows, errors, ignored)
