"""JSON bodies: parsed as usual, then refused with a 400 naming the field when a
string holds a NUL character (PostgreSQL text cannot store one, and no honest
client sends one)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.parser import Parser

MESSAGE = "Text may not contain NUL characters."


class NulCharacters(ValueError):
    """Raised by the parser; ninja wraps it in a 400 whose handler names the fields."""

    def __init__(self, fields: list[str]) -> None:
        super().__init__(MESSAGE)
        self.fields = fields


def _nul_paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    if isinstance(value, str):
        return [path] if "\x00" in value else []
    if isinstance(value, dict):
        found = []
        for key, item in value.items():
            if isinstance(key, str) and "\x00" in key:
                found.append((*path, key))
            found.extend(_nul_paths(item, (*path, key)))
        return found
    if isinstance(value, list):
        return [p for i, item in enumerate(value) for p in _nul_paths(item, (*path, i))]
    return []


class StrictJsonParser(Parser):
    def parse_body(self, request: HttpRequest) -> Any:
        data = super().parse_body(request)
        bad = _nul_paths(data)
        if bad:
            raise NulCharacters([".".join(str(part) for part in p) for p in bad])
        return data
