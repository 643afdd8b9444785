"""Where Care Planner keeps its files.

Every path the app uses comes from here, so tests (and `--data-dir` / `CAREPLANNER_HOME`) can point the
whole app at one folder.

Everything the app writes is for this user account only: `use_private_umask()` runs first thing in the
command line (and so in the app), so every file it makes is 0600 and every folder 0700 - the store, its
-wal/-shm, its key file, logs, backups, copies kept aside, exports, settings and temporary files. The
places that make the most sensitive files also set the mode explicitly (see `private_folder`).
"""

from __future__ import annotations

import contextlib
import os
import stat
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "CarePlanner"
STORE_FILENAME = "careplanner.db"
STORE_INFO_FILENAME = "careplanner.store.json"
HOME_ENV = "CAREPLANNER_HOME"
# Files 0600 and folders 0700: readable by this user account only.
PRIVATE_UMASK = 0o077


def use_private_umask() -> int:
    """Make every file and folder this process creates private to its user; returns the previous umask."""
    return os.umask(PRIVATE_UMASK)


def tighten(paths: Paths) -> None:
    """Make what an earlier release left readable by others private: the data, log and backups folders and
    the files directly in them lose every right of group and others. Best effort; follows no link."""
    if os.name == "nt":  # pragma: no cover - Windows files take the folder's access control list
        return
    for folder in (paths.data_dir, paths.log_dir, paths.backup_dir):
        if not folder.is_dir() or folder.is_symlink():
            continue
        with contextlib.suppress(OSError):
            for path in (folder, *folder.iterdir()):
                mode = path.lstat().st_mode
                if ((stat.S_ISDIR(mode) and path == folder) or stat.S_ISREG(mode)) and mode & 0o077:
                    # Only others' rights go: a file the owner made read-only stays read-only.
                    os.chmod(path, stat.S_IMODE(mode) & ~0o077)


def private_folder(folder: Path) -> None:
    """Make `folder` (and any missing parents) and leave it 0700. A folder owned by someone else (or on a
    file system without Unix modes) keeps its mode: that is not a reason to stop."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    if os.name != "nt":
        with contextlib.suppress(OSError):
            os.chmod(folder, 0o700)


@dataclass(frozen=True)
class Paths:
    """The folders of one installation (or of one demo)."""

    data_dir: Path
    log_dir: Path
    backup_dir: Path

    @property
    def store_file(self) -> Path:
        return self.data_dir / STORE_FILENAME

    @property
    def store_info_file(self) -> Path:
        return self.data_dir / STORE_INFO_FILENAME

    @property
    def settings_file(self) -> Path:
        return self.data_dir / "settings.json"

    @property
    def lock_file(self) -> Path:
        return self.data_dir / "careplanner.lock"

    def ensure(self) -> None:
        for folder in (self.data_dir, self.log_dir, self.backup_dir):
            private_folder(folder)


def resolve_paths(data_dir: str | os.PathLike[str] | None = None) -> Paths:
    """`--data-dir` wins, then `CAREPLANNER_HOME`, then the platform's user folders."""
    chosen = data_dir if data_dir is not None else os.environ.get(HOME_ENV)
    if chosen:
        root = Path(chosen).expanduser().resolve()
        return Paths(data_dir=root, log_dir=root / "logs", backup_dir=root / "backups")
    dirs = platformdirs.PlatformDirs(APP_NAME, appauthor=False)
    data = Path(dirs.user_data_dir)
    return Paths(data_dir=data, log_dir=Path(dirs.user_log_dir), backup_dir=data / "backups")


def demo_paths() -> Paths:
    """The demo store lives in its own folder so it can never be mistaken for the practice's store."""
    dirs = platformdirs.PlatformDirs(APP_NAME, appauthor=False)
    root = (
        Path(os.environ[HOME_ENV]) / "demo" if os.environ.get(HOME_ENV) else Path(dirs.user_data_dir) / "demo"
    )
    return Paths(data_dir=root, log_dir=root / "logs", backup_dir=root / "backups")
