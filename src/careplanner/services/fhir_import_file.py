"""The file to import, read within limits, and its JSON, before anything else looks at it: a regular file
of at most 20 MB (checked before it is opened), and JSON text whose faults are a refusal saying where."""

from __future__ import annotations

import json
import os
import stat
from typing import Any

from careplanner.export.fhir_problems import BundleRefusedError, Problem
from careplanner.services.errors import ServiceError

MAX_BYTES = 20 * 1024 * 1024  # a person's record is far smaller; anything bigger is not one


class InputFileError(ServiceError):
    """The file to import is not an ordinary file of a sensible size. Nothing was read or imported."""


def read_bundle_file(path: str | os.PathLike[str]) -> bytes:
    """The bytes of a file to import: a regular file of at most 20 MB (checked before it is opened, so a
    FIFO, a device or a folder is never read), or InputFileError with one plain line."""
    try:
        info = os.stat(path)
    except OSError as exc:
        raise InputFileError(f"The file to import cannot be read ({exc.strerror}).") from None
    if not stat.S_ISREG(info.st_mode):
        raise InputFileError("The file to import must be an ordinary file (not a folder or a device).")
    if info.st_size > MAX_BYTES:
        raise InputFileError("The file to import is larger than 20 MB, so it is not a person's record.")
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise InputFileError(f"The file to import cannot be read ({exc.strerror}).") from None
    if len(data) > MAX_BYTES:
        raise InputFileError("The file to import is larger than 20 MB, so it is not a person's record.")
    return data


def parse_json(text: str | bytes) -> Any:
    """JSON text to data, or BundleRefusedError saying where the JSON is broken."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise BundleRefusedError(
            [Problem("file", f"is not valid JSON (line {exc.lineno}, column {exc.colno})")]
        ) from None
    except (UnicodeDecodeError, RecursionError):
        raise BundleRefusedError([Problem("file", "is not readable JSON text")]) from None
    except ValueError:  # e.g. a number of thousands of digits (Python's limit on converting them)
        raise BundleRefusedError([Problem("file", "holds a number far too long to be read")]) from None
