"""The security settings file: whatever is in it, the app starts, and protections fall back to defaults."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from careplanner.services import trust_settings
from careplanner.services.errors import ValidationError
from careplanner.services.trust_settings import TrustSettings

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=12,
)
settings_like = st.fixed_dictionaries(
    {},
    optional={
        "format": json_values,
        "lock_minutes": json_values,
        "daily_backup": json_values,
        "backup_folder": json_values,
        "backup_copies": json_values,
    },
)


def _sane(s: TrustSettings) -> None:
    assert trust_settings.MIN_LOCK_MINUTES <= s.lock_minutes <= trust_settings.MAX_LOCK_MINUTES
    assert 1 <= s.backup_copies <= trust_settings.MAX_COPIES
    assert isinstance(s.backup_folder, str)
    assert not (s.daily_backup and not s.backup_folder.strip())


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300))
def test_any_bytes_give_usable_settings(data: bytes) -> None:
    _sane(trust_settings.parse(data))


@settings(max_examples=300, deadline=None)
@given(settings_like)
def test_any_json_options_give_usable_settings(raw: dict[str, object]) -> None:
    _sane(trust_settings.parse(json.dumps(raw)))


def test_out_of_range_lock_time_falls_back_to_five_minutes_not_never() -> None:
    parsed = trust_settings.parse('{"lock_minutes": 0}')
    assert parsed.lock_minutes == 5
    assert parsed.problems
    assert trust_settings.parse('{"lock_minutes": 1e309}').lock_minutes == 5


@given(
    st.integers(1, 60),
    st.booleans(),
    st.text(min_size=1, max_size=200).filter(lambda t: "\x00" not in t and t.strip() != ""),
    st.integers(1, 365),
)
@settings(max_examples=50, deadline=None)
def test_save_then_load_round_trips(
    tmp_path_factory: pytest.TempPathFactory, minutes: int, daily: bool, folder: str, copies: int
) -> None:
    where: Path = tmp_path_factory.mktemp("settings")
    chosen = TrustSettings(
        lock_minutes=minutes, daily_backup=daily, backup_folder=folder, backup_copies=copies
    )
    trust_settings.save(where, chosen)
    assert trust_settings.load(where) == chosen


def test_invalid_settings_are_not_saved(tmp_path: Path) -> None:
    with pytest.raises(ValidationError):
        trust_settings.save(tmp_path, TrustSettings(daily_backup=True, backup_folder=""))
    assert not (tmp_path / trust_settings.SETTINGS_FILENAME).exists()


def test_missing_file_gives_defaults(tmp_path: Path) -> None:
    assert trust_settings.load(tmp_path) == TrustSettings()
