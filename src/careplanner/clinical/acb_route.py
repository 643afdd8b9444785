"""Which medicines the ACB total leaves out because they act where they are put: skin, eye, ear.

The ACB scale rates how strongly a drug's anticholinergic action reaches the brain (scores 2 and 3
mean established cognitive effects, based on blood-brain barrier permeability: qxmd ACB calculator
page). That needs the drug in the bloodstream. A cream, eye drop or ear drop gives little systemic
exposure at usual doses, and the route-aware Anticholinergic Drug Scale (Carnahan) scores topical
forms 0 ("hydrocortisone-TOPICAL 0"). So these are listed as "not counted (topical/eye/ear)" for
the clinician to judge, never added and never silently dropped.

Counted as systemic on purpose: tablets, liquids, injections, suppositories and enemas; transdermal
patches (hyoscine, fentanyl and oxybutynin patches are made to be absorbed); inhalers and nebulisers
(inhaled drugs reach the blood; none on the 2012 list is inhaled-only, so this choice never lowers
a total).
"""

from __future__ import annotations

__all__ = ["is_topical_eye_or_ear"]

#: Words in a UK record name (dm+d style: "Atropine 1% eye drops") that mean skin, eye or ear use.
_LOCAL_WORDS = frozenset(
    {
        "cream", "creams", "ointment", "ointments", "lotion", "lotions", "gel", "gels",
        "emollient", "shampoo", "topical", "cutaneous", "scalp",
        "eye", "eyes", "ophthalmic", "ear", "ears", "otic", "aural",
    }
)  # fmt: skip

#: Words that mean the preparation is meant to be absorbed, whatever else it says.
_SYSTEMIC_WORDS = frozenset({"transdermal", "oral", "oromucosal", "buccal", "rectal", "patch", "patches"})


def is_topical_eye_or_ear(words: tuple[str, ...]) -> bool:
    """True when the name's words say skin, eye or ear use and nothing says it is absorbed.

    "Hydrocortisone 1% cream" and "Atropine 1% eye drops" are local; "Oxybutynin 10% transdermal
    gel", "Miconazole oral gel" and "Hyoscine hydrobromide 1mg/72hours patch" are not.
    """
    present = set(words)
    return bool(present & _LOCAL_WORDS) and not present & _SYSTEMIC_WORDS
