from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("OVERTURN_SHARED", ROOT.parent / "shared"))

# Generated inputs vary in cost; a deadline would make the suite fail on a slow machine.
settings.register_profile("overturn", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("overturn")


@pytest.fixture(scope="session")
def root_dir() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not SHARED.exists():
        pytest.skip(f"shared data folder not found at {SHARED}")
    return SHARED
