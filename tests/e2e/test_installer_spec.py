"""The PyInstaller spec's assumptions about the source tree, checked without building (a build takes minutes).

A frozen app fails only on the practice's machine when the spec and the code drift apart: a package the
code starts importing that the spec excludes, a hidden import that no longer exists, or migrations that
Alembic stops finding where the spec puts them. installer/build-linux.sh is the full check.
"""

from __future__ import annotations

import ast
import importlib.util
from pathlib import Path

from careplanner.store.migrate import alembic_config

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "installer" / "careplanner.spec"
SRC = ROOT / "src" / "careplanner"


def _spec_tree() -> ast.Module:
    return ast.parse(SPEC.read_text(encoding="utf-8"))


def _excludes() -> list[str]:
    for node in _spec_tree().body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "excludes" for t in node.targets
        ):
            value = ast.literal_eval(node.value)
            assert isinstance(value, list)
            return [str(v) for v in value]
    raise AssertionError("the spec has no `excludes = [...]` list")


def _non_windows_hidden_imports() -> list[str]:
    """String literals added to `hiddenimports`, leaving out the Windows-only branch."""
    windows_only: set[int] = set()
    tree = _spec_tree()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "IS_WINDOWS":
            for child in node.body:
                windows_only.update(id(n) for n in ast.walk(child))
    names: list[str] = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.AugAssign)
            and isinstance(node.target, ast.Name)
            and node.target.id == "hiddenimports"
            and id(node) not in windows_only
        ):
            for sub in ast.walk(node.value):
                if isinstance(sub, ast.List):
                    names += [
                        e.value for e in sub.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)
                    ]
    return names


def _modules_imported_by_src() -> set[str]:
    found: set[str] = set()
    for path in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found.add(node.module)
                found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def test_spec_excludes_nothing_the_app_imports() -> None:
    imported = _modules_imported_by_src()
    clashes = sorted(
        f"{excluded} (needed for {module})"
        for excluded in _excludes()
        for module in imported
        if module == excluded or module.startswith(excluded + ".")
    )
    assert clashes == []


def test_spec_hidden_imports_exist() -> None:
    names = _non_windows_hidden_imports()
    assert "sqlalchemy.dialects.sqlite.pysqlcipher" in names
    missing = [name for name in names if importlib.util.find_spec(name) is None]
    assert missing == []


def test_migrations_live_where_the_spec_bundles_them() -> None:
    # The spec copies the files of package careplanner.store.migrations to careplanner/store/migrations;
    # Alembic must look for them in that package's own folder, or the bundle cannot open any store.
    spec = importlib.util.find_spec("careplanner.store.migrations")
    assert spec is not None and spec.origin is not None
    package_dir = Path(spec.origin).parent
    assert Path(alembic_config().get_main_option("script_location") or "") == package_dir
    assert (package_dir / "env.py").is_file()
    assert (package_dir / "script.py.mako").is_file()
    assert sorted(p.name for p in (package_dir / "versions").glob("0*.py"))
