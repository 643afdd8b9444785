"""clinical/ is pure Python: no Qt, no SQLAlchemy, nothing of ours outside careplanner.clinical."""

from __future__ import annotations

import ast
import pkgutil
import subprocess
import sys
from pathlib import Path

import careplanner.clinical

CLINICAL_DIR = Path(careplanner.clinical.__file__).parent


def test_importing_clinical_loads_no_qt_or_sqlalchemy() -> None:
    modules = [m.name for m in pkgutil.iter_modules([str(CLINICAL_DIR)])]
    code = (
        "import importlib, sys\n"
        + "".join(f"importlib.import_module('careplanner.clinical.{m}')\n" for m in modules)
        + "bad = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'sqlalchemy', 'shiboken6')]\n"
        + "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_imports_are_stdlib_or_clinical_only() -> None:
    allowed_roots = set(sys.stdlib_module_names) | {"__future__"}
    for path in CLINICAL_DIR.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            else:
                continue
            for name in names:
                ok = name.split(".")[0] in allowed_roots or name.startswith("careplanner.clinical")
                assert ok, f"{path.name} imports {name}"


def test_modules_stay_small() -> None:
    for path in CLINICAL_DIR.glob("*.py"):
        assert len(path.read_text(encoding="utf-8").splitlines()) <= 400, path.name
