"""Is an incoming record the same person as one already in the store, and what would it change?

An NHS number alone is not enough to overwrite a person: numbers are mistyped and records are sent for
the wrong patient. The incoming record must also have the same date of birth and the same family name
(ignoring case, accents, spaces, hyphens and apostrophes). What else differs is listed by field, so
nobody's details change without the clinician seeing what changes and saying yes.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from careplanner.clinical.enums import Sex
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
    """Which identifying details differ ("date of birth", "family name", "first name", "sex"); empty
    when they match. A first name and a sex that both differ (both known) is another person, such as a
    twin, not a change of details; either alone is listed as a detail change instead."""
    differ = []
    if stored.date_of_birth != incoming.date_of_birth:
        differ.append("date of birth")
    if folded_name(stored.family_name) != folded_name(incoming.family_name):
        differ.append("family name")
    known = (stored.sex, incoming.sex)
    if (
        not differ
        and Sex.NOT_KNOWN not in known
        and stored.sex != incoming.sex
        and folded_name(stored.first_name) != folded_name(incoming.first_name)
    ):
        differ += ["first name", "sex"]
    return differ


def same_name_and_birth(stored: PersonInput, incoming: PersonInput) -> bool:
    """True when a held person has the record's family name and date of birth (a possible match)."""
    return stored.date_of_birth == incoming.date_of_birth and folded_name(stored.family_name) == folded_name(
        incoming.family_name
    )


class PossibleMatchError(ServiceError):
    """The record has no NHS number and someone with the same family name and date of birth is held."""

    exit_code = 10

    def __init__(self) -> None:
        super().__init__(
            "This record has no NHS number, and a person with the same family name and date of birth is "
            "already held. Nothing was imported. Check whether it is the same person; to add the record as "
            "a new person, import it again and choose to add a new person (--new-person)."
        )


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
    new_person: bool = False  # no NHS number and a possible match is held: add a new person anyway


def detail_changes(stored: PersonInput, proposed: PersonInput) -> tuple[str, ...]:
    """The labels of the details that `proposed` would change, in a fixed order."""
    return tuple(
        label for name, label in DETAIL_LABELS.items() if getattr(stored, name) != getattr(proposed, name)
    )
