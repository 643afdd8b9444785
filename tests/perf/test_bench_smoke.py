"""The benchmark command runs end to end at tiny sizes, so it cannot rot between real runs.

Checks what a reader of its table relies on: every figure of issue 16 has a measured value beside a floor
measured in the same run, the growth table is printed, and the JSON holds it all. Not a timing test.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from benchmarks import run

FIGURES_WITH_FLOORS = [
    "start-up: first window (sign-in)",
    "start-up: store open, main window",
    "search: one word",
    "search: two words",
    "search: NHS number",
    "search: date of birth",
    "open a full plan",
    "autosave a section",
    "bytes per person",
    "command: export --pdf",
    "command: check",
    "command: --version",
    "memory, everyone listed",
    "typed → painted: one word",
    "typed → painted: two words",
    "typed → painted: NHS number",
    "typed → painted: date of birth",
]


@pytest.mark.slow
@pytest.mark.qt_log_ignore("This plugin does not support")
def test_the_benchmark_command_runs_at_tiny_sizes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "bench.json"
    argv = ["--sizes", "12", "24", "--repeat", "2", "--startup-repeat", "1", "--cli-repeat", "1"]
    argv += ["--typing-repeat", "1"]
    assert run.main([*argv, "--cache", str(tmp_path / "cache"), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "Growth with practice size" in printed and "search: two words" in printed
    report = json.loads(out.read_text())
    assert [size["people"] for size in report["sizes"]] == [12, 24]
    for size in report["sizes"]:
        for name in FIGURES_WITH_FLOORS:
            entry = size[name]
            assert entry["value"]["median"] > 0 and entry["floor"]["median"] > 0, name
            assert entry["ratio"] == pytest.approx(entry["value"]["median"] / entry["floor"]["median"]), name
        assert size["memory, everyone listed"]["listed"] == size["people"]
    assert report["person's copy (PDF)"]["floor"]["median"] > 0
    assert report["machine"]["cpus"] and report["display"]
    # The second run reuses the cached stores (built once).
    assert (tmp_path / "cache" / "people-12" / "built.json").exists()
