"""Helpers shared by the areas of the opportunity services: a trimmed text field checked against
its limits."""

from __future__ import annotations

from stint.core.errors import FieldProblems


def _text(
    problems: FieldProblems, value: str, name: str, label: str, *, maximum: int, minimum: int = 0
) -> str:
    value = (value or "").strip()
    if len(value) < minimum:
        problems.add(f"{name}_required", f"{label} is required.", name)
    elif len(value) > maximum:
        problems.add(f"{name}_too_long", f"{label} is at most {maximum} characters.", name)
    return value
