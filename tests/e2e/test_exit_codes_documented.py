"""Every exit code the command line can return is in the README's table, and the table lists no others.

Field report (issue 17, item 12): codes 1, 4, 5, 6, 20, 27, 28, 30, 31, 32 were returned but missing from
the README. The code is read, not run: every `exit_code = N` of an error class anywhere in the package (the
command line returns `exc.exit_code` for each), every `NAME_EXIT... = N` constant, and every literal
`return N` / `SystemExit(N)` / `sys.exit(N)` in the command line's own modules.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "src" / "careplanner"
README = ROOT / "README.md"


def _int(node: ast.AST | None) -> int | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, int) and not isinstance(node.value, bool):
        return node.value
    return None


def _is_exit_name(name: str | None) -> bool:
    return name is not None and (name == "exit_code" or ("EXIT" in name.upper() and name.isupper()))


def codes_in_the_code() -> dict[int, set[str]]:
    found: dict[int, set[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        where = str(path.relative_to(ROOT))
        command_line = path.name in ("cli.py", "__main__.py") or path.parent.name == "commands"
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            value: int | None = None
            if isinstance(node, ast.Assign | ast.AnnAssign):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                names = [t.id if isinstance(t, ast.Name) else getattr(t, "attr", None) for t in targets]
                if any(_is_exit_name(n) for n in names):
                    value = _int(node.value)
            elif command_line and isinstance(node, ast.Return):
                value = _int(node.value)
            elif command_line and isinstance(node, ast.Call) and node.args:
                func = node.func
                name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
                if name in ("SystemExit", "exit"):
                    value = _int(node.args[0])
            if value is not None and value != 0:
                found.setdefault(value, set()).add(where)
    return found


def codes_in_the_readme() -> set[int]:
    text = README.read_text(encoding="utf-8")
    table = text[text.index("| exit | meaning |") :].split("\n\n", 1)[0]
    return {int(m.group(1)) for m in re.finditer(r"^\| (\d+) \|", table, re.MULTILINE)}


def test_the_scan_finds_the_codes_it_is_meant_to_find() -> None:
    found = codes_in_the_code()
    # One of each kind: an error class's code, a command's literal return, argparse's usage error.
    assert 23 in found and any("store/errors.py" in w for w in found[23])
    assert 1 in found and any("commands" in w for w in found[1])
    assert 2 in found and any(w.endswith("cli.py") for w in found[2])


def test_every_exit_code_the_command_line_returns_is_documented() -> None:
    found = codes_in_the_code()
    documented = codes_in_the_readme()
    missing = {code: sorted(where) for code, where in found.items() if code not in documented}
    assert not missing, f"exit codes returned but not in the README's table: {missing}"
    stale = sorted(documented - set(found))
    assert not stale, f"the README's table lists exit codes nothing returns: {stale}"
