from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError

from stint.config import env
from stint.config.settings import _email_settings
from stint.core.money import CurrencyMismatch, Money

REPO = str(__import__("pathlib").Path(__file__).resolve().parents[2])


def test_env_bool_refuses_a_value_that_is_not_a_boolean(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("X_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="X_FLAG"):
        env.env_bool("X_FLAG", False)
    monkeypatch.setenv("X_FLAG", "Yes")
    assert env.env_bool("X_FLAG", False) is True


def test_env_int_and_list(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("X_INT", "twelve")
    with pytest.raises(ImproperlyConfigured, match="whole number"):
        env.env_int("X_INT", 1)
    monkeypatch.setenv("X_LIST", "a.example, b.example,,")
    assert env.env_list("X_LIST", []) == ["a.example", "b.example"]


def test_env_str_without_default_fails_loudly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("X_REQUIRED", raising=False)
    with pytest.raises(ImproperlyConfigured, match="X_REQUIRED"):
        env.env_str("X_REQUIRED")


def test_email_url_parsing() -> None:
    smtp = _email_settings("smtp+tls://me%40x.org:p%2Fw@mail.example:2525")
    assert smtp["EMAIL_HOST"] == "mail.example"
    assert smtp["EMAIL_PORT"] == 2525
    assert smtp["EMAIL_HOST_USER"] == "me@x.org"
    assert smtp["EMAIL_HOST_PASSWORD"] == "p/w"
    assert smtp["EMAIL_USE_TLS"] is True
    assert _email_settings("console://")["EMAIL_BACKEND"].endswith("console.EmailBackend")
    with pytest.raises(ImproperlyConfigured):
        _email_settings("carrier-pigeon://coop")


def test_money_refuses_to_mix_currencies_and_floats() -> None:
    assert Money(1050, "USD") + Money(50, "USD") == Money(1100, "USD")
    with pytest.raises(CurrencyMismatch):
        Money(1, "USD") + Money(1, "EUR")
    with pytest.raises(TypeError):
        Money(10.5, "USD")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="Unsupported"):
        Money(1, "XXX")


def test_money_split_keeps_every_cent() -> None:
    fee, rest = Money(9999, "EUR").split(1000)
    assert fee == Money(999, "EUR")
    assert fee + rest == Money(9999, "EUR")
    assert Money(123456, "USD").format() == "1,234.56 USD"
    assert Money(-5, "JPY").format() == "-5 JPY"


def test_healthz_reports_the_database(client, db) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == "ok"


def test_healthz_fails_when_the_database_does_not_answer(client, db, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from stint.core import views

    class Down:
        vendor = "sqlite"

        def cursor(self):  # type: ignore[no-untyped-def]
            raise DatabaseError("gone")

    monkeypatch.setattr(views, "connection", Down())
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"].startswith("error")


def test_static_htmx_is_served_locally(client, db) -> None:  # type: ignore[no-untyped-def]
    page = client.get("/")
    assert b"/static/stint/htmx.min.js" in page.content
    assert b"cdn" not in page.content.lower()


@pytest.mark.parametrize("path", ["/no-such-page/"])
def test_404_page_is_friendly(client, db, settings, path) -> None:  # type: ignore[no-untyped-def]
    settings.DEBUG = False
    response = client.get(path)
    assert response.status_code == 404
    assert b"We could not find that" in response.content


def test_production_settings_pass_deploy_checks(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import os
    import subprocess
    import sys

    env_vars = {
        **os.environ,
        "STINT_ENV": "production",
        "SECRET_KEY": "x" * 64 + "-production-secret-for-the-check-only",
        "ALLOWED_HOSTS": "stint.example.org",
        "STINT_VAR_DIR": str(tmp_path),
        "DEBUG": "false",
        "CACHE_URL": "redis://127.0.0.1:6379/1",
        "STINT_TRUSTED_PROXIES": "1",
        "STINT_SIGNING_KEY": "a-key-for-the-check-only",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=env_vars,
        capture_output=True,
        text=True,
        check=False,
        cwd=REPO,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import os
    import subprocess
    import sys

    env_vars = {
        **os.environ,
        "STINT_ENV": "production",
        "SECRET_KEY": "",
        "STINT_VAR_DIR": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        env=env_vars,
        capture_output=True,
        text=True,
        check=False,
        cwd=REPO,
    )
    assert result.returncode != 0
    assert "SECRET_KEY is required" in result.stderr
