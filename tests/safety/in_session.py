"""What this pytest run collected, so the hazard log's check reads it instead of collecting it all again.

tests/conftest.py records every test as it is collected (before `-k` or `--deselect` take any away). A file
this run collected whole is checked from here; any other file the log names (a run of a few files, or of
single tests in it) is collected in a subprocess by tests/safety/collect_plugin.py, as before. A full run
collects every file, so its check starts no second pytest (which took 10 s or more in CI).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from _pytest.skipping import evaluate_skip_marks

COLLECTED: dict[str, pytest.Item] = {}


def remember(item: pytest.Item) -> None:
    COLLECTED[item.nodeid] = item


def flags(item: pytest.Item) -> dict[str, bool]:
    """Whether a mark skips the test or expects it to fail, as tests/safety/collect_plugin.py reports it."""
    return {
        "skipped": evaluate_skip_marks(item) is not None,
        "xfail": item.get_closest_marker("xfail") is not None,
    }


def wholly_collected(files: set[str], root: Path, config: pytest.Config) -> set[str]:
    """The files (paths from the repository root) whose every test this run collected."""
    here = config.invocation_params.dir
    picked = {(here / arg.split("::")[0]).resolve() for arg in config.args if "::" in arg}
    seen = {nodeid.split("::")[0] for nodeid in COLLECTED}
    return {name for name in files if name in seen and (root / name).resolve() not in picked}
