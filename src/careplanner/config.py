"""Where Care Planner keeps its files.

Every path the app uses comes from here, so tests (and `--data-dir` / `CAREPLANNER_HOME`) can point the
whole app at one folder.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "CarePlanner"
STORE_FILENAME = "careplanner.db"
STORE_INFO_FILENAME = "careplanner.store.json"
HOME_ENV = "CAREPLANNER_HOME"


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
            folder.mkdir(parents=True, exist_ok=True)


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
