"""Django fixtures (the personas) for every test outside tests/engine.

The engine's own tests need no Django: `pytest tests/engine -p no:django` runs
them with Django unconfigured, so the personas are loaded only when settings are.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

try:
    _DJANGO = bool(settings.INSTALLED_APPS)
except ImproperlyConfigured:
    _DJANGO = False

if _DJANGO:
    from tests.personas import *  # noqa: F403
