"""Who to ring: turn a contingency contact into the words and number printed on the plan.

Contacts that name a practice-wide role (practice, out of hours, NHS 111, 999) print the practice's
current numbers from its settings, so a changed surgery number is right on every plan printed from then
on. A number typed on the contact itself is used only when the practice has not set one.
"""

from __future__ import annotations

from careplanner.clinical.enums import ContactRole
from careplanner.clinical.practice import PracticeSettings
from careplanner.export.copy_language import t
from careplanner.services.plan_data import ContingencyContactData

DEFAULT_LABELS = {
    ContactRole.PRACTICE: "My GP practice",
    ContactRole.OUT_OF_HOURS: "Out of hours GP",
    ContactRole.NHS_111: "NHS 111",
    ContactRole.EMERGENCY_999: "999 (emergency)",
}


def role_of(contact: ContingencyContactData) -> ContactRole | None:
    try:
        return ContactRole(contact.role_key) if contact.role_key else None
    except ValueError:
        return None


def resolve_contact(contact: ContingencyContactData, practice: PracticeSettings | None) -> tuple[str, str]:
    """(who, phone number) as printed for one contact."""
    role = role_of(contact)
    label = contact.name.strip() or contact.role.strip() or (t(DEFAULT_LABELS.get(role, "")) if role else "")
    number = ""
    if role is not None and practice is not None:
        number = (practice.number_for(role) or "").strip()
    if not number:
        number = contact.phone.strip()
    if role is ContactRole.EMERGENCY_999:
        number = number or "999"
    elif role is ContactRole.NHS_111:
        number = number or "111"
    return label or t("Contact"), number
