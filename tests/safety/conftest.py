"""The safety tests use the export tests' stored sample plan and PDF helpers."""

from tests.export.conftest import exports, importer, practice

__all__ = ["exports", "importer", "practice"]
