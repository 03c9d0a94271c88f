"""Browse's `?q=` searches one denormalised, lower-cased column instead of
OR-ing a subquery over every required skill per word (docs/bench/load.md).

On PostgreSQL a pg_trgm GIN index serves `search_text LIKE '%word%'`; it is
created only there (SQLite has no trigram index) and so is not part of the
model state."""

from django.db import migrations, models

INDEX = "opp_search_text_trgm_idx"


def backfill(apps, schema_editor):  # type: ignore[no-untyped-def]
    opportunity = apps.get_model("opportunities", "Opportunity")
    required = apps.get_model("opportunities", "RequiredSkill")
    last = 0
    while True:
        rows = list(
            opportunity.objects.filter(pk__gt=last)
            .order_by("pk")
            .only("title", "summary", "deliverables")[:2000]
        )
        if not rows:
            return
        labels: dict[int, list[str]] = {}
        for oid, label in (
            required.objects.filter(opportunity_id__in=[r.pk for r in rows])
            .order_by("need", "label")
            .values_list("opportunity_id", "label")
        ):
            labels.setdefault(oid, []).append(label)
        for r in rows:
            parts = [r.title, r.summary, r.deliverables, *labels.get(r.pk, ())]
            r.search_text = "\n".join(parts).lower()  # as models.search_text_of
        opportunity.objects.bulk_update(rows, ["search_text"], batch_size=500)
        last = rows[-1].pk


def trigram_index(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    table = apps.get_model("opportunities", "Opportunity")._meta.db_table
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f'CREATE INDEX IF NOT EXISTS "{INDEX}" ON "{table}" USING gin ("search_text" gin_trgm_ops)'
    )


def drop_trigram_index(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f'DROP INDEX IF EXISTS "{INDEX}"')


class Migration(migrations.Migration):
    dependencies = [
        ("opportunities", "0003_browse_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="opportunity",
            name="search_text",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True),
        migrations.RunPython(trigram_index, drop_trigram_index),
    ]
