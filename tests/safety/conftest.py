"""The safety tests use the export tests' stored sample plan and PDF helpers."""

import pytest

from tests import backends
from tests.export.conftest import exports, importer, practice

__all__ = ["exports", "importer", "practice"]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Which version and whose record is printed is decided by queries: proved on both back ends."""
    if "ctx" in metafunc.fixturenames and metafunc.module.__name__.endswith(".test_identity_and_versions"):
        metafunc.parametrize("backend", backends.both())
