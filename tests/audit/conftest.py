"""Fixtures for the audit tests: the worlds of the apps whose privileged actions
are audited, reused from their own test packages."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from stint.reviews import credentials
from tests.engagements.conftest import (  # noqa: F401  (fixtures reused)
    acme_member,
    engagement,
    esco_skills,
    frank,
    open_engagement,
    opportunity,
)
from tests.moderation.conftest import (  # noqa: F401  (fixtures reused)
    acme,
    live_posting,
    make_posting,
    thread,
    verified_acme,
)
from tests.programs.conftest import (  # noqa: F401  (fixtures reused)
    affiliated,
    opportunities,
    program,
    ranking_program,
    students,
)
from tests.sso.conftest import idp, uni_domain, uni_oidc  # noqa: F401  (fixtures reused)


@pytest.fixture(autouse=True)
def fresh_key(settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A development signing key under a temporary VAR_DIR (credentials are issued)."""
    settings.VAR_DIR = tmp_path
    monkeypatch.delenv("STINT_SIGNING_KEY", raising=False)
    credentials.platform_key.cache_clear()
    yield
    credentials.platform_key.cache_clear()
