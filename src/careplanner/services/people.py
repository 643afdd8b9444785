"""People: create, update, find as you type, and who is due a review."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from careplanner.clinical.enums import CommunicationNeed, ContactMethod, Sex, UserRole
from careplanner.clinical.name_search import clean_name, name_tokens, sort_key
from careplanner.clinical.nhs_number import is_valid_nhs_number, normalise_nhs_number
from careplanner.clinical.nhs_number_problem import nhs_number_problem
from careplanner.models import Address, CommunicationNeedRow, Person, PersonNameToken, Telecom
from careplanner.models.base import new_id
from careplanner.services import audit
from careplanner.services.errors import NotAllowedError, NotFoundError, ValidationError
from careplanner.services.people_search import ListFilter as ListFilter
from careplanner.services.people_search import name_hits, read_query, search_statement
from careplanner.services.users import Actor


@dataclass(frozen=True)
class AddressData:
    line1: str = ""
    line2: str = ""
    line3: str = ""
    line4: str = ""
    line5: str = ""
    postcode: str = ""
    kind: str = "main"


@dataclass(frozen=True)
class TelecomData:
    system: str = "phone"  # phone | email | other
    value: str = ""
    use: str = ""
    preference: int | None = None


@dataclass(frozen=True)
class NeedEntry:
    need: CommunicationNeed
    detail: str = ""


@dataclass(frozen=True)
class PersonInput:
    """What may be set on a person. Every field here is whitelisted for update."""

    first_name: str
    family_name: str
    date_of_birth: date
    nhs_number: str | None = None
    title: str = ""
    preferred_name: str = ""
    name_suffix: str = ""
    sex: Sex = Sex.NOT_KNOWN
    gender: str = ""
    ethnicity: str = ""
    religion: str = ""
    marital_status: str = ""
    place_of_birth: str = ""
    other_identifier: str = ""
    preferred_contact_method: ContactMethod | None = None
    other_contact_information: str = ""
    interpreter_language: str = ""
    communication_other: str = ""
    gp_name: str = ""
    gp_practice_name: str = ""
    gp_practice_ods_code: str = ""
    palliative_register: bool = False
    addresses: tuple[AddressData, ...] = ()
    telecoms: tuple[TelecomData, ...] = ()
    communication_needs: tuple[NeedEntry, ...] = ()


@dataclass(frozen=True)
class PersonSummary:
    """A row of the patient list."""

    id: str
    nhs_number: str | None
    title: str
    first_name: str
    family_name: str
    preferred_name: str
    date_of_birth: date
    last_agreed_on: date | None
    review_due: date | None
    has_draft: bool
    declined_written_plan: bool

    @property
    def display_name(self) -> str:
        return f"{self.family_name.upper()}, {self.first_name}" + (
            f" ({self.preferred_name})"
            if self.preferred_name and self.preferred_name != self.first_name
            else ""
        )


@dataclass(frozen=True)
class PersonRecord:
    id: str
    details: PersonInput
    summary: PersonSummary
    needs: frozenset[CommunicationNeed] = field(default_factory=frozenset)

    @property
    def wants_large_print(self) -> bool:
        return CommunicationNeed.LARGE_PRINT in self.needs


_SCALARS = [
    f for f in PersonInput.__dataclass_fields__ if f not in ("addresses", "telecoms", "communication_needs")
]


def with_clean_names(data: PersonInput) -> PersonInput:
    """The names as they are stored: no invisible characters (zero-width, direction overrides, control
    characters), NFC. Applied to every create, update and import, so search and matching see them."""
    return replace(
        data,
        title=clean_name(data.title),
        first_name=clean_name(data.first_name),
        family_name=clean_name(data.family_name),
        preferred_name=clean_name(data.preferred_name),
        name_suffix=clean_name(data.name_suffix),
    )


def validate_person(data: PersonInput, today: date) -> dict[str, str]:
    problems: dict[str, str] = {}
    if not data.first_name.strip():
        problems["first_name"] = "Enter the person's first name."
    if not data.family_name.strip():
        problems["family_name"] = "Enter the person's family name."
    if data.date_of_birth > today:
        problems["date_of_birth"] = "The date of birth is in the future."
    elif data.date_of_birth < date(today.year - 125, 1, 1):
        problems["date_of_birth"] = "The date of birth is more than 125 years ago."
    if data.nhs_number and not is_valid_nhs_number(data.nhs_number):
        problems["nhs_number"] = nhs_number_problem(data.nhs_number)
    return problems


def _comparable(data: PersonInput, name: str) -> Any:
    value = getattr(data, name)
    if name == "nhs_number" and value:
        return normalise_nhs_number(value)
    return value


def changed_fields(before: PersonInput, after: PersonInput) -> list[str]:
    """The names of the fields that differ (an NHS number compared by its digits), in declared order."""
    return [
        name
        for name in PersonInput.__dataclass_fields__
        if _comparable(before, name) != _comparable(after, name)
    ]


def _merged(stored: PersonInput, seen: PersonInput, data: PersonInput) -> PersonInput:
    """`stored` with the fields the editor changed (from `seen` to `data`); a field someone else changed
    meanwhile to something else is refused."""
    changes: dict[str, Any] = {}
    clashes: dict[str, str] = {}
    for name in changed_fields(seen, data):
        theirs = _comparable(stored, name)
        if theirs != _comparable(seen, name) and theirs != _comparable(data, name):
            clashes[name] = "Someone else changed this while you were editing it. Close and open it again."
        changes[name] = getattr(data, name)
    if clashes:
        raise ValidationError(clashes)
    return replace(stored, **changes)


def _search_name(data: PersonInput) -> str:
    return " ".join(p for p in (data.first_name, data.family_name, data.preferred_name) if p).casefold()


# The patient list reads only these columns: no entity loading, no related rows (fast at 100,000 people).
SUMMARY_COLUMNS = (
    Person.id,
    Person.nhs_number,
    Person.title,
    Person.first_name,
    Person.family_name,
    Person.preferred_name,
    Person.date_of_birth,
    Person.last_agreed_on,
    Person.review_due,
    Person.has_draft,
    Person.declined_written_plan,
)


def summary_of(p: Person) -> PersonSummary:
    return PersonSummary(
        p.id,
        p.nhs_number,
        p.title,
        p.first_name,
        p.family_name,
        p.preferred_name,
        p.date_of_birth,
        p.last_agreed_on,
        p.review_due,
        p.has_draft,
        p.declined_written_plan,
    )


def record_of(p: Person) -> PersonRecord:
    values = {name: getattr(p, name) for name in _SCALARS}
    details = PersonInput(
        **values,
        addresses=tuple(
            AddressData(a.line1, a.line2, a.line3, a.line4, a.line5, a.postcode, a.kind) for a in p.addresses
        ),
        telecoms=tuple(TelecomData(t.system, t.value, t.use, t.preference) for t in p.telecoms),
        communication_needs=tuple(NeedEntry(n.need, n.detail) for n in p.communication_needs),
    )
    return PersonRecord(p.id, details, summary_of(p), frozenset(n.need for n in p.communication_needs))


class PeopleService:
    def __init__(self, sessions: sessionmaker[Session], today: Callable[[], date] = date.today) -> None:
        self._sessions = sessions
        self._today = today

    def _apply(self, p: Person, data: PersonInput) -> None:
        data = with_clean_names(data)
        for name in _SCALARS:
            setattr(p, name, getattr(data, name))
        p.nhs_number = normalise_nhs_number(data.nhs_number) if data.nhs_number else None
        p.first_name = data.first_name.strip()
        p.family_name = data.family_name.strip()
        p.search_name = _search_name(data)
        if p.id is None:
            p.id = new_id()  # the search tokens carry it
        key = sort_key(p.family_name, p.first_name, p.id)
        p.name_tokens = [
            PersonNameToken(token=t, sort_key=key)
            for t in sorted(name_tokens(data.first_name, data.family_name, data.preferred_name))
        ]
        p.addresses = [
            Address(
                position=i,
                line1=a.line1,
                line2=a.line2,
                line3=a.line3,
                line4=a.line4,
                line5=a.line5,
                postcode=a.postcode,
                kind=a.kind,
            )
            for i, a in enumerate(data.addresses)
        ]
        p.telecoms = [
            Telecom(position=i, system=t.system, value=t.value, use=t.use, preference=t.preference)
            for i, t in enumerate(data.telecoms)
        ]
        p.communication_needs = [
            CommunicationNeedRow(need=n.need, detail=n.detail) for n in data.communication_needs
        ]

    def _check(self, session: Session, data: PersonInput, person_id: str | None) -> None:
        problems = validate_person(data, self._today())
        if data.nhs_number and "nhs_number" not in problems:
            clash = session.scalar(
                select(Person.id).where(Person.nhs_number == normalise_nhs_number(data.nhs_number))
            )
            if clash is not None and clash != person_id:
                problems["nhs_number"] = "Another person already has this NHS number."
        if problems:
            raise ValidationError(problems)

    @staticmethod
    def _require_writer(actor: Actor) -> None:
        if actor.role is UserRole.READ_ONLY:
            raise NotAllowedError("Read-only accounts can view and print, but not add or change people.")

    def create(self, data: PersonInput, actor: Actor) -> PersonRecord:
        self._require_writer(actor)
        data = with_clean_names(data)
        with self._sessions.begin() as session:
            self._check(session, data, None)
            person = Person(id=new_id())
            self._apply(person, data)
            session.add(person)
            session.flush()
            audit.record(session, audit.Action.PERSON_CREATED, user_id=actor.id, person_id=person.id)
            return record_of(person)

    def update(
        self, person_id: str, data: PersonInput, actor: Actor, *, seen: PersonInput | None = None
    ) -> PersonRecord:
        """Change a person's details. The audit entry names the fields that changed, never their values.

        `seen`: the details as the editing screen showed them. Only the fields that differ between `seen`
        and `data` are written, so a colleague's change to another field meanwhile is kept; a field that
        both changed is refused (ValidationError on that field), never silently overwritten."""
        self._require_writer(actor)
        data = with_clean_names(data)
        with self._sessions.begin() as session:
            person = session.get(Person, person_id)
            if person is None:
                raise NotFoundError("That person is not in the store.")
            stored = record_of(person).details
            if seen is not None:
                data = _merged(stored, with_clean_names(seen), data)
            self._check(session, data, person_id)
            fields = changed_fields(stored, data)
            self._apply(person, data)
            audit.record(
                session,
                audit.Action.PERSON_UPDATED,
                user_id=actor.id,
                person_id=person.id,
                detail="fields=" + ",".join(fields),
            )
            session.flush()
            return record_of(person)

    def get(self, person_id: str) -> PersonRecord:
        with self._sessions() as session:
            person = session.get(Person, person_id)
            if person is None:
                raise NotFoundError("That person is not in the store.")
            return record_of(person)

    def open(self, person_id: str, actor: Actor) -> PersonRecord:
        """Get a person for viewing, and record that they were viewed."""
        with self._sessions.begin() as session:
            person = session.get(Person, person_id)
            if person is None:
                raise NotFoundError("That person is not in the store.")
            audit.record(session, audit.Action.PERSON_OPENED, user_id=actor.id, person_id=person_id)
            return record_of(person)

    def by_nhs_number(self, nhs_number: str) -> PersonRecord:
        if not is_valid_nhs_number(nhs_number):
            raise ValidationError({"nhs_number": "This NHS number is not valid: check the 10 digits."})
        with self._sessions() as session:
            person = session.scalar(
                select(Person).where(Person.nhs_number == normalise_nhs_number(nhs_number))
            )
            if person is None:
                raise NotFoundError("No one with that NHS number is in the store.")
            return record_of(person)

    def search(
        self, text: str = "", *, list_filter: str = ListFilter.ALL, offset: int = 0, limit: int = 200
    ) -> list[PersonSummary]:
        """People answering the search box and the list filter together, in list order: one statement."""
        terms = read_query(text)
        with self._sessions() as session:
            if not terms.name_only or list_filter != ListFilter.ALL:
                found = search_statement(terms, list_filter, self._today(), SUMMARY_COLUMNS).order_by(
                    Person.family_name, Person.first_name, Person.id
                )
                return [PersonSummary(*row) for row in session.execute(found.offset(offset).limit(limit))]
            # The page of ids in list order straight from the token index, then just those people's rows:
            # one statement (no list of 200 bound ids to build on every keystroke).
            hits = name_hits(terms.words)
            page = select(hits.c.sort_key, hits.c.person_id).order_by(hits.c.sort_key)
            paged = page.offset(offset).limit(limit).subquery()
            stmt = select(*SUMMARY_COLUMNS).join(paged, paged.c.person_id == Person.id)
            return [PersonSummary(*row) for row in session.execute(stmt.order_by(paged.c.sort_key))]

    def count(self, text: str = "", *, list_filter: str = ListFilter.ALL) -> int:
        terms = read_query(text)
        with self._sessions() as session:
            if not terms.name_only or list_filter != ListFilter.ALL:
                stmt = search_statement(terms, list_filter, self._today(), (func.count(Person.id),))
                return session.scalar(stmt) or 0
            return session.scalar(select(func.count()).select_from(name_hits(terms.words))) or 0

    def reviews_due(self, within_days: int = 30) -> list[PersonSummary]:
        """People overdue or due within `within_days`, most overdue first (the recall list); people due on
        the same day in list order, so the list reads the same on every workstation and both back ends
        (without it, ties came in whatever order each database happened to keep the rows)."""
        horizon = self._today() + timedelta(days=within_days)
        stmt = select(*SUMMARY_COLUMNS).where(Person.review_due.is_not(None), Person.review_due <= horizon)
        order = (Person.review_due, Person.family_name, Person.first_name, Person.id)
        with self._sessions() as session:
            return [PersonSummary(*row) for row in session.execute(stmt.order_by(*order))]
