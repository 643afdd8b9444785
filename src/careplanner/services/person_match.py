"""Is an incoming record the same person as one already in the store, and what would it change?

An NHS number alone is not enough to overwrite a person: numbers are mistyped and records are sent for
the wrong patient. The incoming record must also have the same date of birth and the same family name
(ignoring case, accents, spaces, hyphens and apostrophes). What else differs is listed by field, so
nobody's details change without the clinician seeing what changes and saying yes.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from careplanner.services.errors import ServiceError
from careplanner.services.people import PersonInput

# Field -> the words a clinician sees. Only the fields an import may set.
DETAIL_LABELS = {
    "title": "title",
    "first_name": "first name",
    "family_name": "family name (spelling)",
    "preferred_name": "preferred name",
    "sex": "sex",
    "gp_practice_name": "GP practice name",
    "gp_practice_ods_code": "GP practice code",
    "addresses": "address",
    "telecoms": "phone numbers and email",
}


def folded_name(name: str) -> str:
    """A family name reduced for comparison: no case, accents, spaces, hyphens or apostrophes."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    return "".join(ch for ch in decomposed if ch.isalnum())


def identity_differences(stored: PersonInput, incoming: PersonInput) -> list[str]:
    """Which identifying details differ ("date of birth", "family name"); empty when they match."""
    differ = []
    if stored.date_of_birth != incoming.date_of_birth:
        differ.append("date of birth")
    if folded_name(stored.family_name) != folded_name(incoming.family_name):
        differ.append("family name")
    return differ


class IdentityMismatchError(ServiceError):
    """The record's NHS number is someone else's in this store. Nothing was imported."""

    exit_code = 10

    def __init__(self, differ: list[str]) -> None:
        self.differ = differ
        what = " and ".join(differ)
        verb = "differ" if len(differ) > 1 else "differs"
        super().__init__(
            "This record's NHS number belongs to a different person in this store "
            f"({what} {verb}). Nothing was imported. Check the record is for the right person."
        )


class DetailsWouldChangeError(ServiceError):
    """Importing would change a person's details and nobody has said yes yet. Nothing was imported."""

    exit_code = 11

    def __init__(self, changes: tuple[str, ...]) -> None:
        self.changes = changes
        super().__init__(
            "This record would change the person's details: "
            + ", ".join(changes)
            + ". Nothing was imported. Check the record, then import it again and choose to update the "
            "details, or to keep the details already held."
        )


@dataclass(frozen=True)
class DetailsDecision:
    """How an import treats the person's details when the record differs from the store."""

    update: bool = False  # apply the record's details (the clinician has seen the list and said yes)
    keep: bool = False  # import the clinical record but keep the details already held


def detail_changes(stored: PersonInput, proposed: PersonInput) -> tuple[str, ...]:
    """The labels of the details that `proposed` would change, in a fixed order."""
    return tuple(
        label for name, label in DETAIL_LABELS.items() if getattr(stored, name) != getattr(proposed, name)
    )
