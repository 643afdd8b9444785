"""My future wishes, in the person's copy: printed only when the person wanted to talk about them.

Resuscitation is written out in full sentences, because "not for CPR" on its own is easy to misread.
"""

from __future__ import annotations

from reportlab.platypus import Flowable, Paragraph

from careplanner.clinical.enums import CprDecision
from careplanner.export import pdf_base as pb
from careplanner.services.plan_data import FutureWishesData


def future_wishes(w: FutureWishesData, s: pb.Styles) -> list[Flowable]:
    if not w.wishes_to_discuss:
        return []
    cpr = {
        CprDecision.FOR_CPR: "If my heart or breathing stops, I want CPR (resuscitation) to be tried.",
        CprDecision.NOT_FOR_CPR: "If my heart or breathing stops, CPR (resuscitation) should not be tried.",
        CprDecision.NOT_DISCUSSED: "",
    }[w.cpr_decision]
    if cpr and w.cpr_decision_date:
        cpr += f" Decided on {pb.long_date(w.cpr_decision_date)}" + (
            f" by {w.cpr_decision_by.strip()}." if w.cpr_decision_by.strip() else "."
        )
    lpa = ""
    if w.lpa_health_welfare_exists:
        lpa = f"Health and welfare: {w.lpa_health_welfare_name.strip() or 'yes'}"
    if w.lpa_property_finance_exists:
        lpa += ("; " if lpa else "") + f"Property and money: {w.lpa_property_finance_name.strip() or 'yes'}"
    rows = [
        ("Where I would like to be cared for:", w.preferred_place_of_care),
        ("Where I would like to be when I die:", w.preferred_place_of_death),
        ("Resuscitation (CPR):", cpr),
        ("Where my CPR or ReSPECT form is kept:", w.cpr_form_location or w.respect_form_location),
        ("People who can decide for me (lasting power of attorney):", lpa),
        ("My advance decision to refuse treatment:", w.adrt_summary),
        ("My advance statement:", w.advance_statement_summary),
        ("Organ donation:", w.organ_donation),
        ("People to tell:", w.people_to_inform),
        ("What matters to me spiritually:", w.spiritual_needs),
        ("Other wishes:", w.other_wishes),
    ]
    out = [pb.labelled(label, value, s) for label, value in rows if value.strip()]
    return [Paragraph("My future wishes", s.h2), *out] if out else []
