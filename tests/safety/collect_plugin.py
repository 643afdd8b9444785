"""A pytest plugin for a collect-only run: writes each collected test's node id and whether a mark skips it.

Used by test_hazard_log.py in a subprocess, so a hazard's test is proved to exist and not to be switched off.
"""

from __future__ import annotations

import json
import os

import pytest
from _pytest.skipping import evaluate_skip_marks


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    report = {}
    for item in items:
        skipped = evaluate_skip_marks(item) is not None
        xfail = item.get_closest_marker("xfail") is not None
        report[item.nodeid] = {"skipped": skipped, "xfail": xfail}
    with open(os.environ["HAZARD_COLLECT_OUT"], "w", encoding="utf-8") as out:
        json.dump(report, out)
