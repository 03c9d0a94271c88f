"""The shipped proxy configurations let through the largest request a Stint form
accepts (they used to stop at 12 MB while verification takes 5 x 5 MB)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from django.conf import settings

from stint.engagements.rules import MAX_FILES

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
MB = 1024 * 1024


def _largest_request() -> int:
    return max(
        settings.STINT_VERIFICATION_DOC_MAX_BYTES * settings.STINT_VERIFICATION_MAX_DOCS,
        settings.STINT_ATTACHMENT_MAX_BYTES * MAX_FILES,
        settings.STINT_RESUME_MAX_BYTES,
    )


def test_nginx_and_caddy_accept_the_largest_upload() -> None:
    nginx = re.search(r"client_max_body_size (\d+)m;", (DEPLOY / "nginx-stint.conf").read_text())
    caddy = re.search(r"max_size (\d+)MB", (DEPLOY / "Caddyfile").read_text())
    assert nginx and caddy
    for limit in (int(nginx.group(1)) * MB, int(caddy.group(1)) * MB):
        assert limit >= _largest_request() + MB  # + the form's other fields


def _production_setting(name: str, tmp_path: Path, **env: str) -> str:
    code = f"from stint.config import settings as s; print(s.{name})"
    values = {
        **{k: v for k, v in os.environ.items() if k != "SECURE_HSTS_PRELOAD"},
        "STINT_ENV": "production",
        "SECRET_KEY": "x" * 64,
        "STINT_VAR_DIR": str(tmp_path),
        **env,
    }
    done = subprocess.run(
        [sys.executable, "-c", code], env=values, capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def test_hsts_preload_is_the_operators_choice(tmp_path: Path) -> None:
    assert _production_setting("SECURE_HSTS_PRELOAD", tmp_path) == "False"
    assert (
        _production_setting("SECURE_HSTS_PRELOAD", tmp_path, SECURE_HSTS_PRELOAD="true") == "True"
    )
    assert _production_setting("SECURE_HSTS_SECONDS", tmp_path) == "31536000"
