"""`careplanner import` in a subprocess: only a regular file of at most 20 MB is read (a FIFO, a device or
a folder is refused before it is opened), a record with no NHS number whose family name and date of birth
are held stops with exit 10 unless --new-person is given, and the summary says what was added and updated.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.export.test_export_cli import cli, home

__all__ = ["home"]  # the fixture, shared with the export command-line tests


@pytest.mark.parametrize("kind", ["fifo", "dev-zero", "folder", "too-big"])
def test_only_an_ordinary_file_of_sensible_size_is_read(home: Path, kind: str) -> None:
    target = home / "input"
    if kind == "fifo":
        os.mkfifo(target)  # reading it would wait for ever
    elif kind == "dev-zero":
        target = Path("/dev/zero")  # reading it would never end
    elif kind == "folder":
        target.mkdir()
    else:
        with open(target, "wb") as handle:
            handle.truncate(20 * 1024 * 1024 + 1)
    done = cli(home, "import", str(target))
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr
    expected = "larger than 20 MB" if kind == "too-big" else "must be an ordinary file"
    assert expected in lines[0]


def test_no_nhs_number_and_a_held_namesake_needs_new_person(home: Path) -> None:
    done = cli(home, "export", "--nhs-number", "9990001235", "--fhir", str(home / "plan.json"))
    assert done.returncode == 0, done.stderr
    bundle = json.loads((home / "plan.json").read_text("utf-8"))
    patient = next(e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Patient")
    patient.pop("identifier")
    (home / "no-nhs.json").write_text(json.dumps(bundle), "utf-8")

    done = cli(home, "import", str(home / "no-nhs.json"))
    assert done.returncode == 10
    assert done.stderr.strip().splitlines() == [
        "careplanner: This record has no NHS number, and a person with the same family name and date of "
        "birth is already held. Nothing was imported. Check whether it is the same person; to add the "
        "record as a new person, import it again and choose to add a new person (--new-person)."
    ]
    done = cli(home, "import", "--new-person", str(home / "no-nhs.json"))
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Added a new person")


def test_the_summary_says_what_was_added_and_updated_and_that_nothing_was_removed(home: Path) -> None:
    done = cli(home, "export", "--nhs-number", "9990001235", "--fhir", str(home / "plan.json"))
    assert done.returncode == 0, done.stderr
    # This store's own agreed version sent back is recognised as held: nothing is written (issue 13).
    done = cli(home, "import", str(home / "plan.json"))
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0].startswith("This version of the plan is already held")
    # The same plan as a draft elsewhere fills in this person's draft instead.
    bundle = json.loads((home / "plan.json").read_text(encoding="utf-8"))
    for entry in bundle["entry"]:
        if entry["resource"]["resourceType"] == "CarePlan":
            entry["resource"]["status"] = "draft"
    (home / "plan.json").write_text(json.dumps(bundle), encoding="utf-8")
    done = cli(home, "import", str(home / "plan.json"))
    assert done.returncode == 0, done.stderr
    summary = next(line for line in done.stdout.splitlines() if line.startswith("Added to the draft:"))
    assert summary.endswith("Nothing was removed.")
    assert "Added to the draft: nothing. Updated in the draft: " in summary
    assert "conditions" in summary and "medicines" in summary
