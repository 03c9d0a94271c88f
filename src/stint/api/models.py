from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone


class IdempotentRequest(models.Model):
    """One `Idempotency-Key` a caller sent, and the answer it got (decision 0016).

    A retry with the same key and the same request gets the stored answer instead
    of acting twice; the same key with another request is a 409. Kept a day."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64)  # SHA-256 of method, path and body
    status = models.PositiveSmallIntegerField(null=True)  # null while the first is running
    content_type = models.CharField(max_length=100, blank=True)
    body = models.BinaryField(blank=True)
    location = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotent_request_user_key")
        ]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.key}"
