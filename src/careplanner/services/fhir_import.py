"""Import a FHIR R4 Bundle of a person's record: create or update the person and pre-fill the medical
review (and goals, when the bundle carries them) of their draft plan, all in one transaction.

The bundle is read and checked in full before the store is touched (`export.fhir_read`); if anything
is wrong the whole bundle is refused with the list of problems, and the store is exactly as it was.
A record whose NHS number is held for someone with another date of birth or family name is refused
(`person_match`), and a person's details change only when the caller says so, after being told which.
Conditions and allergies keep their clinical status: history comes in as history.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from careplanner.clinical.nhs_number import normalise_nhs_number
from careplanner.export.fhir_problems import BundleRefusedError, Problem
from careplanner.export.fhir_read import ImportedRecord
from careplanner.export.fhir_read_plan import PlanOrigin
from careplanner.models import CarePlan, Person
from careplanner.services import audit
from careplanner.services.carry_forward import carried_forward
from careplanner.services.errors import NotAllowedError
from careplanner.services.fhir_import_agreed import (
    VersionConflictError,
    bundle_digest,
    check_against_held,
    is_agreed_there,
    not_current,
    store_agreed,
)
from careplanner.services.fhir_import_file import parse_json, read_bundle_file
from careplanner.services.fhir_import_plan import (
    merged_referrals,
    origin_audit,
    origin_notice,
    plan_sections,
)
from careplanner.services.fhir_import_plan_preview import plan_rows, with_plan_rows
from careplanner.services.fhir_import_read import GP_CONNECT, kinds_at, read_record
from careplanner.services.fhir_merge import Tally, merge_goals, merge_medical
from careplanner.services.fhir_record_codes import fill_in, filled_notice
from careplanner.services.fhir_withdrawn import mark_withdrawn, withdrawn_in
from careplanner.services.import_preview import ImportPreview, build_preview
from careplanner.services.mapping import read_content
from careplanner.services.people import PeopleService, PersonInput, record_of
from careplanner.services.person_match import (
    DetailsDecision,
    DetailsWouldChangeError,
    IdentityMismatchError,
    PossibleMatchError,
    detail_changes,
    identity_differences,
    same_name_and_birth,
)
from careplanner.services.plan_data import GoalsSection, MedicalSection, PlanContent, Section
from careplanner.services.plans import draft_row_in, save_sections_in, version_index
from careplanner.services.users import Actor

__all__ = [
    "BundleRefusedError",
    "DetailsDecision",
    "DetailsWouldChangeError",
    "FhirImportService",
    "IdentityMismatchError",
    "ImportPreview",
    "ImportResult",
    "PossibleMatchError",
    "Problem",
    "VersionConflictError",
    "parse_json",
    "read_bundle_file",
]
ALREADY_HELD = "This version of the plan is already held here: the plan was not changed."


@dataclass(frozen=True)
class ImportResult:
    person_id: str
    plan_id: str
    created_person: bool
    counts: dict[str, int]  # resources in the bundle, by kind
    imported: dict[str, int] = dataclasses.field(default_factory=dict)  # what came in, in plain words
    added: dict[str, int] = dataclasses.field(default_factory=dict)  # new items in the draft, by kind
    updated: dict[str, int] = dataclasses.field(default_factory=dict)  # draft items the record updated
    notices: tuple[str, ...] = ()  # things to know that did not stop the import
    skipped: tuple[Problem, ...] = ()  # entries not imported, with where and why
    details_changed: tuple[str, ...] = ()  # the person's details this import updated
    details_kept: tuple[str, ...] = ()  # details that differ but were kept as held (DetailsDecision.keep)
    no_known_allergies: bool = False  # the record says "No known allergy"; recorded as that, not an allergy
    ignored: tuple[Problem, ...] = ()  # entries of kinds Care Planner does not read, with where
    source: str = "FHIR R4"  # or "GP Connect (FHIR STU3)"
    origin: PlanOrigin | None = None  # where the bundle's plan came from (status, author, versions)
    stored_as_agreed: bool = False  # agreed where it came from: kept here as an agreed version (imported)
    already_held: bool = False  # this very version was imported before: nothing was written


def _merge(existing: PersonInput, incoming: PersonInput) -> PersonInput:
    """Update what the bundle says; keep what only the app knows (communication needs, preferences…)."""
    keep_if_empty = (
        "title",
        "preferred_name",
        "gp_practice_name",
        "gp_practice_ods_code",
        "addresses",
        "telecoms",
    )
    changes = {
        name: getattr(incoming, name)
        for name in ("first_name", "family_name", "date_of_birth", "nhs_number", "sex", *keep_if_empty)
        if getattr(incoming, name) or name not in keep_if_empty
    }
    return dataclasses.replace(existing, **changes)


class FhirImportService:
    def __init__(
        self,
        sessions: sessionmaker[Session],
        *,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        today: Callable[[], date] = date.today,
    ) -> None:
        self._sessions = sessions
        self._now = now
        self._today = today
        self._people = PeopleService(sessions, today=today)

    def read(self, data: Any) -> ImportedRecord:
        """Check a bundle (FHIR R4, or a GP Connect structured record) without storing anything
        (BundleRefusedError on any problem)."""
        return read_record(data, self._today())

    def preview(self, data: Any, actor: Actor, details: DetailsDecision | None = None) -> ImportPreview:
        """What `import_bundle` would do with `data`, per entry, with nothing written. Refuses exactly as
        the import would (a bad bundle, someone else's NHS number, a namesake), except that details
        that would change are listed rather than asked about."""
        if not actor.can_edit_plans:
            raise NotAllowedError("Only clinicians can import records into care plans.")
        record = self.read(data)
        decision = details or DetailsDecision()
        with self._sessions() as session:
            existing, changes = self._match(session, record.person, decision)
            added = fill_in(record_of(existing).details, record.person)[1] if existing is not None else ()
            content = PlanContent()
            if existing is not None:
                index = version_index(session, existing.id)
                plan_id = index.draft_id or index.latest_agreed_id
                plan = session.get(CarePlan, plan_id) if plan_id else None
                if plan is not None:
                    content = read_content(plan)
                    content = content if index.draft_id else carried_forward(content)
            session.rollback()  # only read
        tally = Tally()
        medical = _medical(record, content.medical, tally)
        marked = mark_withdrawn(medical, withdrawn_in(data), record.medicines, record.conditions)[1]
        if record.goals:
            merge_goals(content.goals.goals, record.goals, tally)
        preview = build_preview(
            record,
            tally,
            new_person=existing is None,
            changes=() if decision.keep else changes,
            kinds_at=kinds_at(data),
            no_known_allergies=medical.review.no_known_allergies and record.no_known_allergies,
        )
        origin = record.plan.origin if record.plan else None
        agreed = origin is not None and is_agreed_there(origin)
        notices = preview.notices + marked + filled_notice(added, ahead=True)
        notices += (origin_notice(origin, agreed=agreed),) if origin is not None else ()
        rows = with_plan_rows(preview.rows, plan_rows(record, data))
        return dataclasses.replace(preview, notices=notices, rows=rows)

    def import_bundle(self, data: Any, actor: Actor, details: DetailsDecision | None = None) -> ImportResult:
        """Import `data`. When the person is already held and the record would change their details,
        DetailsWouldChangeError lists what would change, unless `details` says to update or keep them."""
        if not actor.can_edit_plans:
            raise NotAllowedError("Only clinicians can import records into care plans.")
        record = self.read(data)
        origin = record.plan.origin if record.plan else None
        agreed = origin is not None and is_agreed_there(origin)
        digest = bundle_digest(data) if agreed else ""
        with self._sessions.begin() as session:
            held = None
            if origin is not None and agreed:
                held = check_against_held(session, record.person.nhs_number or "", origin, digest)
            # The person's details are checked (and changed only when asked) whatever becomes of the plan.
            person, created, changes, filled = self._person(
                session, record.person, actor, details or DetailsDecision()
            )
            applied = bool(details and details.update)
            if held is not None:  # this very version is here already: the plan is left as it is
                return dataclasses.replace(
                    _already_held(record, person.id, held.plan_id),
                    details_changed=changes if applied else (),
                    details_kept=() if applied else changes,
                )
            tally = Tally()
            reason = not_current(session, person, origin) if origin is not None and agreed else ""
            agreed = agreed and not reason
            if origin is not None and agreed:
                # Agreed where it came from: its own agreed version here, from the bundle alone.
                sections, medical, marked = _sections(record, PlanContent(), data, tally)
                plan = store_agreed(session, person, sections, origin, digest, actor, self._now)
            else:
                plan = self._draft(session, person, actor)
                sections, medical, marked = _sections(record, read_content(plan), data, tally)
                save_sections_in(session, plan, sections, actor, self._now, source="fhir_import")
            counts = ",".join(f"{k}={v}" for k, v in record.counts.items())
            kind = "gp_connect_stu3" if record.source == GP_CONNECT else "fhir_r4"
            audit.record(
                session,
                audit.Action.IMPORTED,
                user_id=actor.id,
                person_id=person.id,
                plan_id=plan.id,
                detail=f"format={kind} {counts}" + (origin_audit(record.plan.origin) if record.plan else ""),
                now=self._now,
            )
            return ImportResult(
                person.id,
                plan.id,
                created,
                dict(record.counts),
                imported=_imported(record),
                added=tally.added,
                updated=tally.updated,
                notices=record.notices
                + marked
                + ((origin_notice(record.plan.origin, agreed=agreed),) if record.plan else ())
                + ((reason,) if reason else ())
                + filled_notice(filled),
                skipped=record.skipped + _ignored_negation(record, medical),
                details_changed=changes if applied else (),
                details_kept=() if applied else changes,
                no_known_allergies=medical.review.no_known_allergies and record.no_known_allergies,
                ignored=record.ignored,
                source=record.source,
                origin=record.plan.origin if record.plan else None,
                stored_as_agreed=agreed,
            )

    def _match(
        self, session: Session, incoming: PersonInput, details: DetailsDecision
    ) -> tuple[Person | None, tuple[str, ...]]:
        """The person already held that the record is about (None: a new person) and which of their
        details the record differs in. Only reads; refuses someone else's NHS number
        (IdentityMismatchError) and an unchosen namesake without an NHS number (PossibleMatchError)."""
        existing = None
        if incoming.nhs_number:
            existing = session.scalar(
                select(Person).where(Person.nhs_number == normalise_nhs_number(incoming.nhs_number))
            )
        if existing is None and not incoming.nhs_number and not details.new_person:
            born_same_day = session.scalars(
                select(Person).where(Person.date_of_birth == incoming.date_of_birth)
            )
            if any(same_name_and_birth(record_of(p).details, incoming) for p in born_same_day):
                raise PossibleMatchError()
        if existing is None:
            return None, ()
        stored = record_of(existing).details
        differ = identity_differences(stored, incoming)
        if differ:
            raise IdentityMismatchError(differ)
        return existing, detail_changes(stored, _merge(stored, incoming))

    def _person(
        self, session: Session, incoming: PersonInput, actor: Actor, details: DetailsDecision
    ) -> tuple[Person, bool, tuple[str, ...], tuple[str, ...]]:
        """The person the record is about (new, or matched), which of their details differ, and what the
        record added where nothing was held."""
        existing, changes = self._match(session, incoming, details)
        people = self._people
        if existing is None:
            people._check(session, incoming, None)
            person = Person()
            people._apply(person, incoming)
            session.add(person)
            session.flush()
            audit.record(
                session,
                audit.Action.PERSON_CREATED,
                user_id=actor.id,
                person_id=person.id,
                detail="source=fhir_import",
                now=self._now,
            )
            return person, True, (), ()
        # What the record adds where nothing is held (an interpreter, large print, ethnicity) comes in
        # whatever is decided about the details that differ: nothing held changes (fhir_record_codes).
        filled, added = fill_in(record_of(existing).details, incoming)
        if added:
            people._apply(existing, filled)
            session.flush()
            audit.record(
                session,
                audit.Action.PERSON_UPDATED,
                user_id=actor.id,
                person_id=existing.id,
                detail="source=fhir_import added=" + ",".join(a.replace(" ", "_") for a in added),
                now=self._now,
            )
        merged = _merge(filled, incoming)
        if not changes or details.keep:
            return existing, False, changes, added
        if not details.update:
            raise DetailsWouldChangeError(changes)
        people._check(session, merged, existing.id)
        people._apply(existing, merged)
        session.flush()
        audit.record(
            session,
            audit.Action.PERSON_UPDATED,
            user_id=actor.id,
            person_id=existing.id,
            detail="source=fhir_import fields=" + ",".join(c.replace(" ", "_") for c in changes),
            now=self._now,
        )
        return existing, False, changes, added

    def _draft(self, session: Session, person: Person, actor: Actor) -> CarePlan:
        """The person's draft, or a new one carried forward from their last agreed plan (as start_draft)."""
        return draft_row_in(session, person, actor, self._now)[0]


def _sections(
    record: ImportedRecord, content: PlanContent, data: Any, tally: Tally
) -> tuple[list[Section], MedicalSection, tuple[str, ...]]:
    """The sections the record adds to or updates in `content`, the medical review among them, and the
    notices for held entries the record now says are stopped or wrong (named and marked)."""
    medical = _medical(record, content.medical, tally)
    medical, marked = mark_withdrawn(medical, withdrawn_in(data), record.medicines, record.conditions)
    sections: list[Section] = [medical]
    referrals = record.plan.referrals if record.plan else ()
    if record.goals or referrals:
        goals = content.goals
        merged_goals = merge_goals(goals.goals, record.goals, tally) if record.goals else goals.goals
        sections.append(
            GoalsSection(
                goals.needs,
                merged_goals,
                merged_referrals(goals.referrals, referrals),
                goals.information_given,
            )
        )
    if record.plan is not None:
        sections += plan_sections(content, record.plan)
    return sections, medical, tuple(marked)


def _already_held(record: ImportedRecord, person_id: str, plan_id: str) -> ImportResult:
    return ImportResult(
        person_id,
        plan_id,
        False,
        dict(record.counts),
        notices=(ALREADY_HELD,),
        source=record.source,
        origin=record.plan.origin if record.plan else None,
        already_held=True,
    )


def _medical(record: ImportedRecord, old: MedicalSection, tally: Tally) -> MedicalSection:
    """The draft's medical review with the record added or updated in it (`fhir_merge`): nothing the
    draft holds is ever removed."""
    merged = merge_medical(old, record.conditions, record.medicines, record.allergies, record.results, tally)
    current = any(not a.is_history for a in merged.allergies)
    # "No known allergies" is a statement about now: never alongside a current allergy.
    no_known = not current and (record.no_known_allergies or old.review.no_known_allergies)
    return dataclasses.replace(merged, review=dataclasses.replace(old.review, no_known_allergies=no_known))


def _imported(record: ImportedRecord) -> dict[str, int]:
    """How many of each thing the import put into the draft, under the names the CLI and app show."""
    return {
        "current conditions": sum(not c.is_history for c in record.conditions),
        "past conditions": sum(c.is_history for c in record.conditions),
        "medicines": len(record.medicines),
        "allergies": sum(not a.is_history for a in record.allergies),
        "past allergies": sum(a.is_history for a in record.allergies),
        "results": len(record.results),
        "goals": len(record.goals),
        "care team members": len(record.plan.care_team) if record.plan else 0,
        "referrals": len(record.plan.referrals) if record.plan else 0,
    }


def _ignored_negation(record: ImportedRecord, medical: MedicalSection) -> tuple[Problem, ...]:
    """Say so when the record's "No known allergy" gave way to an allergy already in the draft."""
    if record.no_known_allergies and not medical.review.no_known_allergies:
        return (
            Problem(
                "AllergyIntolerance", "a 'no known allergy' statement, ignored: the draft lists allergies"
            ),
        )
    return ()
