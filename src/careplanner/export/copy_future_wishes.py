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
    # Paragraph markup: what the clinician typed is marked as English (`pb.typed`), the copy's own words
    # (the CPR pointer, dates, "(registered)") are not.
    lpa = ""
    if w.lpa_health_welfare_exists:
        lpa = pb.text(t("Health and welfare: {name}")).format(name=_typed_or(w.lpa_health_welfare_name))
        lpa += _registered(w.lpa_health_welfare_registered)
    if w.lpa_property_finance_exists:
        name = _typed_or(w.lpa_property_finance_name)
        lpa += ("; " if lpa else "") + pb.text(t("Property and money: {name}")).format(name=name)
        lpa += _registered(w.lpa_property_finance_registered)
    adrt = pb.typed(w.adrt_summary)
    if adrt and w.adrt_date is not None:
        adrt += " " + pb.text(t("(written {date})").format(date=pb.long_date(w.adrt_date)))
    statement = pb.typed(w.advance_statement_summary)
    if not statement and w.advance_statement_exists:
        statement = pb.text(t("I have written one."))
    if statement and w.advance_statement_date is not None:
        statement += " " + pb.text(t("(written {date})").format(date=pb.long_date(w.advance_statement_date)))
    review = pb.text(pb.long_date(w.cpr_review_date)) if w.cpr_review_date is not None else ""
    rows = [
        ("Where I would like to be cared for:", pb.typed(w.preferred_place_of_care)),
        ("Where I would like to be when I die:", pb.typed(w.preferred_place_of_death)),
        ("Resuscitation (CPR):", pb.text(cpr)),
        ("My CPR decision will be looked at again by:", review),
        ("People who can decide for me (lasting power of attorney):", lpa),
        ("My advance decision to refuse treatment:", adrt),
        ("My advance statement:", statement),
        *((label, pb.typed(where)) for label, where in where_papers_are(w)),
        ("Organ donation:", pb.typed(w.organ_donation)),
        ("People to tell:", pb.typed(w.people_to_inform)),
        ("What matters to me spiritually:", pb.typed(w.spiritual_needs)),
        ("Other wishes:", pb.typed(w.other_wishes)),
    ]
    out = [pb.labelled(label, value, s, markup=True) for label, value in rows if value.strip()]
    return [Paragraph(t("My future wishes"), s.h2), *out] if out else []


def _typed_or(name: str) -> str:
    """A typed name as markup, or the copy's own "yes" when none was typed."""
    return pb.typed(name) if name.strip() else pb.text(t("yes"))


def _registered(registered: bool | None) -> str:
    if registered is None:
        return ""
    return " " + pb.text(t("(registered)") if registered else t("(not yet registered)"))
