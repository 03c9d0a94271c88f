"""Several web processes or hosts: a shared cache, the client's address behind our
proxies, and deployment checks that refuse per-process state in production."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory

from stint.config.env import cache_from_url
from stint.core import checks
from stint.core.net import client_ip

REPO = Path(__file__).resolve().parents[2]


def test_cache_url_names_the_backend() -> None:
    assert cache_from_url("redis://10.0.0.5:6379/2") == {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://10.0.0.5:6379/2",
    }
    assert cache_from_url("")["BACKEND"].endswith("LocMemCache")
    with pytest.raises(ImproperlyConfigured, match="CACHE_URL"):
        cache_from_url("memcached://x")


@pytest.mark.parametrize(
    ("trusted", "forwarded", "remote", "expected"),
    [
        (None, "198.51.100.9", "10.0.0.2", "10.0.0.2"),  # nobody trusted: the socket
        (0, "198.51.100.9", "10.0.0.2", "10.0.0.2"),
        (1, "198.51.100.9", "10.0.0.2", "198.51.100.9"),  # one proxy appended the client
        (1, "6.6.6.6, 198.51.100.9", "10.0.0.2", "198.51.100.9"),  # spoofed entry ignored
        (2, "6.6.6.6, 198.51.100.9, 10.0.0.3", "10.0.0.2", "198.51.100.9"),
        (2, "198.51.100.9", "10.0.0.2", "10.0.0.2"),  # skipped a proxy: not believed
        (1, "[2001:db8::7]:443", "10.0.0.2", "2001:db8::7"),
        (1, "not-an-ip", "10.0.0.2", None),
        (1, "", "10.0.0.2", "10.0.0.2"),
    ],
)
def test_client_ip_behind_trusted_proxies(  # type: ignore[no-untyped-def]
    settings, trusted, forwarded, remote, expected
) -> None:
    settings.STINT_TRUSTED_PROXIES = trusted
    headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    request = RequestFactory().get("/", REMOTE_ADDR=remote, **headers)
    assert client_ip(request) == expected


def test_deploy_checks_refuse_per_process_state(settings, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    settings.PRODUCTION = True
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.STINT_TRUSTED_PROXIES = None
    monkeypatch.delenv("STINT_SIGNING_KEY", raising=False)
    assert [e.id for e in checks.shared_state()] == ["stint.E001", "stint.E002", "stint.E003"]

    settings.CACHES = {"default": cache_from_url("redis://127.0.0.1:6379/1")}
    settings.STINT_TRUSTED_PROXIES = 0
    monkeypatch.setenv("STINT_SIGNING_KEY", "key")
    assert checks.shared_state() == []


def test_development_is_not_held_to_them(settings) -> None:  # type: ignore[no-untyped-def]
    settings.PRODUCTION = False
    settings.STINT_TRUSTED_PROXIES = None
    assert checks.shared_state() == []


def test_check_deploy_fails_on_a_production_host_without_shared_state(tmp_path) -> None:  # type: ignore[no-untyped-def]
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("CACHE_URL", "STINT_SIGNING_KEY")},
        "STINT_ENV": "production",
        "SECRET_KEY": "x" * 64 + "-production-secret-for-the-check-only",
        "ALLOWED_HOSTS": "stint.example.org",
        "STINT_VAR_DIR": str(tmp_path),
        "DEBUG": "false",
    }
    env.pop("STINT_TRUSTED_PROXIES", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        cwd=REPO,
    )
    assert result.returncode != 0
    for code in ("stint.E001", "stint.E002", "stint.E003"):
        assert code in result.stderr + result.stdout
