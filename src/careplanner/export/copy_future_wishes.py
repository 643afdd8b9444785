"""My future wishes, in the person's copy: printed only when the person wanted to talk about them.

The CPR decision, where its form is kept and where the advance decision is kept print with "If I get
worse" (`copy_safety.emergency_decisions`), where someone treating me in a hurry looks; this section points
there rather than repeating them.
"""

from __future__ import annotations

from reportlab.platypus import Flowable, Paragraph

from careplanner.export import pdf_base as pb
from careplanner.export.copy_language import t
from careplanner.export.copy_more import where_papers_are
from careplanner.export.copy_safety import cpr_sentence
from careplanner.services.plan_data import FutureWishesData


def future_wishes(w: FutureWishesData, s: pb.Styles) -> list[Flowable]:
    if not w.wishes_to_discuss:
        return []
    cpr = ""
    if cpr_sentence(w) or w.cpr_form_location.strip() or w.respect_form_location.strip():
        cpr = t(
            "My CPR decision and where the form is kept are on my emergency card, at the start of this plan."
        )
    lpa = ""
    if w.lpa_health_welfare_exists:
        lpa = t("Health and welfare: {name}").format(name=w.lpa_health_welfare_name.strip() or t("yes"))
        lpa += _registered(w.lpa_health_welfare_registered)
    if w.lpa_property_finance_exists:
        name = w.lpa_property_finance_name.strip() or t("yes")
        lpa += ("; " if lpa else "") + t("Property and money: {name}").format(name=name)
        lpa += _registered(w.lpa_property_finance_registered)
    adrt = w.adrt_summary.strip()
    if adrt and w.adrt_date is not None:
        adrt += " " + t("(written {date})").format(date=pb.long_date(w.adrt_date))
    statement = w.advance_statement_summary.strip()
    if not statement and w.advance_statement_exists:
        statement = t("I have written one.")
    if statement and w.advance_statement_date is not None:
        statement += " " + t("(written {date})").format(date=pb.long_date(w.advance_statement_date))
    review = pb.long_date(w.cpr_review_date) if w.cpr_review_date is not None else ""
    rows = [
        ("Where I would like to be cared for:", w.preferred_place_of_care),
        ("Where I would like to be when I die:", w.preferred_place_of_death),
        ("Resuscitation (CPR):", cpr),
        ("My CPR decision will be looked at again by:", review),
        ("People who can decide for me (lasting power of attorney):", lpa),
        ("My advance decision to refuse treatment:", adrt),
        ("My advance statement:", statement),
        *where_papers_are(w),
        ("Organ donation:", w.organ_donation),
        ("People to tell:", w.people_to_inform),
        ("What matters to me spiritually:", w.spiritual_needs),
        ("Other wishes:", w.other_wishes),
    ]
    out = [pb.labelled(label, value, s) for label, value in rows if value.strip()]
    return [Paragraph(t("My future wishes"), s.h2), *out] if out else []


def _registered(registered: bool | None) -> str:
    if registered is None:
        return ""
    return " " + (t("(registered)") if registered else t("(not yet registered)"))
