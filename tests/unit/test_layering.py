"""The house rules of DESIGN.md, checked: a Qt-free core, and imports that run one way."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "careplanner"

CORE_PACKAGES = [
    "careplanner.clinical",
    "careplanner.models",
    "careplanner.store",
    "careplanner.services",
    "careplanner.app",
    "careplanner.cli",
    "careplanner.server",
]


@pytest.mark.parametrize("package", CORE_PACKAGES)
def test_core_never_loads_qt(package: str) -> None:
    code = (
        "import importlib, pkgutil, sys\n"
        f"pkg = importlib.import_module({package!r})\n"
        "for m in pkgutil.walk_packages(getattr(pkg, '__path__', []), pkg.__name__ + '.'):\n"
        "    if '.migrations' not in m.name: importlib.import_module(m.name)\n"
        "bad = sorted(n for n in sys.modules if n.startswith(('PySide6', 'shiboken6')))\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    assert result.stdout.strip() == "", f"{package} imports Qt: {result.stdout}"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {name for name in found if name.startswith("careplanner")}


# layer -> the careplanner packages it may import
ALLOWED = {
    "clinical": ("careplanner.clinical",),
    "models": ("careplanner.models", "careplanner.clinical"),
    "ui": (
        "careplanner.ui",
        "careplanner.services",
        "careplanner.export",
        "careplanner.clinical",
        "careplanner.app",
        "careplanner.config",
        "careplanner",
    ),
}


@pytest.mark.parametrize("layer", sorted(ALLOWED))
def test_imports_run_one_way(layer: str) -> None:
    folder = SRC / layer
    offences = []
    for path in folder.rglob("*.py"):
        for name in _imports(path):
            if not any(name == ok or name.startswith(ok + ".") for ok in ALLOWED[layer]):
                offences.append(f"{path.relative_to(SRC)} imports {name}")
    assert offences == []


def test_ui_never_touches_orm_sessions() -> None:
    folder = SRC / "ui"
    offenders = [
        str(p.relative_to(SRC))
        for p in folder.rglob("*.py")
        if "sqlalchemy" in p.read_text(encoding="utf-8")
        or "careplanner.store" in p.read_text(encoding="utf-8")
    ]
    assert offenders == []


def test_modules_stay_small() -> None:
    big = [
        f"{p.relative_to(SRC)}: {n} lines"
        for p in SRC.rglob("*.py")
        if "migrations" not in p.parts and (n := len(p.read_text(encoding="utf-8").splitlines())) > 500
    ]
    assert big == []
