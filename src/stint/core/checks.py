"""Deployment checks (`manage.py check --deploy`) for what Django's own checks
cannot know: Stint's limits need a shared cache and a stated proxy count, and
signed credentials need a signing key that every host shares."""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register

PER_PROCESS_CACHES = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
)


@register(Tags.security, deploy=True)
def shared_state(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    if not getattr(settings, "PRODUCTION", False):
        return []
    errors: list[CheckMessage] = []
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if backend in PER_PROCESS_CACHES:
        errors.append(
            Error(
                "The cache is kept per process: rate limits and login throttles would "
                "count separately in every web process.",
                hint="Set CACHE_URL to a shared cache, e.g. redis://127.0.0.1:6379/1.",
                id="stint.E001",
            )
        )
    if getattr(settings, "STINT_TRUSTED_PROXIES", None) is None:
        errors.append(
            Error(
                "STINT_TRUSTED_PROXIES is not set: client addresses (rate limits, audit "
                "log, login throttles) would be guessed.",
                hint="Set it to the number of proxies you run in front of Stint (0 if none).",
                id="stint.E002",
            )
        )
    if not os.environ.get("STINT_SIGNING_KEY", "").strip():
        errors.append(
            Error(
                "STINT_SIGNING_KEY is not set: each host would sign credentials with its own key.",
                hint="Run `manage.py rotate_signing_key --output FILE` once and set "
                "STINT_SIGNING_KEY to the file's contents on every host.",
                id="stint.E003",
            )
        )
    return errors
