"""Printing and exporting: load what a document needs, render it, and write it to the audit trail.

The rendering itself lives in `careplanner.export` and never sees a session; this service gathers the
person, the plan version and the practice's details, and records PRINTED or EXPORTED (naming the
document and format, never its content) in the same breath as handing the bytes back.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from careplanner.clinical.enums import PlanStatus
from careplanner.clinical.practice import PracticeSettings
from careplanner.export.clinician_summary import render_clinician_summary
from careplanner.export.fhir_export import build_bundle
from careplanner.export.person_copy import render_person_copy
from careplanner.export.practice_report import PracticeReportData, ReportRow, render_practice_report
from careplanner.export.preparation_letter import render_preparation_letter
from careplanner.models import CarePlan, Person
from careplanner.services import audit
from careplanner.services.errors import NotFoundError
from careplanner.services.people import PeopleService, PersonRecord
from careplanner.services.plan_data import PlanVersion
from careplanner.services.plans import PlanService
from careplanner.services.practice import PracticeService
from careplanner.services.users import Actor


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
        """The version to print: the one asked for, else the latest agreed, else the draft."""
        if plan_id is not None:
            plan = self._plans.get(plan_id)
            if plan.person_id != person_id:
                raise NotFoundError("That plan belongs to someone else.")
            return plan
        return self._plans.latest_agreed(person_id) or self._plans.draft_of(person_id)

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
        plan_id: str | None = None,
        practice: PracticeSettings | None = None,
    ) -> bytes:
        """The person's copy; large print when asked, or when their communication needs say so."""
        person, plan, settings = self._needs(person_id, plan_id, practice)
        large = person.wants_large_print if large_print is None else large_print
        pdf = render_person_copy(person, plan, settings, large_print=large)
        kind = "person_copy_large_print" if large else "person_copy"
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
        pdf = render_clinician_summary(person, plan, settings)
        self._audit(audit.Action.PRINTED, actor, person_id, plan.id, "document=clinician_summary")
        return pdf

    def preparation_letter_pdf(
        self, person_id: str, actor: Actor, *, appointment: str = "", practice: PracticeSettings | None = None
    ) -> bytes:
        """Before the appointment: the results from the latest version of the plan, if there is one."""
        person = self._people.get(person_id)
        plan = self.plan_to_print(person_id)
        results = plan.content.medical.results if plan else ()
        settings = practice if practice is not None else self.practice()
        pdf = render_preparation_letter(
            person, results, settings, appointment=appointment, written_on=self._today()
        )
        self._audit(audit.Action.PRINTED, actor, person_id, None, "document=preparation_letter")
        return pdf

    def practice_report_data(self, *, due_within_days: int = 30, months: int = 12) -> PracticeReportData:
        today = self._today()
        first = today.replace(day=1)
        starts = [first]
        for _ in range(months - 1):
            starts.append((starts[-1] - timedelta(days=1)).replace(day=1))
        starts.reverse()
        with self._sessions() as session:
            agreed = session.scalars(
                select(CarePlan.agreed_at).where(
                    CarePlan.status == PlanStatus.AGREED,
                    CarePlan.agreed_at >= datetime.combine(starts[0], datetime.min.time(), tzinfo=UTC),
                )
            )
            per_month = Counter(a.date().replace(day=1) for a in agreed if a is not None)

            def rows(*where: Any) -> tuple[ReportRow, ...]:
                stmt = select(Person).where(*where).order_by(Person.review_due, Person.family_name)
                return tuple(
                    ReportRow(f"{p.first_name} {p.family_name}", p.nhs_number, p.review_due)
                    for p in session.scalars(stmt)
                )

            horizon = today + timedelta(days=due_within_days)
            overdue = rows(Person.review_due < today, Person.declined_written_plan.is_(False))
            due_soon = rows(Person.review_due >= today, Person.review_due <= horizon)
            declined = rows(Person.declined_written_plan.is_(True))
            total = session.scalar(select(func.count(Person.id))) or 0
        practice = self.practice()
        return PracticeReportData(
            practice_name=practice.practice_name if practice else "",
            produced_on=today,
            agreed_per_month=tuple((m, per_month.get(m, 0)) for m in starts),
            overdue=overdue,
            due_soon=due_soon,
            due_within_days=due_within_days,
            declined=declined,
            people_total=total,
        )

    def practice_report_pdf(self, actor: Actor, *, due_within_days: int = 30) -> bytes:
        pdf = render_practice_report(self.practice_report_data(due_within_days=due_within_days))
        self._audit(audit.Action.PRINTED, actor, None, None, "document=practice_report")
        return pdf

    # ---- FHIR ---------------------------------------------------------------------------------------

    def fhir_bundle(
        self, person_id: str, actor: Actor, *, with_pdf: bool = True, practice: PracticeSettings | None = None
    ) -> dict[str, Any]:
        """The latest agreed plan (or the draft) as an R4 Bundle; the record alone when there is no plan."""
        person = self._people.get(person_id)
        plan = self.plan_to_print(person_id)
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
