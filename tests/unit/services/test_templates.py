"""Contingency templates: practice edits override the defaults, reset restores them, and inserting one
into a plan fills the contacts' numbers from the practice settings."""

from __future__ import annotations

import dataclasses

import pytest

from careplanner.app import AppContext
from careplanner.clinical.contingency_templates import (
    FILL_PAUSE_MEDICINES,
    ContingencyTemplate,
    ZonePlan,
    load_default_templates,
    templates_to_json,
)
from careplanner.clinical.enums import ContactRole, MedicineDecision, Zone
from careplanner.clinical.placeholders import unfilled_placeholders
from careplanner.clinical.practice import PracticeSettings
from careplanner.models import ContingencyTemplateRow
from careplanner.services import plan_data as d
from careplanner.services.errors import NotFoundError, ValidationError
from careplanner.services.templates import CRISIS_TEAM_BLANK, NO_MEDICINES_BLANK, to_contingency
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
    # The heading "I need help now" is what the printed copy already says before the red zone: the signs
    # come first instead of the heading repeated.
    assert not plan.red_what_i_do.startswith(red.heading)
    assert plan.red_what_i_do.startswith(red.signs[0].rstrip("."))
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


def _red_without_999(template: ContingencyTemplate) -> ContingencyTemplate:
    red = ZonePlan(
        Zone.RED,
        "I need help now",
        ("Very unwell",),
        ("I ring the surgery when it opens.",),
        (ContactRole.PRACTICE,),
    )
    return dataclasses.replace(template, zones=(template.zone(Zone.GREEN), template.zone(Zone.AMBER), red))


def test_practice_edit_whose_red_zone_has_no_999_is_refused_on_save(ctx: AppContext, actor: Actor) -> None:
    templates = ctx.services.templates
    edited = _red_without_999(templates.get("copd_exacerbation").template)
    with pytest.raises(ValidationError) as err:
        templates.save(edited, actor)
    message = err.value.fields["template"]
    assert message.startswith("The red zone must tell the person to ring 999.")
    assert "Template 1" not in message  # plain words, not the parser's position
    assert not templates.get("copd_exacerbation").edited


def test_stored_practice_template_with_no_999_in_red_is_refused_on_load(ctx: AppContext) -> None:
    # A copy stored before the rule (or written to the store by hand): loading refuses it, so the
    # shipped default shows for an edited default and a practice-added template is not offered.
    default = load_default_templates()[0]
    bad_edit = _red_without_999(dataclasses.replace(default, name="COPD (old Riverside copy)"))
    bad_custom = _red_without_999(dataclasses.replace(default, key="riverside_old", name="Old plan"))
    with ctx.store.sessions.begin() as session:
        for t in (bad_edit, bad_custom):
            session.add(ContingencyTemplateRow(key=t.key, name=t.name, body_json=templates_to_json([t])))
    entries = {e.key: e for e in ctx.services.templates.list()}
    assert entries[default.key].template == default
    assert not entries[default.key].edited
    assert "riverside_old" not in entries


def _meds(*names: str, stopped: tuple[str, ...] = ()) -> tuple[d.MedicineData, ...]:
    return tuple(
        d.MedicineData(name=n, decision=MedicineDecision.STOP if n in stopped else MedicineDecision.CONTINUE)
        for n in names
    )


def test_sick_day_pause_list_is_drawn_from_the_persons_own_medicines(ctx: AppContext, actor: Actor) -> None:
    person = ctx.services.people.create(make_person(), actor)
    draft = ctx.services.plans.start_draft(person.id, actor)
    medicines = _meds(
        "Metformin 500mg tablets",
        "Ramipril 5mg capsules",
        "Insulin glargine 100units/ml",
        "Atorvastatin 20mg tablets",
        "Gliclazide 80mg tablets",
        stopped=("Gliclazide 80mg tablets",),
    )
    ctx.services.plans.save_section(draft.id, d.MedicalSection(medicines=medicines), actor)
    saved = ctx.services.plans.get(draft.id).content.medical.medicines
    template = ctx.services.templates.get("diabetes_hypo_sick_day")
    plan = ctx.services.templates.to_contingency(template, PRACTICE, saved)
    amber = plan.amber_what_i_do
    assert "I pause these medicines: Metformin 500mg tablets (" in amber
    assert "Ramipril 5mg capsules (" in amber
    assert "Insulin glargine" not in amber.split("I pause these medicines:")[1]  # never paused
    assert "Atorvastatin" not in amber  # not a sick-day medicine
    assert "Gliclazide" not in amber  # stopped today: not one the person takes
    assert "never stop my insulin" in amber
    assert FILL_PAUSE_MEDICINES not in amber
    assert unfilled_placeholders(amber) == []


def test_heart_failure_pause_list_names_diuretic_arni_mra_and_sglt2(ctx: AppContext) -> None:
    medicines = _meds(
        "Furosemide 40mg", "Sacubitril/valsartan 49/51mg", "Spironolactone 25mg", "Dapagliflozin 10mg",
        "Bisoprolol 5mg",
    )  # fmt: skip
    plan = ctx.services.templates.to_contingency(
        ctx.services.templates.get("heart_failure"), PRACTICE, medicines
    )
    paused = plan.amber_what_i_do.split("I pause these medicines for a short time:")[1].split(". I tell")[0]
    for name in ("Furosemide", "Sacubitril/valsartan", "Spironolactone", "Dapagliflozin"):
        assert name in paused
    assert "Bisoprolol" not in paused


def test_no_medicines_recorded_leaves_a_blank_and_none_to_pause_says_so(ctx: AppContext) -> None:
    template = ctx.services.templates.get("diabetes_hypo_sick_day")
    blank = ctx.services.templates.to_contingency(template, PRACTICE, ())
    assert NO_MEDICINES_BLANK in blank.amber_what_i_do
    assert unfilled_placeholders(blank.amber_what_i_do)  # "Before you agree" will block on it
    none = ctx.services.templates.to_contingency(template, PRACTICE, _meds("Atorvastatin 20mg"))
    assert "I pause these medicines: none of the medicines I took" in none.amber_what_i_do


def test_mental_health_crisis_team_comes_from_practice_settings(ctx: AppContext) -> None:
    template = ctx.services.templates.get("mental_health_crisis")
    with_team = dataclasses.replace(PRACTICE, crisis_team_phone="0113 496 0123")
    plan = ctx.services.templates.to_contingency(template, with_team)
    assert "I can call my local crisis team: 0113 496 0123." in plan.amber_what_i_do
    team = [c for c in plan.contacts if c.role_key == ContactRole.SPECIALIST_TEAM.value]
    assert [(c.name, c.phone, c.zone) for c in team] == [
        ("Local mental health crisis team", "0113 496 0123", Zone.AMBER)
    ]
    assert "999" in plan.red_what_i_do and "A&E" in plan.red_what_i_do
    assert unfilled_placeholders(plan.amber_what_i_do) == []


def test_mental_health_crisis_without_a_team_number_is_left_for_the_clinician(ctx: AppContext) -> None:
    plan = ctx.services.templates.to_contingency(ctx.services.templates.get("mental_health_crisis"), PRACTICE)
    assert CRISIS_TEAM_BLANK in plan.amber_what_i_do
    assert unfilled_placeholders(plan.amber_what_i_do) == [CRISIS_TEAM_BLANK]
    team = [c for c in plan.contacts if c.role_key == ContactRole.SPECIALIST_TEAM.value]
    assert team[0].phone == ""  # flagged by "Before you agree" as a contact with no number
