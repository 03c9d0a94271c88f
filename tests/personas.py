"""Shared fixtures: the personas every test speaks of, and clients for them.

- alice: a candidate
- bob: owner of the employer Acme
- carol: owner of another employer, Globex (must never see Acme's things)
- dana: owner (staff) of the institution Uni of Testing
- eve: an outsider with an account and no role
- root: a platform admin
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.test import Client

from stint.accounts.models import User
from stint.accounts.services import api_token_create
from stint.orgs.models import Organisation
from stint.orgs.services import organisation_create

PASSWORD = "correct-horse-battery-staple"


@pytest.fixture(autouse=True)
def fast_and_inline(settings: Any) -> None:
    # Tasks run inline so tests see their effects; a fast hasher keeps the suite quick
    # (Argon2 itself is checked in tests/accounts/test_auth.py).
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STINT_INDEX_BUILD = "sync"
    # The second-factor requirement (on by default) is tested in tests/accounts/test_mfa.py;
    # elsewhere the personas move money without setting one up.
    settings.STINT_MFA_REQUIRED = False
    from stint.matching.indexes import reset_all

    reset_all()  # each test's database starts empty: so do the process's indexes
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def fresh_rate_limits() -> None:
    # Rate-limit counters live in the cache and are keyed by user id, which the
    # test database reuses: each test starts with none counted.
    from django.core.cache import cache

    cache.clear()


def make_user(email: str, *, candidate: bool = False, staff: bool = False, name: str = "") -> User:
    user = User.objects.create_user(
        email=email, password=PASSWORD, full_name=name, is_candidate=candidate
    )
    if staff:
        user.is_staff = True
        user.is_superuser = True
        user.save()
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


@pytest.fixture
def alice(db: None) -> User:
    return make_user("alice@example.com", candidate=True, name="Alice Candidate")


@pytest.fixture
def bob(db: None) -> User:
    return make_user("bob@acme.example", name="Bob Employer")


@pytest.fixture
def carol(db: None) -> User:
    return make_user("carol@globex.example", name="Carol Other")


@pytest.fixture
def dana(db: None) -> User:
    return make_user("dana@uni.example.edu", name="Dana Careers")


@pytest.fixture
def eve(db: None) -> User:
    return make_user("eve@outsider.example", name="Eve Outsider")


@pytest.fixture
def root(db: None) -> User:
    return make_user("root@stint.example", staff=True, name="Root Admin")


@pytest.fixture
def acme(bob: User) -> Organisation:
    return organisation_create(actor=bob, kind="employer", name="Acme")


@pytest.fixture
def globex(carol: User) -> Organisation:
    return organisation_create(actor=carol, kind="employer", name="Globex")


@pytest.fixture
def uni(dana: User) -> Organisation:
    return organisation_create(actor=dana, kind="institution", name="Uni of Testing")


@pytest.fixture
def client_for() -> Callable[[User | None], Client]:
    def make(user: User | None) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user)
        return client

    return make


@pytest.fixture
def token_for() -> Callable[[User], str]:
    def make(user: User) -> str:
        return api_token_create(user=user, name="tests").secret

    return make


@pytest.fixture
def api_for(token_for: Callable[[User], str]) -> Callable[[User | None], Client]:
    """A client that talks to the API with a Bearer token (no session, no CSRF)."""

    def make(user: User | None) -> Client:
        if user is None:
            return Client()
        return Client(HTTP_AUTHORIZATION=f"Bearer {token_for(user)}")

    return make
