"""Settings for load benchmarks only: the project's settings, plus a URLconf
that adds a bare view to compare every page against. Selected with
`DJANGO_SETTINGS_MODULE=bench.load.settings` (bench/load/run.py does it)."""

from stint.config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.load.urls"
