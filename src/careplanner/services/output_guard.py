"""One guard for every file Care Planner writes where the person chose: never over the store itself.

A backup, a PDF, a FHIR bundle or an audit CSV pointed at `careplanner.db` or `careplanner.store.json` once
replaced the live store (or destroyed a passphrase store's salt, so it could never be opened again). Every
output path the command line or the app's save dialogs take is checked here first: it may not be inside the
data folder (its `backups` folder aside) or the log folder, and it may not be the same file - by device and
inode, so hard links and symbolic links are caught too - as any of the store's own files.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from careplanner.config import Paths
from careplanner.services.errors import ServiceError, ValidationError

# The store's own files, wherever a link to them may be found.
_STORE_FILE_NAMES = (
    "careplanner.db",
    "careplanner.db-wal",
    "careplanner.db-shm",
    "careplanner.store.json",
    "careplanner.store.json.next",
    "careplanner.audit-head.json",
    "careplanner.lock",
    "settings.json",
)


class ProtectedPathError(ServiceError):
    """The chosen output file is the store's own, or inside its data folder. Nothing was written."""

    exit_code = 7

    def __init__(self) -> None:
        super().__init__(
            "That file is in Care Planner's data folder or is one of the store's own files, so it was not "
            "written. Choose another folder (for example Documents). Nothing was changed."
        )


def _key(path: Path) -> str:
    return os.path.normcase(str(path))


def _inside(path: Path, folder: Path) -> bool:
    a, b = _key(path), _key(folder)
    return a == b or a.startswith(b.rstrip(os.sep) + os.sep)


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def protected_files(paths: Paths) -> list[Path]:
    return [paths.data_dir / name for name in _STORE_FILE_NAMES]


def check_output_path(target: str | os.PathLike[str], paths: Paths | None) -> Path:
    """Return `target` resolved, or raise ProtectedPathError. `paths` None (no store open) checks nothing."""
    chosen = Path(target).expanduser()
    resolved = chosen.resolve()
    if paths is None:
        _must_be_a_plain_file(resolved, target)
        return resolved
    data_dir, backup_dir, log_dir = (p.resolve() for p in (paths.data_dir, paths.backup_dir, paths.log_dir))
    for own in protected_files(paths):
        if _same_file(chosen, own) or _key(resolved) == _key(own.resolve()):
            raise ProtectedPathError()
    if not (_inside(resolved, backup_dir) and resolved != backup_dir) and (
        _inside(resolved, data_dir) or _inside(resolved, log_dir)
    ):
        raise ProtectedPathError()
    _must_be_a_plain_file(resolved, target)
    return resolved


def _must_be_a_plain_file(resolved: Path, target: str | os.PathLike[str]) -> None:
    """Only an ordinary file (new or existing) may be written: renaming over a device such as /dev/full or a
    FIFO would replace it with the document, and a missing folder would fail half-way."""
    if resolved.is_dir():
        raise ValidationError({"file": f"{target} is a folder: give a file name."})
    if resolved.exists() and not resolved.is_file():
        raise ValidationError({"file": f"{target} is not an ordinary file: choose a file name in a folder."})


def check_output_folder(folder: str | os.PathLike[str], paths: Paths | None) -> Path:
    """A folder that will receive files (scheduled backups): inside `backups`, or outside the data folder."""
    resolved = Path(folder).expanduser().resolve()
    if paths is None:
        return resolved
    backup_dir = paths.backup_dir.resolve()
    if _inside(resolved, backup_dir):
        return resolved
    if _inside(resolved, paths.data_dir.resolve()) or _inside(resolved, paths.log_dir.resolve()):
        raise ProtectedPathError()
    return resolved


def write_output(target: str | os.PathLike[str], data: bytes, paths: Paths | None) -> Path:
    """Check the path, then write atomically (a temporary file beside it, then rename): a failed write never
    leaves half a document under the chosen name. Returns the path written."""
    dest = check_output_path(target, paths)
    if not dest.parent.is_dir():
        raise ValidationError({"file": f"The folder for {target} does not exist: choose one that does."})
    handle, tmp_name = tempfile.mkstemp(prefix=".careplanner-", suffix=".partial", dir=dest.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, dest)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return dest
