"""A documented maximum fee (issue 15 item 6), held by the database too.

On SQLite, adding a constraint rebuilds the table, which drops the triggers that
keep the FTS5 search index (0005) in step: they are created again afterwards, in
both directions."""

import importlib

from django.conf import settings
from django.db import migrations, models

_search = importlib.import_module("stint.opportunities.migrations.0005_sqlite_search_index")


def recreate_search_index(apps, schema_editor):  # type: ignore[no-untyped-def]
    _search.create(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("opportunities", "0005_sqlite_search_index"),
        ("orgs", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # Runs last when migrating backwards (after the constraint is removed).
        migrations.RunPython(migrations.RunPython.noop, recreate_search_index),
        migrations.AddConstraint(
            model_name="opportunity",
            constraint=models.CheckConstraint(
                condition=models.Q(("fee_minor__lte", 100000000)), name="opportunity_fee_bounded"
            ),
        ),
        migrations.RunPython(recreate_search_index, migrations.RunPython.noop),
    ]
