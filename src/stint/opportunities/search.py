"""Keyword search over `Opportunity.search_text` (lower-cased title, summary,
deliverables and skill labels): every word must appear, as a substring.

PostgreSQL serves `LIKE '%word%'` from its pg_trgm GIN index (migration 0004).
SQLite uses an FTS5 trigram table (migration 0005) for words of three letters or
more, which finds exactly the rows `LIKE` would (trigram phrases are substrings,
case-insensitive like SQLite's `LIKE`); shorter words, and an SQLite without the
table, fall back to `LIKE`, which scans.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

FTS_TABLE = "opportunities_search"
TRIGRAM = 3  # the trigram tokenizer cannot look up shorter words

_has_fts: dict[str, bool] = {}  # per database name: the table exists


def sqlite_index_ready() -> bool:
    if connection.vendor != "sqlite":
        return False
    name = str(connection.settings_dict["NAME"])
    if name not in _has_fts:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = %s", [FTS_TABLE]
            )
            _has_fts[name] = cursor.fetchone() is not None
    return _has_fts[name]


def _phrase(word: str) -> str:
    return '"' + word.replace('"', '""') + '"'


def filter_words(qs: QuerySet, words: Sequence[str], *, use_index: bool = True) -> QuerySet:  # type: ignore[type-arg]
    """`qs` narrowed to rows whose search text contains every word. With
    `use_index=False` SQLite scans: cheaper for a first page of a common word,
    where walking the newest rows finds twenty matches at once."""
    words = [w.lower() for w in words if w]
    indexed = [w for w in words if len(w) >= TRIGRAM] if use_index and sqlite_index_ready() else []
    if indexed:
        match = " AND ".join(_phrase(w) for w in indexed)
        # The table name is a constant and the words are a bound parameter.
        sql = f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s"  # noqa: S608
        qs = qs.filter(pk__in=RawSQL(sql, [match]))  # noqa: S611
    for word in words:
        if word not in indexed:
            qs = qs.filter(search_text__contains=word)
    return qs
