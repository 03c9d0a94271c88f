# The model moved here from moderation; the table and its rows stay as they are
# (state only, see moderation 0002).

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("moderation", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="AuditEntry",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("action", models.CharField(db_index=True, max_length=60)),
                        ("target_type", models.CharField(max_length=40)),
                        ("target_id", models.CharField(max_length=40)),
                        ("before", models.JSONField(blank=True, default=dict)),
                        ("after", models.JSONField(blank=True, default=dict)),
                        ("ip", models.GenericIPAddressField(blank=True, null=True)),
                        (
                            "at",
                            models.DateTimeField(db_index=True, default=django.utils.timezone.now),
                        ),
                        (
                            "actor",
                            models.ForeignKey(
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "verbose_name_plural": "audit entries",
                        "db_table": "moderation_auditentry",
                        "ordering": ["-at", "-pk"],
                        "indexes": [
                            models.Index(
                                fields=["target_type", "target_id"],
                                name="moderation__target__e56450_idx",
                            )
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
