"""Printing and exporting: load what a document needs, render it, and write it to the audit trail.

The rendering itself lives in `careplanner.export` and never sees a session; this service gathers the
person, the plan version and the practice's details, and records PRINTED or EXPORTED (naming the
document and format, never its content) in the same breath as handing the bytes back.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from careplanner.clinical.enums import CommunicationNeed, PlanStatus
from careplanner.clinical.practice import PracticeSettings
from careplanner.export import copy_language
from careplanner.export.clinician_summary import render_clinician_summary
from careplanner.export.easy_read import render_easy_read
from careplanner.export.emergency_card import render_emergency_card
from careplanner.export.fhir_export import build_bundle
from careplanner.export.person_copy import Replaces, render_person_copy
from careplanner.export.practice_report import PracticeReportData, render_practice_report
from careplanner.export.preparation_letter import Appointment, ResultPair, render_preparation_letter
from careplanner.services import audit, practice_report
from careplanner.services.errors import NotFoundError, ValidationError
from careplanner.services.people import PeopleService, PersonRecord
from careplanner.services.plan_data import PlanVersion, ResultData
from careplanner.services.plans import PlanService
from careplanner.services.practice import PracticeService
from careplanner.services.users import Actor


def _quiet(_fraction: float, _stage: str) -> None:
    return None


def copy_language_for(person: PersonRecord) -> str:
    """The language of the person's printed copy from their record: Welsh when their interpreter language
    (or an interpreter need's detail) is Welsh, else English."""
    d = person.details
    named = [d.interpreter_language] + [
        n.detail for n in d.communication_needs if n.need is CommunicationNeed.INTERPRETER
    ]
    for name in named:
        if copy_language.language_of(name) == copy_language.WELSH:
            return copy_language.WELSH
    return copy_language.ENGLISH


def _earlier(result: ResultData, older: list[ResultData]) -> ResultData | None:
    """The newest earlier reading of the same test: same name, a value, and taken before this one."""
    name = result.name.strip().casefold()
    for candidate in older:
        if candidate.name.strip().casefold() != name or not candidate.value.strip():
            continue
        if (candidate.value, candidate.unit, candidate.taken_on) == (
            result.value,
            result.unit,
            result.taken_on,
        ):
            continue  # carried forward unchanged: not an earlier reading
        if result.taken_on and candidate.taken_on and candidate.taken_on >= result.taken_on:
            continue
        return candidate
    return None


class ExportService:
    """Documents and bundles for one person, or the practice report, each one audited."""

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
        self._plans = PlanService(sessions, now=now)
        self._practice = PracticeService(sessions, now=now)

    # ---- what a document needs ----------------------------------------------------------------------

    def practice(self) -> PracticeSettings | None:
        return self._practice.get()

    def plan_to_print(self, person_id: str, plan_id: str | None = None) -> PlanVersion | None:
        """The version to print: the one asked for, else the latest agreed, else the draft, else a
        recorded decline (which prints its one-page record)."""
        if plan_id is not None:
            plan = self._plans.get(plan_id)
            if plan.person_id != person_id:
                raise NotFoundError("That plan belongs to someone else.")
            return plan
        found = self._plans.latest_agreed(person_id) or self._plans.draft_of(person_id)
        return found or self._latest_declined(person_id)

    def _latest_declined(self, person_id: str) -> PlanVersion | None:
        declined = [v for v in self._plans.history(person_id) if v.status is PlanStatus.DECLINED]
        return self._plans.get(declined[0].id) if declined else None

    def version_id(self, person_id: str, *, draft: bool = False, version: int | None = None) -> str | None:
        """The id of the open draft (`draft`) or of agreed version `version`; None for the default."""
        if draft:
            plan = self._plans.draft_of(person_id)
            if plan is None:
                raise NotFoundError("This person has no draft plan open.")
            return plan.id
        if version is not None:
            for v in self._plans.history(person_id):
                if v.version_number == version and v.status is not PlanStatus.DRAFT:
                    return v.id
            raise NotFoundError(f"This person has no version {version} of their plan.")
        return None

    def open_draft_newer_than(self, plan: PlanVersion) -> PlanVersion | None:
        """The open draft when `plan` is an agreed version printed while a draft is open (to warn)."""
        if plan.is_draft:
            return None
        return self._plans.draft_of(plan.person_id)

    def _replaces(self, plan: PlanVersion) -> Replaces | None:
        if not plan.replaces_id:
            return None
        earlier = self._plans.get(plan.replaces_id)
        agreed = earlier.agreed_at.date() if earlier.agreed_at else None
        return Replaces(earlier.version_number or 1, agreed)

    def _needs(
        self, person_id: str, plan_id: str | None, practice: PracticeSettings | None
    ) -> tuple[PersonRecord, PlanVersion, PracticeSettings | None]:
        person = self._people.get(person_id)
        plan = self.plan_to_print(person_id, plan_id)
        if plan is None:
            raise NotFoundError("There is no plan to print for this person yet: start one first.")
        return person, plan, practice if practice is not None else self.practice()

    def _audit(
        self, action: str, actor: Actor, person_id: str | None, plan_id: str | None, detail: str
    ) -> None:
        with self._sessions.begin() as session:
            audit.record(
                session,
                action,
                user_id=actor.id,
                person_id=person_id,
                plan_id=plan_id,
                detail=detail,
                now=self._now,
            )

    # ---- documents ----------------------------------------------------------------------------------

    def person_copy_pdf(
        self,
        person_id: str,
        actor: Actor,
        *,
        large_print: bool | None = None,
        easy_read: bool | None = None,
        language: str | None = None,
        plan_id: str | None = None,
        practice: PracticeSettings | None = None,
    ) -> bytes:
        """The person's copy: easy read or large print when asked, or when their communication needs say
        so (easy read is in large type already); in Welsh when asked, or when their record says Welsh."""
        person, plan, settings = self._needs(person_id, plan_id, practice)
        easy = CommunicationNeed.EASY_READ in person.needs if easy_read is None else easy_read
        large = person.wants_large_print if large_print is None else large_print
        lang = language or copy_language_for(person)
        if easy:
            pdf = render_easy_read(
                person, plan, settings, replaces=self._replaces(plan), printed_on=self._today(), language=lang
            )
            kind = "person_copy_easy_read"
        else:
            pdf = render_person_copy(
                person,
                plan,
                settings,
                large_print=large,
                replaces=self._replaces(plan),
                printed_on=self._today(),
                language=lang,
            )
            kind = "person_copy_large_print" if large else "person_copy"
        self._audit(
            audit.Action.PRINTED,
            actor,
            person_id,
            plan.id,
            f"document={kind} status={plan.status.value}"
            + (f" language={lang}" if lang != copy_language.ENGLISH else ""),
        )
        return pdf

    def emergency_card_pdf(
        self,
        person_id: str,
        actor: Actor,
        *,
        large_print: bool | None = None,
        language: str | None = None,
        plan_id: str | None = None,
        practice: PracticeSettings | None = None,
    ) -> bytes:
        """The emergency card alone ("If I get worse"), for the fridge or wallet."""
        person, plan, settings = self._needs(person_id, plan_id, practice)
        large = person.wants_large_print if large_print is None else large_print
        lang = language or copy_language_for(person)
        if plan.status is PlanStatus.DECLINED:
            pdf = render_person_copy(
                person, plan, settings, large_print=large, printed_on=self._today(), language=lang
            )
        else:
            pdf = render_emergency_card(person, plan, settings, large_print=large, language=lang)
        kind = "emergency_card_large_print" if large else "emergency_card"
        self._audit(
            audit.Action.PRINTED, actor, person_id, plan.id, f"document={kind} status={plan.status.value}"
        )
        return pdf

    def clinician_summary_pdf(
        self,
        person_id: str,
        actor: Actor,
        *,
        plan_id: str | None = None,
        practice: PracticeSettings | None = None,
    ) -> bytes:
        person, plan, settings = self._needs(person_id, plan_id, practice)
        draft = self._plans.draft_of(person_id)
        newer = draft.created_at.date() if draft is not None and draft.id != plan.id else None
        pdf = render_clinician_summary(person, plan, settings, newer_draft_started=newer)
        self._audit(audit.Action.PRINTED, actor, person_id, plan.id, "document=clinician_summary")
        return pdf

    def letter_results(self, person_id: str) -> tuple[ResultPair, ...]:
        """The results of the version the letter is printed from, each with the same test (by name) from
        an earlier version when one was taken before it: "58 mmol/mol; the time before it was 64"."""
        plan = self.plan_to_print(person_id)
        if plan is None:
            return ()
        older: list[ResultData] = []
        for summary in self._plans.history(person_id):  # newest first
            if summary.id != plan.id and summary.status is PlanStatus.AGREED:
                older += self._plans.get(summary.id).content.medical.results
        return tuple(ResultPair(r, _earlier(r, older)) for r in plan.content.medical.results)

    def preparation_letter_pdf(
        self,
        person_id: str,
        actor: Actor,
        *,
        appointment: Appointment | None = None,
        practice: PracticeSettings | None = None,
        large_print: bool | None = None,
    ) -> bytes:
        """Before the appointment: its details, and the results from the latest version of the plan."""
        person = self._people.get(person_id)
        settings = practice if practice is not None else self.practice()
        pdf = render_preparation_letter(
            person,
            self.letter_results(person_id),
            settings,
            appointment=appointment,
            written_on=self._today(),
            large_print=large_print,
        )
        self._audit(audit.Action.PRINTED, actor, person_id, None, "document=preparation_letter")
        return pdf

    def practice_report_data(
        self,
        *,
        due_within_days: int = 30,
        months: int = 12,
        page: int = 1,
        per_page: int = practice_report.DEFAULT_PER_PAGE,
        progress: practice_report.Progress = _quiet,
    ) -> PracticeReportData:
        """Counts from SQL aggregates and one page of each list (see services/practice_report.py)."""
        if not 1 <= page <= practice_report.MAX_PAGE or not 1 <= per_page <= practice_report.MAX_PER_PAGE:
            raise ValidationError({"page": "Ask for a page from 1 to 1,000,000, of 1 to 1,000 people."})
        today = self._today()
        starts = practice_report.month_starts(today, months)
        with self._sessions() as session:
            progress(0.1, "Counting plans agreed per month")
            per_month = practice_report.agreed_per_month(session, starts)
            overdue, due_soon, declined, people = practice_report.report_lists(
                session, today, due_within_days, page=page, per_page=per_page, progress=progress
            )
            no_plan, drafts = practice_report.plan_gap_lists(session, page=page, per_page=per_page)
        practice = self.practice()
        return PracticeReportData(
            practice_name=practice.practice_name if practice else "",
            produced_on=today,
            agreed_per_month=per_month,
            overdue=overdue.rows,
            due_soon=due_soon.rows,
            due_within_days=due_within_days,
            declined=declined.rows,
            people_total=people,
            overdue_total=overdue.total,
            due_soon_total=due_soon.total,
            declined_total=declined.total,
            page=page,
            per_page=per_page,
            no_plan=no_plan.rows,
            no_plan_total=no_plan.total,
            drafts=drafts.rows,
            drafts_total=drafts.total,
        )

    def practice_report_pdf(
        self,
        actor: Actor,
        *,
        due_within_days: int = 30,
        page: int = 1,
        per_page: int = practice_report.DEFAULT_PER_PAGE,
        progress: practice_report.Progress = _quiet,
    ) -> bytes:
        data = self.practice_report_data(
            due_within_days=due_within_days, page=page, per_page=per_page, progress=progress
        )
        progress(0.8, "Laying out the report")
        pdf = render_practice_report(data)
        progress(0.95, "Recording the print in the audit trail")  # the last point where it may stop
        self._audit(audit.Action.PRINTED, actor, None, None, "document=practice_report")
        progress(1.0, "Report ready")
        return pdf

    # ---- FHIR ---------------------------------------------------------------------------------------

    def fhir_bundle(
        self, person_id: str, actor: Actor, *, with_pdf: bool = True, practice: PracticeSettings | None = None
    ) -> dict[str, Any]:
        """The latest agreed plan (or the draft) as an R4 Bundle; the record alone when there is no plan."""
        person = self._people.get(person_id)
        plan = self.plan_to_print(person_id)
        if plan is not None and plan.status is PlanStatus.DECLINED:
            plan = None  # a decline is not a CarePlan: the record goes alone, as before
        settings = practice if practice is not None else self.practice()
        pdf = render_person_copy(person, plan, settings) if plan is not None and with_pdf else None
        bundle = build_bundle(person, plan, settings, pdf=pdf, now=self._now())
        status = plan.status.value if plan else "no_plan"
        self._audit(
            audit.Action.EXPORTED,
            actor,
            person_id,
            plan.id if plan else None,
            f"format=fhir_r4 status={status}",
        )
        return bundle
