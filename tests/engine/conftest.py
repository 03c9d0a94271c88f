from __future__ import annotations

from pathlib import Path

import pytest

from stint_engine_eval.shared_data import has_shared_data, shared_data


@pytest.fixture
def shared() -> Path:
    """The shared data folder; tests that need it skip, with the reason, when absent."""
    if not has_shared_data():
        pytest.skip("../shared/data is absent (a user's fresh clone has none; CI has it)")
    return shared_data()
