"""Django fixtures (the personas) for every test outside tests/engine.

The engine's own tests need no Django: `pytest tests/engine -p no:django` runs
them with Django unconfigured, so the personas are loaded only when settings are.

Under pytest-xdist each worker is its own process with its own test database
(pytest-django suffixes the name with the worker id: `test.sqlite3_gw0`,
`test_stint_test_gw0`) and, below, its own uploads folder.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

try:
    _DJANGO = bool(settings.INSTALLED_APPS)
except ImproperlyConfigured:
    _DJANGO = False

if _DJANGO:
    from tests.api.fuzz import api_operations, wsgi_keeps_connection  # noqa: F401
    from tests.concurrency import needs_postgres  # noqa: F401
    from tests.personas import *  # noqa: F403

    def pytest_configure(config: pytest.Config) -> None:
        # Under xdist the controller runs this before any worker starts: the development
        # signing key, created under VAR_DIR on first use, is made once here so that two
        # workers never race to write and read it on a fresh checkout.
        if not hasattr(config, "workerinput"):
            from stint.reviews.credentials import platform_key

            platform_key()

    @pytest.fixture(scope="session", autouse=True)
    def uploads_of_this_session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
        """Uploads go to a folder of this session (of this worker under xdist), not to
        var/media, so parallel workers and a developer's own files never meet."""
        from django.test import override_settings

        with override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")):
            yield
