"""Practice settings: validated before saving, audited, and read back for plans and printouts."""

from __future__ import annotations

import pytest

from careplanner.app import AppContext
from careplanner.clinical.enums import UserRole
from careplanner.clinical.practice import PracticeSettings
from careplanner.services.audit import Action
from careplanner.services.errors import NotAllowedError, ValidationError
from careplanner.services.users import Actor

GOOD = PracticeSettings(
    practice_name=" Riverside Surgery ",
    ods_code="b86 999",
    in_hours_phone="0113 496 0000",
    out_of_hours_phone="0113 496 0999",
    address="1 River Lane, Leeds",
)


def test_not_set_up_until_saved(ctx: AppContext) -> None:
    assert ctx.services.practice.get() is None


def test_save_normalises_and_reads_back(ctx: AppContext, practice_admin: Actor) -> None:
    actor = practice_admin
    saved = ctx.services.practice.update(GOOD, actor)
    assert saved.practice_name == "Riverside Surgery"
    assert saved.ods_code == "B86999"
    assert ctx.services.practice.get() == saved
    entries = ctx.services.audit.entries(action=Action.SETTINGS_CHANGED)
    assert [e.detail for e in entries] == ["practice"]
    # A second save changes the same single row.
    again = ctx.services.practice.update(
        PracticeSettings("Riverside Surgery", "B86999", "0113 496 0001", "0113 496 0999"), actor
    )
    assert ctx.services.practice.get() == again
    assert again.in_hours_phone == "0113 496 0001"


def test_bad_settings_are_refused_field_by_field_and_nothing_saved(
    ctx: AppContext, practice_admin: Actor
) -> None:
    actor = practice_admin
    ctx.services.practice.update(GOOD, actor)
    bad = PracticeSettings(
        practice_name="",
        ods_code="ABC",
        in_hours_phone="0113 496",
        out_of_hours_phone="O113 496 0999",
        nhs_111="112",
    )
    with pytest.raises(ValidationError) as err:
        ctx.services.practice.update(bad, actor)
    assert set(err.value.fields) == {
        "practice_name",
        "ods_code",
        "in_hours_phone",
        "out_of_hours_phone",
        "nhs_111",
    }
    current = ctx.services.practice.get()
    assert current is not None
    assert current.practice_name == "Riverside Surgery"
    assert len(ctx.services.audit.entries(action=Action.SETTINGS_CHANGED)) == 1


def test_read_only_user_cannot_change_settings(ctx: AppContext) -> None:
    viewer = ctx.services.users.create(
        username="viewer", display_name="Viewer", role=UserRole.READ_ONLY, actor=None
    )
    with pytest.raises(NotAllowedError):
        ctx.services.practice.update(GOOD, viewer)
    assert ctx.services.practice.get() is None
