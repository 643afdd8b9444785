"""The hazard log is checked in CI: every hazard is complete, and every test it names exists and runs.

A hazard whose control is proved by a test that was renamed, deleted, skipped or marked xfail is a hazard no
longer controlled; this test fails so that cannot happen unseen. (tests/conftest.py also fails the run when a
named test is skipped at run time, e.g. by a fixture.)
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.safety.hazard_log import (
    LIKELIHOODS,
    LOG_PATH,
    REQUIRED,
    SEVERITIES,
    Hazard,
    level,
    read_hazards,
    risk,
)
from tests.safety.in_session import COLLECTED, flags, wholly_collected

ROOT = LOG_PATH.parents[2]


def field_problems(hazard: Hazard) -> list[str]:
    problems = [f"{hazard.hazard_id}: no {name}" for name in REQUIRED if not hazard.fields.get(name)]
    severity = level(hazard.fields.get("Severity", ""), SEVERITIES)
    before = level(hazard.fields.get("Likelihood before", ""), LIKELIHOODS)
    after = level(hazard.fields.get("Likelihood after", ""), LIKELIHOODS)
    if severity is None:
        problems.append(f"{hazard.hazard_id}: severity must be one of {SEVERITIES}")
    if before is None or after is None:
        problems.append(f"{hazard.hazard_id}: likelihoods must be one of {LIKELIHOODS}")
    if severity and before and after:
        if after > before:
            problems.append(f"{hazard.hazard_id}: the control makes the hazard more likely")
        for name, likelihood in (("Risk before", before), ("Risk after", after)):
            stated = hazard.fields.get(name, "").split(" ")[0]
            if stated != str(risk(severity, likelihood)):
                problems.append(f"{hazard.hazard_id}: {name} should be {risk(severity, likelihood)}")
    if not hazard.tests:
        problems.append(f"{hazard.hazard_id}: names no test")
    return problems


def collected(test_files: set[str], tmp_path: Path, config: pytest.Config) -> dict[str, dict[str, bool]]:
    """Each test in `test_files` and whether it is switched off: from this run's own collection where it
    collected a file whole (tests/safety/in_session.py), otherwise from a collect-only subprocess."""
    here = wholly_collected(test_files, ROOT, config)
    result = {nodeid: flags(item) for nodeid, item in COLLECTED.items() if nodeid.split("::")[0] in here}
    if test_files - here:
        result.update(collected_apart(test_files - here, tmp_path))
    return result


def collected_apart(test_files: set[str], tmp_path: Path) -> dict[str, dict[str, bool]]:
    out = tmp_path / "collected.json"
    env = {**os.environ, "HAZARD_COLLECT_OUT": str(out), "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "--collect-only",
            "-q",
            "-p",
            "tests.safety.collect_plugin",
            *sorted(test_files),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        check=False,
        timeout=300,
    )
    if not out.exists():
        raise AssertionError(done.stdout.decode()[-3000:] + done.stderr.decode()[-3000:])
    result: dict[str, dict[str, bool]] = json.loads(out.read_text(encoding="utf-8"))
    return result


def missing_or_switched_off(hazards: list[Hazard], tmp_path: Path, config: pytest.Config) -> list[str]:
    problems: list[str] = []
    names = [test for hazard in hazards for test in hazard.tests]
    files = {name.split("::")[0] for name in names if (ROOT / name.split("::")[0]).is_file()}
    items = collected(files, tmp_path, config) if files else {}
    for hazard in hazards:
        for name in hazard.tests:
            matches = [node for node in items if node == name or node.startswith(name + "[")]
            if not matches:
                problems.append(f"{hazard.hazard_id}: {name} does not exist")
            elif any(items[node]["skipped"] or items[node]["xfail"] for node in matches):
                problems.append(f"{hazard.hazard_id}: {name} is skipped or marked xfail")
    return problems


def test_every_hazard_is_complete() -> None:
    hazards = read_hazards()
    assert len(hazards) >= 12
    ids = [hazard.hazard_id for hazard in hazards]
    assert len(ids) == len(set(ids)), "hazard ids repeat"
    problems = [problem for hazard in hazards for problem in field_problems(hazard)]
    assert problems == []


def test_every_named_test_exists_and_is_not_switched_off(tmp_path: Path, pytestconfig: pytest.Config) -> None:
    assert missing_or_switched_off(read_hazards(), tmp_path, pytestconfig) == []


def test_the_check_notices_a_missing_or_skipped_test(tmp_path: Path, pytestconfig: pytest.Config) -> None:
    fake = tmp_path / "log.md"
    fake.write_text(
        "## Hazards\n\n### H-01 Example\n"
        "- **Tests:** `tests/safety/test_hazard_log.py::test_no_such_test`, "
        "`tests/safety/test_hazard_log.py::test_every_hazard_is_complete`\n"
        "### H-02 Skipped\n- **Tests:** `tests/safety/test_hazard_log.py::test_a_skipped_example`\n",
        encoding="utf-8",
    )
    problems = missing_or_switched_off(read_hazards(fake), tmp_path, pytestconfig)
    assert problems == [
        "H-01: tests/safety/test_hazard_log.py::test_no_such_test does not exist",
        "H-02: tests/safety/test_hazard_log.py::test_a_skipped_example is skipped or marked xfail",
    ]
    assert field_problems(read_hazards(fake)[0])[0] == "H-01: no Cause"


@pytest.mark.skip(reason="an example of a switched-off test, for the check above")
def test_a_skipped_example() -> None:
    raise AssertionError
