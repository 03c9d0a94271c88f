"""`make run PORT=…` must write links for the server that is actually serving
(issue 14: emails, .ics files, portfolios and signed credentials said :8000)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _dry_run(*args: str, env: dict[str, str] | None = None) -> str:
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    clean = {k: v for k, v in os.environ.items() if k != "SITE_URL"}
    return subprocess.run(
        ["make", "-n", "run", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env={**clean, **(env or {})},
    ).stdout


def test_make_run_on_another_port_links_to_that_port() -> None:
    out = _dry_run("PORT=8101")
    assert "export SITE_URL='http://127.0.0.1:8101'" in out
    assert "SITE_URL='http://127.0.0.1:8101' .venv/bin/python manage.py seed_demo" in out
    assert "runserver 127.0.0.1:8101" in out


def test_an_exported_site_url_wins() -> None:
    out = _dry_run("PORT=8101", env={"SITE_URL": "https://stint.example.edu"})
    assert "export SITE_URL='https://stint.example.edu'" in out
