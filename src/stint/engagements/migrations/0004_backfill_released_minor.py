"""Open engagements paid by milestone before `released_minor` followed each approval
(issue 15 item 15) get what their approved milestones released; nothing else changes."""

from django.db import migrations
from django.db.models import Sum


def backfill(apps, schema_editor):  # type: ignore[no-untyped-def]
    Engagement = apps.get_model("engagements", "Engagement")
    Milestone = apps.get_model("engagements", "Milestone")
    waiting = Engagement.objects.filter(by_milestone=True, released_minor__isnull=True)
    for engagement_id in waiting.values_list("pk", flat=True).iterator():
        released = Milestone.objects.filter(
            engagement_id=engagement_id, status="approved"
        ).aggregate(total=Sum("amount_minor"))["total"]
        if released:
            Engagement.objects.filter(pk=engagement_id, released_minor__isnull=True).update(
                released_minor=released
            )


class Migration(migrations.Migration):
    dependencies = [("engagements", "0003_milestone_by_milestone")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
