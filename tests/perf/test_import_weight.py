"""What start-up imports: the first window and the light commands come before the heavy libraries.

Each case runs in a fresh interpreter and reads sys.modules, so it fails when someone adds an import of the
ORM (or reportlab, or the FHIR models) to the path that must stay light. Behaviour, not timing: the
benchmarks (benchmarks/run.py) time it.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from careplanner.app import open_context
from careplanner.config import Paths
from tests.cli_signin import ADMIN, PASSWORD, add_accounts
from tests.conftest import TEST_PASSPHRASE

HEAVY = ("sqlalchemy.orm", "reportlab", "fhir.resources", "careplanner.models")
ROOT = Path(__file__).resolve().parents[2]


def _modules_after(code: str) -> list[str]:
    probe = f"{code}\nimport sys, json\nprint(json.dumps(sorted(m for m in {HEAVY!r} if m in sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=ROOT, timeout=120
    )
    return list(json.loads(out.stdout.strip().splitlines()[-1]))


@pytest.mark.parametrize(
    "code",
    [
        "import careplanner.cli",
        "import careplanner.__main__",
        "import careplanner.ui.app_start",
        # --help and --version through the real entry point (they exit; the probe runs in finally)
        "from careplanner.__main__ import main\ntry:\n    main(['--help'])\nexcept SystemExit:\n    pass",
        "from careplanner.__main__ import main\ntry:\n    main(['--version'])\nexcept SystemExit:\n    pass",
    ],
)
def test_light_paths_import_no_orm_pdf_or_fhir(code: str) -> None:
    assert _modules_after(code) == []


def test_a_command_imports_only_its_own_module() -> None:
    """`careplanner check` parses with the store commands' module only: no PDF or FHIR libraries."""
    code = (
        "from careplanner.cli import _parse\n"
        "args = _parse(['check'])\n"
        "assert args.func.__module__ == 'careplanner.commands.store_cmds', args.func"
    )
    found = _modules_after(code)
    assert "reportlab" not in found and "fhir.resources" not in found


def test_the_command_table_matches_what_the_modules_register() -> None:
    """cli.COMMANDS names every command the modules register, with the same help line."""
    from careplanner import cli

    parser = cli.build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    helps = {choice.dest: choice.help for choice in sub._choices_actions}
    registered = {name: helps.get(name) for name in sub.choices}
    assert registered == {name: help_text for name, (_module, help_text) in cli.COMMANDS.items()}
    for name, (module, _help) in cli.COMMANDS.items():
        assert getattr(sub.choices[name].get_default("func"), "__module__", module) == module, name


def test_parsing_is_the_same_the_light_way_and_the_full_way() -> None:
    from careplanner import cli

    cases = [
        ["check"],
        ["--data-dir", "/tmp/x", "--user", "ada", "export", "--help-me"],
        ["gui"],
        [],
        ["--data", "/tmp/x", "check"],
        ["users", "list"],
    ]
    for argv in cases:
        try:
            full = vars(cli.build_parser().parse_args(argv))
        except SystemExit as exc:
            full_code = exc.code
        else:
            full_code = None
        if full_code is not None:
            with pytest.raises(SystemExit) as light:
                cli._parse(argv)
            assert (light.value.code, argv) == (full_code, argv)
            continue
        light_args = vars(cli._parse(argv))
        light_args.pop("_stand_in", None)
        light_args.pop("rest", None)
        if (
            "func" not in light_args and "func" in full
        ):  # the window's command: run() falls back to run_gui, imported late
            assert full.pop("func").__name__ == "run_gui", argv
        assert light_args == full, argv


@pytest.mark.gui
def test_the_sign_in_window_shows_before_the_store_opens(paths: Paths) -> None:
    """`careplanner gui` on a real encrypted store: when the first window is shown none of the ORM, the
    models, the SQLCipher driver, reportlab or the FHIR models is imported; then the store opens behind it,
    and Sign in on the form opens the main window signed in."""
    open_context(paths, passphrase=TEST_PASSPHRASE).close()
    add_accounts(paths)
    passphrase = paths.data_dir.parent / "passphrase"
    passphrase.write_bytes(TEST_PASSPHRASE)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PROBE_USER": ADMIN, "PROBE_PASSWORD": PASSWORD}
    out = subprocess.run(
        [
            sys.executable,
            str(ROOT / "tests" / "perf" / "first_window_probe.py"),
            "--data-dir",
            str(paths.data_dir),
            "--passphrase-file",
            str(passphrase),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    report = json.loads(out.stdout.strip().splitlines()[-1])
    assert report["at_first_window"] == []
    assert report["typed_in_start_window"] is True
    assert report["built_behind_form"] is True  # opened while the form stayed on screen
    assert report["main_window"] is True and report["signed_in"] is True
    # The probe can see the ORM once it is there: the store did open, after the first window.
    assert "sqlalchemy.orm" in report["after_main_window"]
    assert report["exit"] == 0
