"""The service suite runs on both back ends: the local encrypted store and the practice server."""

from __future__ import annotations

import pytest


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "ctx" in metafunc.fixturenames:
        metafunc.parametrize("backend", ["local", "server"])
