"""A person's details changed on an offline workstation and on the server to different values: the
clinician chooses which value to keep, field by field (hazard: nothing typed is lost silently).

The server kept its own value and a `sync_conflict` row with both values (`details`, person_merge.py).
Here, on the workstation (the replica), `DetailConflicts` lists those conflicts with both values in
words, and `choose` keeps either value of each field: the workstation's value is saved through the
ordinary person update (audited, sent like any change, with the server's value as its base), and the
conflict is marked resolved with an audit entry naming the fields and whose value was kept (never the
values). A value that changed since the conflict was found is not overwritten: the choice is refused and
the clinician looks again.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from careplanner.clinical.enums import CommunicationNeed, ContactMethod, Sex
from careplanner.models.person import Person
from careplanner.models.sync import SyncConflict
from careplanner.services import audit
from careplanner.services.errors import NotFoundError, ValidationError
from careplanner.services.people import AddressData, NeedEntry, PeopleService, PersonInput, TelecomData
from careplanner.services.users import Actor
from careplanner.sync.documents import JsonValue, read_document
from careplanner.sync.person_merge import ROW_FIELDS, rows_value

Keep = Literal["workstation", "server"]
LABELS = {
    "date_of_birth": "date of birth",
    "nhs_number": "NHS number",
    "gp_practice_ods_code": "GP practice ODS code",
    "telecoms": "phone numbers and email",
    "communication_needs": "communication needs",
}


@dataclass(frozen=True)
class DetailClash:
    field: str
    label: str
    workstation: str  # in words, for the clinician
    server: str


@dataclass(frozen=True)
class DetailConflict:
    conflict_id: str
    person_id: str
    person_name: str
    detected_at: datetime | None
    clashes: tuple[DetailClash, ...]


class ChangedSinceError(ValidationError):
    """The person's details changed since the conflict was shown: nothing was written."""


def label(field: str) -> str:
    return LABELS.get(field, field.replace("_", " "))


def in_words(field: str, value: JsonValue) -> str:
    """A field's value as the clinician reads it."""
    if isinstance(value, list):
        parts = []
        for row in value:
            if not isinstance(row, dict):
                continue
            if field == "addresses":
                keys = ("line1", "line2", "line3", "line4", "line5", "postcode")
                parts.append(", ".join(str(row[k]) for k in keys if row.get(k)))
            elif field == "telecoms":
                kind = " ".join(str(row[k]) for k in ("use", "system") if row.get(k))
                parts.append(f"{kind}: {row.get('value', '')}" if kind else str(row.get("value", "")))
            else:
                parts.append(" ".join(str(row[k]) for k in ("need", "detail") if row.get(k)))
        return "; ".join(p for p in parts if p) or "(none)"
    if value is None or value == "":
        return "(blank)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _clashes(details: str) -> dict[str, dict[str, JsonValue]]:
    try:
        found = json.loads(details).get("fields", {})
    except (ValueError, AttributeError):
        return {}
    return {str(k): v for k, v in found.items() if isinstance(v, dict)}


def _current(session: Session, person_id: str) -> dict[str, JsonValue]:
    """The person's fields (and row lists, as content) in the form the conflict keeps them."""
    doc = read_document(session.connection(), "person", person_id)
    root = doc.root()
    if root is None:
        raise NotFoundError("That person is not in this computer's copy.")
    values = dict(root)
    for name, table in ROW_FIELDS.items():
        values[name] = rows_value(doc.rows.get(table, []))
    return values


def _typed(field: str, value: Any) -> Any:
    """A kept JSON value as PersonInput holds it."""
    if field == "date_of_birth":
        return date.fromisoformat(str(value))
    if field == "sex":
        return Sex(value)
    if field == "preferred_contact_method":
        return None if value is None else ContactMethod(value)
    if field == "addresses":
        keys = ("line1", "line2", "line3", "line4", "line5", "postcode", "kind")
        rows = sorted(value, key=lambda r: r.get("position", 0))
        return tuple(AddressData(**{k: r[k] for k in keys if k in r}) for r in rows)
    if field == "telecoms":
        rows = sorted(value, key=lambda r: r.get("position", 0))
        return tuple(
            TelecomData(**{k: r[k] for k in ("system", "value", "use", "preference") if k in r}) for r in rows
        )
    if field == "communication_needs":
        return tuple(NeedEntry(CommunicationNeed(r["need"]), str(r.get("detail", ""))) for r in value)
    return value


class DetailConflicts:
    """Person-details conflicts on this workstation's copy: listed with both values, and chosen."""

    def __init__(self, sessions: sessionmaker[Session], people: PeopleService) -> None:
        self._sessions = sessions
        self._people = people

    def open(self) -> list[DetailConflict]:
        """Unresolved conflicts about a person's details, oldest first."""
        with self._sessions() as session:
            rows = session.execute(
                select(SyncConflict, Person.first_name, Person.family_name)
                .join(Person, Person.id == SyncConflict.person_id)
                .where(SyncConflict.resolved_at.is_(None), SyncConflict.details != "")
                .order_by(SyncConflict.detected_at, SyncConflict.id)
            ).all()
        return [
            DetailConflict(
                conflict_id=c.id,
                person_id=c.person_id,
                person_name=" ".join(p for p in (first, family) if p),
                detected_at=c.detected_at,
                clashes=tuple(
                    DetailClash(f, label(f), in_words(f, v.get("workstation")), in_words(f, v.get("server")))
                    for f, v in sorted(_clashes(c.details).items())
                ),
            )
            for c, first, family in rows
        ]

    def find(self, conflict_id: str) -> DetailConflict | None:
        """The open person-details conflict of that id (None: not one, or not open)."""
        return next((c for c in self.open() if c.conflict_id == conflict_id), None)

    def choose(self, conflict_id: str, keep: Mapping[str, Keep], actor: Actor, *, now: datetime) -> None:
        """Keep the workstation's or the server's value of each clashing field (every field must be
        chosen), then mark the conflict resolved; audited. ChangedSinceError when a field moved since."""
        with self._sessions() as session:
            conflict = session.get(SyncConflict, conflict_id)
            if conflict is None or conflict.resolved_at is not None or not conflict.details:
                raise NotFoundError("That conflict is not open on this computer.")
            clashes = _clashes(conflict.details)
            person_id = conflict.person_id
            current = _current(session, person_id)
        if set(keep) != set(clashes) or any(v not in ("workstation", "server") for v in keep.values()):
            raise ValidationError({"keep": "Choose the workstation's or the server's value for every field."})
        taken = {f: clashes[f]["workstation"] for f, side in keep.items() if side == "workstation"}
        moved = [f for f in taken if current.get(f) not in (clashes[f]["server"], clashes[f]["workstation"])]
        if moved:
            raise ChangedSinceError(
                {f: "This changed again since the conflict was found: look at it again." for f in moved}
            )
        still = {f: v for f, v in taken.items() if current.get(f) != v}
        if still:
            details = self._people.get(person_id).details
            data: PersonInput = replace(details, **{f: _typed(f, v) for f, v in still.items()})
            self._people.update(person_id, data, actor)
        with self._sessions.begin() as session:
            conflict = session.get(SyncConflict, conflict_id)
            assert conflict is not None
            if conflict.resolved_at is not None:
                return
            conflict.resolved_at = now
            conflict.resolved_by_id = actor.id
            words = "; ".join(f"{f}={side}" for f, side in sorted(keep.items()))
            audit.record(
                session,
                audit.Action.PERSON_UPDATED,
                user_id=actor.id,
                person_id=person_id,
                detail=f"details conflict resolved, kept: {words}",
            )
