"""Editing a person's own details (issue 12): the audit names the fields that changed and never their
values; an edit made from what a screen showed writes only the fields changed there, keeps a colleague's
change to another field, and refuses (never overwrites) a field both changed."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from careplanner.app import AppContext
from careplanner.services.audit import Action
from careplanner.services.errors import ValidationError
from careplanner.services.people import TelecomData
from careplanner.services.users import Actor
from tests.conftest import make_person


def test_the_audit_names_the_changed_fields_and_never_their_values(ctx: AppContext, actor: Actor) -> None:
    people = ctx.services.people
    made = people.create(make_person(first_name="Ada", family_name="Testwell"), actor)
    changed = replace(
        made.details,
        first_name="Adah",
        date_of_birth=date(1950, 3, 2),
        telecoms=(TelecomData(system="phone", value="01632 960 123"),),
    )
    people.update(made.id, changed, actor)
    entry = ctx.services.audit.entries(person_id=made.id, action=Action.PERSON_UPDATED)[0]
    assert entry.detail == "fields=first_name,date_of_birth,telecoms"
    assert "Adah" not in entry.detail and "1950" not in entry.detail and "960" not in entry.detail
    # The NHS number typed with or without spaces is the same number: not a change.
    people.update(made.id, replace(changed, nhs_number="9434765919"), actor)
    assert ctx.services.audit.entries(person_id=made.id, action=Action.PERSON_UPDATED)[0].detail == "fields="


def test_an_edit_keeps_a_colleagues_change_to_another_field(ctx: AppContext, actor: Actor) -> None:
    people = ctx.services.people
    made = people.create(make_person(first_name="Ada", family_name="Testwell"), actor)
    seen = made.details
    people.update(made.id, replace(seen, preferred_name="Addie"), actor)  # a colleague, meanwhile
    after = people.update(made.id, replace(seen, family_name="Testwell-Smith"), actor, seen=seen)
    assert after.details.family_name == "Testwell-Smith"
    assert after.details.preferred_name == "Addie"  # not put back to what this screen saw
    entry = ctx.services.audit.entries(person_id=made.id, action=Action.PERSON_UPDATED)[0]
    assert entry.detail == "fields=family_name"


def test_a_field_both_changed_is_refused_not_overwritten(ctx: AppContext, actor: Actor) -> None:
    people = ctx.services.people
    made = people.create(make_person(first_name="Ada", family_name="Testwell"), actor)
    seen = made.details
    people.update(made.id, replace(seen, date_of_birth=date(1948, 3, 15)), actor)  # a colleague
    with pytest.raises(ValidationError) as refused:
        people.update(made.id, replace(seen, date_of_birth=date(1948, 4, 14)), actor, seen=seen)
    assert set(refused.value.fields) == {"date_of_birth"}
    assert people.get(made.id).details.date_of_birth == date(1948, 3, 15)
