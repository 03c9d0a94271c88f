from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("sso", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="institutionsignon",
            name="staff_claim",
            field=models.CharField(blank=True, max_length=200),
        ),
        migrations.AddField(
            model_name="institutionsignon",
            name="staff_values",
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.AddField(
            model_name="institutionidentity",
            name="staff_by_sign_on",
            field=models.BooleanField(default=False),
        ),
    ]
