"""Names → ESCO ids through the engine's own search, so the demo never carries
ids by hand. A label that the taxonomy does not know fails loudly: the demo
should break in tests, not show a silently thinner world."""

from __future__ import annotations

from functools import lru_cache

from stint.matching.engine import search_occupations, search_skills


class DemoDataError(LookupError):
    pass


@lru_cache(maxsize=512)
def skill_id(label: str) -> str:
    """The id of the skill whose label is exactly `label` (case-insensitive)."""
    wanted = label.casefold()
    for option in search_skills(label, 10):
        if option["label"].casefold() == wanted:
            return option["id"]
    raise DemoDataError(f"The taxonomy has no skill labelled {label!r}.")


@lru_cache(maxsize=128)
def occupation_id(title: str) -> str:
    """The occupation that title normalisation finds for `title`, preferring an exact label."""
    options = search_occupations(title, 5)
    for option in options:
        if option["label"].casefold() == title.casefold():
            return str(option["id"])
    if options:
        return str(options[0]["id"])
    raise DemoDataError(f"No occupation matches {title!r}.")
