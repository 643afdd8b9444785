"""Settings for locking and scheduled backups, kept in a small versioned JSON file in the data folder.

Typed options with defaults, never pickled. A damaged or hand-edited file must never stop the app
starting or switch a protection off by accident: unreadable files and out-of-range values fall back to
the safe default (and say so in the log, without echoing the file's contents).
"""

from __future__ import annotations

import json
import logging
import math
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

from careplanner.services.errors import ValidationError

log = logging.getLogger("careplanner.settings")

SETTINGS_FILENAME = "security-settings.json"
FORMAT = 1
MIN_LOCK_MINUTES = 1
MAX_LOCK_MINUTES = 60
MAX_COPIES = 365


@dataclass(frozen=True)
class TrustSettings:
    """Lock after `lock_minutes` idle; a daily backup into `backup_folder`, keeping `backup_copies`."""

    lock_minutes: int = 5
    daily_backup: bool = False
    backup_folder: str = ""
    backup_copies: int = 14
    problems: tuple[str, ...] = field(default=(), compare=False)

    def validate(self) -> dict[str, str]:
        errors: dict[str, str] = {}
        if not MIN_LOCK_MINUTES <= self.lock_minutes <= MAX_LOCK_MINUTES:
            errors["lock_minutes"] = (
                f"Lock the screen after {MIN_LOCK_MINUTES} to {MAX_LOCK_MINUTES} minutes without use."
            )
        if not 1 <= self.backup_copies <= MAX_COPIES:
            errors["backup_copies"] = f"Keep between 1 and {MAX_COPIES} backup copies."
        if self.daily_backup and not self.backup_folder.strip():
            errors["backup_folder"] = "Choose a folder for the daily backup."
        if "\x00" in self.backup_folder or len(self.backup_folder) > 1000:
            errors["backup_folder"] = "That folder name cannot be used."
        return errors


def _int(raw: object, default: int, low: int, high: int, name: str, problems: list[str]) -> int:
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        if raw is not None:
            problems.append(f"{name} was not a number")
        return default
    if isinstance(raw, float) and not math.isfinite(raw):
        problems.append(f"{name} was not a number")
        return default
    value = int(raw)
    if not low <= value <= high:
        problems.append(f"{name} was out of range")
        return default
    return value


def parse(text: str | bytes) -> TrustSettings:
    """Settings from file contents; anything unusable becomes the default, noted in `problems`."""
    problems: list[str] = []
    try:
        raw = json.loads(text)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return TrustSettings(problems=("the settings file was unreadable",))
    if not isinstance(raw, dict):
        return TrustSettings(problems=("the settings file was not a set of options",))
    if raw.get("format", FORMAT) != FORMAT:
        problems.append("the settings file is from another version")
    defaults = TrustSettings()
    folder = raw.get("backup_folder", "")
    if not isinstance(folder, str) or "\x00" in folder or len(folder) > 1000:
        problems.append("backup_folder was not a folder name")
        folder = ""
    daily = raw.get("daily_backup", False)
    if not isinstance(daily, bool):
        problems.append("daily_backup was not yes or no")
        daily = False
    settings = TrustSettings(
        lock_minutes=_int(
            raw.get("lock_minutes"),
            defaults.lock_minutes,
            MIN_LOCK_MINUTES,
            MAX_LOCK_MINUTES,
            "lock_minutes",
            problems,
        ),
        daily_backup=daily and bool(folder.strip()),
        backup_folder=folder,
        backup_copies=_int(
            raw.get("backup_copies"), defaults.backup_copies, 1, MAX_COPIES, "backup_copies", problems
        ),
        problems=tuple(problems),
    )
    return settings


def load(data_dir: Path) -> TrustSettings:
    path = data_dir / SETTINGS_FILENAME
    try:
        text = path.read_bytes()
    except FileNotFoundError:
        return TrustSettings()
    except OSError:
        log.warning("The security settings file could not be read; using the defaults")
        return TrustSettings(problems=("the settings file could not be read",))
    settings = parse(text)
    for problem in settings.problems:
        log.warning("Security settings: %s; using the default", problem)
    return settings


def save(data_dir: Path, settings: TrustSettings) -> None:
    """Validate, then write atomically so a crash never leaves half a settings file."""
    errors = settings.validate()
    if errors:
        raise ValidationError(errors)
    payload = {k: v for k, v in asdict(settings).items() if k != "problems"}
    payload["format"] = FORMAT
    path = data_dir / SETTINGS_FILENAME
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(payload, indent=2, ensure_ascii=False), encoding="utf-8")
    with open(tmp, "rb") as handle:
        os.fsync(handle.fileno())
    os.replace(tmp, path)
