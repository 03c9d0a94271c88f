"""On SQLite, browse's `?q=` gets an index: an FTS5 table with the trigram
tokenizer over `Opportunity.search_text` (external content, kept in step by
triggers). `LIKE '%word%'` had to scan every row (35–80 ms at 100k postings,
docs/bench/load.md); a trigram phrase finds the same substrings from the index.

PostgreSQL has its pg_trgm GIN index (0004) and gets nothing here. An SQLite
built without FTS5 or older than 3.34 (no trigram tokenizer) skips this
migration and search falls back to the scan (opportunities.search)."""

from django.db import migrations

TABLE = "opportunities_search"
CONTENT = "opportunities_opportunity"

CREATE = [
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {TABLE} USING fts5(search_text, "
    f"content='{CONTENT}', content_rowid='id', tokenize='trigram')",
    f"CREATE TRIGGER IF NOT EXISTS {TABLE}_ai AFTER INSERT ON {CONTENT} BEGIN "
    f"INSERT INTO {TABLE}(rowid, search_text) VALUES (new.id, new.search_text); END",
    f"CREATE TRIGGER IF NOT EXISTS {TABLE}_ad AFTER DELETE ON {CONTENT} BEGIN "
    f"INSERT INTO {TABLE}({TABLE}, rowid, search_text) "
    f"VALUES ('delete', old.id, old.search_text); END",
    f"CREATE TRIGGER IF NOT EXISTS {TABLE}_au AFTER UPDATE OF search_text ON {CONTENT} BEGIN "
    f"INSERT INTO {TABLE}({TABLE}, rowid, search_text) "
    f"VALUES ('delete', old.id, old.search_text); "
    f"INSERT INTO {TABLE}(rowid, search_text) VALUES (new.id, new.search_text); END",
    f"INSERT INTO {TABLE}({TABLE}) VALUES ('rebuild')",
]
DROP = [
    f"DROP TRIGGER IF EXISTS {TABLE}_ai",
    f"DROP TRIGGER IF EXISTS {TABLE}_ad",
    f"DROP TRIGGER IF EXISTS {TABLE}_au",
    f"DROP TABLE IF EXISTS {TABLE}",
]


def _can_index(schema_editor) -> bool:  # type: ignore[no-untyped-def]
    connection = schema_editor.connection
    if connection.vendor != "sqlite":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT sqlite_version()")
        version = tuple(int(p) for p in cursor.fetchone()[0].split(".")[:2])
        cursor.execute("SELECT 1 FROM pragma_compile_options WHERE compile_options = 'ENABLE_FTS5'")
        fts5 = cursor.fetchone() is not None
    return fts5 and version >= (3, 34)


def create(apps, schema_editor):  # type: ignore[no-untyped-def]
    if _can_index(schema_editor):
        for sql in CREATE:
            schema_editor.execute(sql)


def drop(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "sqlite":
        for sql in DROP:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("opportunities", "0004_search_text"),
    ]

    operations = [migrations.RunPython(create, drop)]
