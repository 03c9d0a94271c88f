from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils import timezone


class IndexChange(models.Model):
    """The change log that keeps every process's matching indexes current.

    Tasks append a row when an opportunity or a candidate profile changes; each
    web process applies the rows after the last one it has seen. Processes share
    state only through the database (and an optional snapshot on disk).
    """

    class Kind(models.TextChoices):
        OPPORTUNITY = "opportunity", "Opportunity"
        CANDIDATE = "candidate", "Candidate"

    kind = models.CharField(max_length=12, choices=Kind.choices)
    object_id = models.BigIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["pk"]
        indexes: ClassVar = [models.Index(fields=["kind", "id"])]

    def __str__(self) -> str:
        return f"{self.kind}:{self.object_id}#{self.pk}"
