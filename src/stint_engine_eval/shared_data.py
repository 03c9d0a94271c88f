"""Where the shared evaluation data lives (`../shared/data` beside the repo).

The product never needs it at run time; evaluation, the taxonomy build script
and some tests do. `STINT_SHARED_DIR` overrides the location.
"""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]


def shared_dir() -> Path:
    env = os.environ.get("STINT_SHARED_DIR")
    return Path(env) if env else REPO_ROOT.parent / "shared"


def shared_data(*parts: str) -> Path:
    return shared_dir().joinpath("data", *parts)


def has_shared_data() -> bool:
    return shared_dir().joinpath("data").is_dir()
