"""Contingency templates: practice edits override the defaults, reset restores them, and inserting one
into a plan fills the contacts' numbers from the practice settings."""

from __future__ import annotations

import dataclasses

import pytest

from careplanner.app import AppContext
from careplanner.clinical.contingency_templates import ZonePlan, load_default_templates
from careplanner.clinical.enums import ContactRole, Zone
from careplanner.clinical.practice import PracticeSettings
from careplanner.services import plan_data as d
from careplanner.services.errors import NotFoundError, ValidationError
from careplanner.services.templates import to_contingency
from careplanner.services.users import Actor
from tests.conftest import make_person

PRACTICE = PracticeSettings(
    practice_name="Riverside Surgery",
    ods_code="B86999",
    in_hours_phone="0113 496 0000",
    out_of_hours_phone="0113 496 0999",
)


def test_list_shows_every_default_unedited(ctx: AppContext) -> None:
    entries = ctx.services.templates.list()
    assert [e.key for e in entries] == [t.key for t in load_default_templates()]
    assert not any(e.edited for e in entries)


def test_practice_edit_overrides_default_and_reset_restores_it(ctx: AppContext, actor: Actor) -> None:
    templates = ctx.services.templates
    original = templates.get("copd_exacerbation").template
    edited = dataclasses.replace(original, name="COPD: when my chest is bad (Riverside)")
    saved = templates.save(edited, actor)
    assert saved.edited
    assert not saved.custom
    assert templates.get("copd_exacerbation").template.name == "COPD: when my chest is bad (Riverside)"
    # The list keeps the default order, with the edit in place.
    assert [e.key for e in templates.list()] == [t.key for t in load_default_templates()]
    restored = templates.reset("copd_exacerbation", actor)
    assert restored is not None
    assert restored.template == original
    assert templates.get("copd_exacerbation").template == original
    with pytest.raises(NotFoundError):
        templates.reset("copd_exacerbation", actor)


def test_practice_can_add_its_own_template(ctx: AppContext, actor: Actor) -> None:
    templates = ctx.services.templates
    base = templates.get("asthma").template
    custom = dataclasses.replace(base, key="riverside_long_covid", name="Long COVID: bad days")
    assert templates.save(custom, actor).custom
    assert templates.list()[-1].key == "riverside_long_covid"
    assert templates.reset("riverside_long_covid", actor) is None
    assert "riverside_long_covid" not in [e.key for e in templates.list()]


def test_template_without_a_red_zone_is_refused(ctx: AppContext, actor: Actor) -> None:
    templates = ctx.services.templates
    base = templates.get("heart_failure").template
    no_red = dataclasses.replace(base, zones=tuple(z for z in base.zones if z.zone is not Zone.RED))
    with pytest.raises(ValidationError) as err:
        templates.save(no_red, actor)
    assert "red zone" in err.value.fields["template"]
    assert not templates.get("heart_failure").edited


def test_insertion_fills_numbers_from_practice_settings(ctx: AppContext) -> None:
    template = ctx.services.templates.get("copd_exacerbation")
    plan = ctx.services.templates.to_contingency(template, PRACTICE)
    assert plan.name == template.template.name
    assert plan.condition  # the plain-English condition name from the pick-list
    assert plan.triggers == template.template.trigger_factors
    assert plan.anticipatory_medicines == template.template.anticipatory_items
    by_role = {(c.zone, c.role_key): c for c in plan.contacts}
    assert by_role[(Zone.AMBER, ContactRole.PRACTICE.value)].phone == "0113 496 0000"
    assert by_role[(Zone.AMBER, ContactRole.PRACTICE.value)].name == "Riverside Surgery"
    assert by_role[(Zone.AMBER, ContactRole.NHS_111.value)].phone == "111"
    assert by_role[(Zone.RED, ContactRole.EMERGENCY_999.value)].phone == "999"
    # A named nurse is the person's own: left for the clinician to fill in.
    assert by_role[(Zone.AMBER, ContactRole.NAMED_NURSE.value)].phone == ""
    assert "999" in plan.red_what_i_do
    red = template.template.zone(Zone.RED)
    assert plan.red_what_i_do.startswith(red.heading)
    assert all(line in plan.red_what_i_do for line in red.what_i_do)


def test_out_of_hours_number_comes_from_settings() -> None:
    template = next(t for t in load_default_templates())
    zone = ZonePlan(Zone.AMBER, "Worse", ("Worse",), ("I call out of hours.",), (ContactRole.OUT_OF_HOURS,))
    custom = dataclasses.replace(template, zones=(template.zone(Zone.GREEN), zone, template.zone(Zone.RED)))
    plan = to_contingency(custom, PRACTICE)
    assert [c.phone for c in plan.contacts if c.role_key == "out_of_hours"] == ["0113 496 0999"]
    unset = to_contingency(custom, None)
    assert [c.phone for c in unset.contacts if c.role_key == "out_of_hours"] == [""]
    assert [c.phone for c in unset.contacts if c.role_key == "999"] == ["999"]


def test_inserted_template_saves_into_a_plan_and_stays_editable(ctx: AppContext, actor: Actor) -> None:
    person = ctx.services.people.create(make_person(), actor)
    draft = ctx.services.plans.start_draft(person.id, actor)
    inserted = ctx.services.templates.to_contingency(ctx.services.templates.get("asthma"), PRACTICE)
    mine = dataclasses.replace(inserted, amber_what_i_do=inserted.amber_what_i_do + "\nI ring my daughter.")
    ctx.services.plans.save_section(draft.id, d.ContingencySection(plans=(mine,)), actor)
    saved = ctx.services.plans.get(draft.id).content.contingency.plans[0]
    assert saved.amber_what_i_do.endswith("I ring my daughter.")
    assert [c.phone for c in saved.contacts] == [c.phone for c in inserted.contacts]
