"""The decisions that matter in a crisis travel as structured resources, not only inside the PDF: the CPR
decision (who decided, when, whether discussed, where the form is), a ReSPECT form, an advance decision to
refuse treatment, lasting powers of attorney, consent to share (referenced from the CarePlan), and each
"if I get worse" plan as a CarePlan of its own with its zones and who to call."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime
from typing import Any

from fhir.resources.R4B.bundle import Bundle

from careplanner.clinical.enums import CprDecision
from careplanner.export.contacts import resolve_contact
from careplanner.export.fhir_export import build_bundle
from careplanner.export.fhir_references import dangling_references
from careplanner.export.sample import SAMPLE_PRACTICE, sample_person
from careplanner.export.sample_rich import rich_content, rich_plan
from careplanner.services import plan_data as d
from tests.support.fhir_schema import schema_errors

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
Json = dict[str, Any]


def _of(bundle: Json, kind: str) -> list[Json]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def _by_url(bundle: Json) -> dict[str, Json]:
    return {e["fullUrl"]: e["resource"] for e in bundle["entry"]}


def _bundle(content: d.PlanContent | None = None) -> Json:
    plan = rich_plan() if content is None else dataclasses.replace(rich_plan(), content=content)
    bundle = build_bundle(sample_person(), plan, SAMPLE_PRACTICE, pdf=None, now=NOW)
    Bundle.model_validate(bundle)
    assert schema_errors(bundle) == []  # the official R4 JSON schema, as well as the R4 models
    assert dangling_references(bundle) == []
    return bundle


def _scope(consent: Json) -> str:
    return str(consent["scope"]["coding"][0]["code"])


def _codes(consent: Json) -> set[str]:
    return {c["code"] for cat in consent["category"] for c in cat.get("coding", [])}


def _with_wishes(**changes: Any) -> d.PlanContent:
    content = rich_content()
    wishes = dataclasses.replace(content.future_wishes.wishes, **changes)
    return dataclasses.replace(content, future_wishes=d.FutureWishesSection(wishes))


def test_not_for_cpr_is_a_structured_consent_with_who_when_and_where_the_form_is() -> None:
    bundle = _bundle()
    refs = _by_url(bundle)
    (cpr,) = [c for c in _of(bundle, "Consent") if "304253006" in _codes(c)]
    assert _scope(cpr) == "adr"
    assert _codes(cpr) == {"dnr", "304253006"}  # Do Not Resuscitate + SNOMED "Not for resuscitation"
    assert cpr["provision"]["type"] == "deny"
    assert cpr["dateTime"] == "2026-11-22"
    (decided_by,) = cpr["performer"]
    assert refs[decided_by["reference"]]["name"] == [{"text": "Dr A Shah"}]
    assert cpr["verification"] == [{"verified": True, "verifiedWith": _of(bundle, "CarePlan")[0]["subject"]}]
    form = refs[cpr["sourceReference"]["reference"]]
    assert form["resourceType"] == "DocumentReference"
    assert form["description"] == "CPR decision form. Where it is kept: ReSPECT form in the kitchen drawer"
    assert "Dr A Shah" in cpr["text"]["div"] and "kitchen drawer" in cpr["text"]["div"]
    (main,) = [p for p in _of(bundle, "CarePlan") if "partOf" not in p]
    assert {"reference": f"urn:uuid:{cpr['id']}"} in main["supportingInfo"]


def test_for_cpr_permits_and_is_never_categorised_do_not_resuscitate() -> None:
    bundle = _bundle(_with_wishes(cpr_decision=CprDecision.FOR_CPR, cpr_discussed_with_person=False))
    (cpr,) = [c for c in _of(bundle, "Consent") if _scope(c) == "adr" and "acd" not in _codes(c)]
    assert _codes(cpr) == {"304252001"}
    assert cpr["provision"]["type"] == "permit"
    assert cpr["verification"][0]["verified"] is False


def test_no_cpr_decision_sends_none_but_still_says_where_the_respect_form_is() -> None:
    bundle = _bundle(
        _with_wishes(
            cpr_decision=CprDecision.NOT_DISCUSSED,
            cpr_form_location="",
            respect_form_location="On the fridge door",
        )
    )
    assert not [c for c in _of(bundle, "Consent") if _codes(c) & {"dnr", "304253006", "304252001"}]
    (respect,) = [doc for doc in _of(bundle, "DocumentReference") if doc["type"]["text"] == "ReSPECT form"]
    assert respect["description"] == "ReSPECT form. Where it is kept: On the fridge door"
    assert respect["custodian"]["reference"].startswith("urn:uuid:")


def test_the_respect_form_is_the_source_when_no_separate_cpr_form_is_recorded() -> None:
    bundle = _bundle(_with_wishes(cpr_form_location="", respect_form_location="Kitchen drawer"))
    refs = _by_url(bundle)
    (cpr,) = [c for c in _of(bundle, "Consent") if "dnr" in _codes(c)]
    assert refs[cpr["sourceReference"]["reference"]]["type"] == {"text": "ReSPECT form"}


def test_an_advance_decision_to_refuse_treatment_is_a_consent_that_denies() -> None:
    bundle = _bundle(_with_wishes(adrt_date=date(2025, 3, 1)))
    refs = _by_url(bundle)
    (adrt,) = [c for c in _of(bundle, "Consent") if "acd" in _codes(c)]
    assert _scope(adrt) == "adr" and adrt["provision"]["type"] == "deny"
    assert adrt["provision"]["code"] == [{"text": "I do not want to be put on a breathing machine."}]
    assert adrt["dateTime"] == "2025-03-01"
    where = refs[adrt["sourceReference"]["reference"]]["description"]
    assert where.endswith("In the blue folder by my bed; my daughter has a copy")
    assert adrt["policy"] == [{"uri": "https://www.legislation.gov.uk/ukpga/2005/9/contents"}]


def test_lasting_powers_of_attorney_name_the_attorney_as_a_related_person() -> None:
    bundle = _bundle(
        _with_wishes(
            lpa_health_welfare_registered=True,
            lpa_health_welfare_location="With my solicitor",
            lpa_property_finance_exists=True,
            lpa_property_finance_name="Ciarán Nguyễn",
        )
    )
    refs = _by_url(bundle)
    docs = {doc["type"]["text"]: doc for doc in _of(bundle, "DocumentReference")}
    health = docs["Lasting power of attorney for health and welfare"]
    attorney = refs[health["context"]["related"][0]["reference"]]
    assert attorney["name"] == [{"text": "Aoife Nguyễn"}]
    # The daughter is also next of kin: one RelatedPerson with both relationships.
    codes = {c["code"] for r in attorney["relationship"] for c in r.get("coding", [])}
    assert codes == {"N", "HPOWATT"}
    assert "With my solicitor" in health["description"] and "Registered" in health["text"]["div"]
    money = docs["Lasting power of attorney for property and financial affairs"]
    assert (
        refs[money["context"]["related"][0]["reference"]]["relationship"][0]["coding"][0]["code"] == "POWATT"
    )


def test_consent_to_share_is_a_consent_the_care_plan_references() -> None:
    bundle = _bundle()
    (share,) = [c for c in _of(bundle, "Consent") if _scope(c) == "patient-privacy"]
    assert _codes(share) == {"INFA"}
    assert share["provision"]["type"] == "permit"
    assert share["policyRule"]["coding"][0]["code"] == "OPTIN"
    assert share["provision"]["actor"][0]["reference"] == {"display": "District nurses, out-of-hours service"}
    (main,) = [p for p in _of(bundle, "CarePlan") if "partOf" not in p]
    assert {"reference": f"urn:uuid:{share['id']}"} in main["supportingInfo"]
    content = rich_content()
    refused = dataclasses.replace(
        content,
        sharing=dataclasses.replace(
            content.sharing, sharing=dataclasses.replace(content.sharing.sharing, consent_to_share=False)
        ),
    )
    (no,) = [c for c in _of(_bundle(refused), "Consent") if _scope(c) == "patient-privacy"]
    assert no["provision"]["type"] == "deny" and no["policyRule"]["coding"][0]["code"] == "OPTOUT"


def test_each_contingency_plan_is_a_linked_care_plan_with_zones_and_who_to_call() -> None:
    bundle = _bundle()
    plans = _of(bundle, "CarePlan")
    (main,) = [p for p in plans if "partOf" not in p]
    linked = [p for p in plans if "partOf" in p]
    held = rich_content().contingency.plans
    assert len(linked) == len(held) >= 2
    for plan, source in zip(linked, held, strict=True):
        assert plan["partOf"] == [{"reference": f"urn:uuid:{main['id']}"}]
        assert plan["status"] == main["status"] and plan["author"] == main["author"]
        lines = [(a["detail"]["code"]["text"], a["detail"]["description"]) for a in plan["activity"]]
        if source.red_what_i_do.strip():
            assert ("Red: I need help now", f"What I do: {source.red_what_i_do.strip()}") in lines
        calls = [text for code, text in lines if code.endswith("who to call")]
        for contact in source.contacts:
            who, number = resolve_contact(contact, SAMPLE_PRACTICE)
            if number:
                assert any(who in text and text.endswith(f"on {number}") for text in calls)
            else:  # a half-typed contact with no number is never sent as someone to call
                assert not any(contact.name in text for text in calls)
        for label, words in (("Early warning signs", source.warning_signs),):
            if words:
                assert {"text": f"{label}: " + "; ".join(words)} in plan["note"]
    # Every who-to-call line carries a number: a contact without one is no use in a crisis.
    calls = [
        a["detail"]["description"]
        for p in linked
        for a in p["activity"]
        if "who to call" in a["detail"]["code"]["text"]
    ]
    assert calls and all(" on " in c for c in calls)


def test_a_drafts_decisions_are_drafts_and_a_superseded_versions_are_inactive() -> None:
    draft = build_bundle(sample_person(), rich_plan(draft=True), SAMPLE_PRACTICE, pdf=None, now=NOW)
    assert {c["status"] for c in _of(draft, "Consent")} == {"draft"}  # not agreed: not for a crew to act on
    old = dataclasses.replace(rich_plan(), superseded=True)
    bundle = build_bundle(sample_person(), old, SAMPLE_PRACTICE, pdf=None, now=NOW)
    assert {c["status"] for c in _of(bundle, "Consent")} == {"inactive"}
    assert {doc["status"] for doc in _of(bundle, "DocumentReference")} == {"superseded"}
    assert {c["status"] for c in _of(_bundle(), "Consent")} == {"active"}


def test_preferred_places_of_care_and_death_travel_with_the_plan() -> None:
    (main,) = [p for p in _of(_bundle(), "CarePlan") if "partOf" not in p]
    assert {"text": "Where I would like to be cared for: At home"} in main["note"]
    assert {"text": "Where I would like to die: At home, with my family"} in main["note"]
