"""People: validation at the door, and search as you type by name, NHS number or date of birth."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from careplanner.app import AppContext
from careplanner.services.errors import NotFoundError, ValidationError
from careplanner.services.people import ListFilter
from careplanner.services.users import Actor
from tests.conftest import make_person


def test_bad_nhs_number_and_future_birth_date_are_refused(ctx: AppContext, actor: Actor) -> None:
    with pytest.raises(ValidationError) as err:
        ctx.services.people.create(make_person(nhs_number="943 476 5918"), actor)
    assert set(err.value.fields) == {"nhs_number"}
    with pytest.raises(ValidationError) as err:
        ctx.services.people.create(make_person(date_of_birth=date.today() + timedelta(days=1)), actor)
    assert set(err.value.fields) == {"date_of_birth"}
    assert ctx.services.people.count() == 0


def test_duplicate_nhs_number_is_refused(ctx: AppContext, actor: Actor) -> None:
    ctx.services.people.create(make_person(), actor)
    with pytest.raises(ValidationError, match="already"):
        ctx.services.people.create(make_person(first_name="Other"), actor)


def test_search_by_name_nhs_number_and_birth_date(ctx: AppContext, actor: Actor) -> None:
    people = ctx.services.people
    people.create(make_person(), actor)
    people.create(
        make_person(
            first_name="Łukasz",
            family_name="Kowalski",
            nhs_number="401 023 2137",
            date_of_birth=date(1960, 1, 2),
        ),
        actor,
    )
    assert [p.family_name for p in people.search("łuk")] == ["Kowalski"]
    assert [p.family_name for p in people.search("kowal")] == ["Kowalski"]
    assert [p.first_name for p in people.search("943 476")] == ["Zoë"]
    assert [p.first_name for p in people.search("4010232137")] == ["Łukasz"]
    assert [p.first_name for p in people.search("02/01/1960")] == ["Łukasz"]
    assert people.count("zo") == 1
    assert people.search("nobody-here") == []
    assert people.by_nhs_number("9434765919").details.first_name == "Zoë"
    with pytest.raises(NotFoundError):
        people.by_nhs_number("401 023 2137".replace("2137", "2145"))


def test_update_whitelists_fields_and_keeps_search_in_step(ctx: AppContext, actor: Actor) -> None:
    created = ctx.services.people.create(make_person(), actor)
    updated = ctx.services.people.update(created.id, make_person(preferred_name="Zo"), actor)
    assert updated.details.preferred_name == "Zo"
    assert ctx.services.people.search("zo")[0].id == created.id


def test_filters_for_due_overdue_and_drafts(ctx: AppContext, actor: Actor) -> None:
    person = ctx.services.people.create(make_person(), actor)
    draft = ctx.services.plans.start_draft(person.id, actor)
    assert [p.id for p in ctx.services.people.search(list_filter=ListFilter.DRAFT)] == [person.id]
    ctx.services.plans.agree(draft.id, actor, review_date=date.today() - timedelta(days=3))
    assert [p.id for p in ctx.services.people.search(list_filter=ListFilter.OVERDUE)] == [person.id]
    assert ctx.services.people.search(list_filter=ListFilter.DRAFT) == []
    assert [p.id for p in ctx.services.people.reviews_due()] == [person.id]


def test_search_ignores_accents_and_punctuation(ctx: AppContext, actor: Actor) -> None:
    people = ctx.services.people
    people.create(make_person(), actor)
    people.create(make_person(first_name="Siobhán", family_name="O'Brien", nhs_number="401 023 2137"), actor)
    assert [p.first_name for p in people.search("zoe")] == ["Zoë"]
    assert [p.first_name for p in people.search("siobhan obr")] == ["Siobhán"]
    assert [p.first_name for p in people.search("obrien")] == ["Siobhán"]
    assert [p.first_name for p in people.search("O'Bri")] == ["Siobhán"]
    assert people.search("zoe obrien") == []


def test_name_search_pages_in_list_order(ctx: AppContext, actor: Actor) -> None:
    from careplanner.clinical.nhs_number import make_valid_nhs_number

    rng = __import__("random").Random(5)
    names = [("Mary", "Walker"), ("Mark", "Adams"), ("Marion", "Adams"), ("Ann", "Marsh"), ("Bob", "Smith")]
    for first, family in names:
        ctx.services.people.create(
            make_person(first_name=first, family_name=family, nhs_number=make_valid_nhs_number(rng)), actor
        )
    people = ctx.services.people
    found = [(p.family_name, p.first_name) for p in people.search("mar")]
    assert found == [("Adams", "Marion"), ("Adams", "Mark"), ("Marsh", "Ann"), ("Walker", "Mary")]
    assert people.count("mar") == 4
    paged = people.search("mar", offset=1, limit=2)
    assert [(p.family_name, p.first_name) for p in paged] == found[1:3]
    assert [p.first_name for p in people.search("adams mar")] == ["Marion", "Mark"]
    assert people.count("mark adams") == 1
    assert people.search("mark smith") == []


def test_read_only_accounts_cannot_add_or_change_people(ctx: AppContext, actor: Actor) -> None:
    from careplanner.clinical.enums import UserRole
    from careplanner.services.errors import NotAllowedError

    reader = ctx.services.users.create(
        username="reader", display_name="Read Only", role=UserRole.READ_ONLY, actor=actor
    )
    with pytest.raises(NotAllowedError):
        ctx.services.people.create(make_person(), reader)
    created = ctx.services.people.create(make_person(), actor)
    with pytest.raises(NotAllowedError):
        ctx.services.people.update(created.id, make_person(preferred_name="Changed"), reader)
    assert ctx.services.people.get(created.id).details.preferred_name == ""
