"""The official FHIR R4 JSON schema check, run by node in one process for the whole test run.

`schema_errors(bundle)` sends the bundle to a single long-lived `node validate_fhir.js --lines` (started on
first use, closed when pytest exits): node's start and the schema's compile cost about a second, paid once.
The validator (@asymmetrik/fhir-json-schema-validator, pinned in tests/support/package-lock.json) is installed
into .tools/node by scripts/test.sh. When node or the package is missing the check fails, never skips: an
export nobody validated is not a validated export.
"""

from __future__ import annotations

import atexit
import json
import os
import shutil
import subprocess
import threading
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = Path(__file__).with_name("validate_fhir.js")
MODULES = Path(os.environ.get("FHIR_SCHEMA_MODULES", ROOT / ".tools" / "node" / "node_modules"))
PACKAGE = MODULES / "@asymmetrik" / "fhir-json-schema-validator" / "package.json"
VERSION = "0.9.8"
INSTALL_HINT = "run scripts/test.sh once (it installs node and the validator into .tools/node)"


class SchemaCheckUnavailableError(RuntimeError):
    """node or the pinned validator is not installed."""


class _Node:
    def __init__(self) -> None:
        node = shutil.which("node")
        if node is None:
            raise SchemaCheckUnavailableError(f"node is not installed: {INSTALL_HINT}")
        if not PACKAGE.is_file():
            raise SchemaCheckUnavailableError(f"the FHIR schema validator is not installed: {INSTALL_HINT}")
        installed = json.loads(PACKAGE.read_text(encoding="utf-8"))["version"]
        if installed != VERSION:
            raise SchemaCheckUnavailableError(
                f"validator {installed} installed, {VERSION} pinned: {INSTALL_HINT}"
            )
        self._lock = threading.Lock()
        self._proc = subprocess.Popen(
            [node, str(SCRIPT), "--lines"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            env={**os.environ, "FHIR_SCHEMA_MODULES": str(MODULES)},
        )
        atexit.register(self.close)

    def check(self, resource: dict[str, Any]) -> list[str]:
        assert self._proc.stdin is not None and self._proc.stdout is not None
        with self._lock:
            self._proc.stdin.write(json.dumps(resource, ensure_ascii=True) + "\n")
            self._proc.stdin.flush()
            line = self._proc.stdout.readline()
        if not line:
            raise RuntimeError(f"the schema validator stopped (exit code {self._proc.poll()})")
        errors: list[str] = json.loads(line)
        return errors

    def close(self) -> None:
        if self._proc.poll() is None:
            assert self._proc.stdin is not None
            self._proc.stdin.close()
            self._proc.wait(timeout=10)


_node: _Node | None = None


def schema_errors(resource: dict[str, Any]) -> list[str]:
    """What the official R4 JSON schema finds wrong with this bundle or resource ([] when valid)."""
    global _node
    if _node is None:
        _node = _Node()
    return _node.check(resource)
