"""The `stint` console command: Django's manage.py for an installed Stint."""

from __future__ import annotations

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stint.config.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
