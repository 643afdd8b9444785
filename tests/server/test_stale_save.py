"""A save from a stale copy of a draft is refused in plain words, never silently overwriting a colleague's
text; agreeing is one transaction, so two workstations agreeing the same draft at once make one version.
On the practice server, with two workstations' own connections and real threads."""

from __future__ import annotations

import dataclasses
import threading
import time
from datetime import date

import pytest
from sqlalchemy import text

from careplanner.clinical.enums import PlanStatus
from careplanner.services.draft_copy import (
    AGREED_ELSEWHERE,
    STALE_SECTION,
    DraftCopy,
    StaleCopyError,
    stale_section_message,
)
from careplanner.services.errors import NotADraftError, ServiceError
from careplanner.services.plan_data import AboutMeSection, MedicalSection, PlanVersion
from careplanner.services.plans import PlanService
from tests import server_support
from tests.server.conftest import Practice, Workstation


def about(plan: PlanVersion, what_matters: str) -> AboutMeSection:
    section = plan.content.about_me
    return dataclasses.replace(section, about=dataclasses.replace(section.about, what_matters=what_matters))


def medical(plan: PlanVersion, notes: str) -> MedicalSection:
    section = plan.content.medical
    return dataclasses.replace(section, review=dataclasses.replace(section.review, notes=notes))


def copy_of(ws: Workstation, practice: Practice) -> tuple[PlanVersion, DraftCopy]:
    plan = ws.ctx.services.plans.start_draft(practice.person.id, ws.actor)
    return plan, DraftCopy(ws.ctx.services.plans, plan.id, plan.revision, plan.content)


def test_a_save_from_a_stale_copy_is_refused_and_the_colleagues_text_is_kept(practice: Practice) -> None:
    room3, room5 = practice.room3, practice.room5
    plan3, copy3 = copy_of(room3, practice)
    plan5, copy5 = copy_of(room5, practice)  # both opened the same draft
    copy5.save(about(plan5, "My garden and my dog"), room5.actor)

    with pytest.raises(StaleCopyError) as refused:
        copy3.save(about(plan3, "Seeing my grandchildren"), room3.actor)

    # Names who changed it (from the audit), not "someone else".
    assert str(refused.value) == stale_section_message("Sam Okafor")
    assert str(refused.value) != STALE_SECTION
    assert "your text is kept on screen" in str(refused.value)
    stored = room3.ctx.services.plans.get(plan3.id)
    assert stored.content.about_me.about.what_matters == "My garden and my dog"


def test_a_section_nobody_else_touched_still_saves_but_the_changed_one_never_does(practice: Practice) -> None:
    room3, room5 = practice.room3, practice.room5
    plan3, copy3 = copy_of(room3, practice)
    plan5, copy5 = copy_of(room5, practice)
    copy5.save(about(plan5, "My garden and my dog"), room5.actor)

    copy3.save(medical(plan3, "Reviewed inhaler technique"), room3.actor)  # not the section changed
    copy3.save(medical(plan3, "Reviewed inhaler technique; spacer given"), room3.actor)  # and again
    with pytest.raises(StaleCopyError):
        copy3.save(about(plan3, "Seeing my grandchildren"), room3.actor)

    stored = room5.ctx.services.plans.get(plan3.id).content
    assert stored.about_me.about.what_matters == "My garden and my dog"
    assert stored.medical.review.notes == "Reviewed inhaler technique; spacer given"


def test_a_retry_of_a_save_that_reached_the_server_is_not_a_conflict(practice: Practice) -> None:
    room3 = practice.room3
    plan, copy = copy_of(room3, practice)
    typed = about(plan, "Walking to the shops")
    # The first save reached the server but its reply was lost (the copy never heard of it).
    room3.ctx.services.plans.save_section(plan.id, typed, room3.actor)

    result = copy.save(typed, room3.actor)

    assert room3.ctx.services.plans.get(plan.id).content.about_me.about.what_matters == "Walking to the shops"
    assert result.revision == plan.revision + 1


def locked_draft(practice: Practice, plan_id: str):  # type: ignore[no-untyped-def]
    """A third connection holding the draft's row, so both workstations' writes queue behind it."""
    engine = server_support.test_server().admin_engine(practice.database)
    conn = engine.connect()
    conn.execute(text("BEGIN"))
    conn.execute(text("SELECT 1 FROM care_plan WHERE id = :id FOR UPDATE"), {"id": plan_id})
    return engine, conn


def wait_until_both_wait(conn, practice: Practice) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        waiting = conn.execute(
            text("SELECT count(*) FROM pg_stat_activity WHERE datname = :db AND wait_event_type = 'Lock'"),
            {"db": practice.database},
        ).scalar()
        if waiting == 2:
            return
        time.sleep(0.05)
    raise AssertionError("the two workstations' writes did not both reach the server")


def race(practice: Practice, plan_id: str, calls: list) -> list[object]:  # type: ignore[type-arg]
    """Run both calls at once on their own threads, released together; each one's result or error."""
    engine, conn = locked_draft(practice, plan_id)
    outcomes: list[object] = [None, None]

    def run(i: int) -> None:
        try:
            outcomes[i] = calls[i]()
        except Exception as exc:
            outcomes[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    try:
        for thread in threads:
            thread.start()
        wait_until_both_wait(conn, practice)
    finally:
        conn.execute(text("COMMIT"))
        conn.close()
        engine.dispose()
        for thread in threads:
            thread.join(timeout=30)
    return outcomes


def test_two_saves_racing_from_the_same_revision_one_lands_and_the_other_is_told(practice: Practice) -> None:
    room3, room5 = practice.room3, practice.room5
    plan3, copy3 = copy_of(room3, practice)
    plan5, copy5 = copy_of(room5, practice)

    outcomes = race(
        practice,
        plan3.id,
        [
            lambda: copy3.save(about(plan3, "Seeing my grandchildren"), room3.actor),
            lambda: copy5.save(about(plan5, "My garden and my dog"), room5.actor),
        ],
    )

    refused = [o for o in outcomes if isinstance(o, StaleCopyError)]
    assert len(refused) == 1, outcomes
    winner = "Seeing my grandchildren" if refused[0] is outcomes[1] else "My garden and my dog"
    stored = room3.ctx.services.plans.get(plan3.id)
    assert stored.content.about_me.about.what_matters == winner
    assert stored.revision == plan3.revision + 1


def test_two_workstations_agreeing_the_same_draft_at_once_make_exactly_one_version(
    practice: Practice,
) -> None:
    room3, room5 = practice.room3, practice.room5
    plan = room3.ctx.services.plans.start_draft(practice.person.id, room3.actor)
    review = date(2027, 6, 1)

    def agree(plans: PlanService, ws: Workstation):  # type: ignore[no-untyped-def]
        return lambda: plans.agree(plan.id, ws.actor, review_date=review)

    outcomes = race(
        practice, plan.id, [agree(room3.ctx.services.plans, room3), agree(room5.ctx.services.plans, room5)]
    )

    agreed = [o for o in outcomes if isinstance(o, PlanVersion)]
    refused = [o for o in outcomes if isinstance(o, ServiceError)]
    assert len(agreed) == 1 and len(refused) == 1, outcomes
    # The second is told plainly that nothing was agreed by it: the row version (when both read the draft
    # before either wrote) or, since the agreement takes the draft's row lock first, "already agreed".
    assert isinstance(refused[0], (StaleCopyError, NotADraftError))
    assert str(refused[0]) in (
        AGREED_ELSEWHERE,
        "This version has been agreed and cannot be changed. Start a review instead.",
    )
    history = room3.ctx.services.plans.history(practice.person.id)
    assert [(h.status, h.version_number) for h in history] == [(PlanStatus.AGREED, 1)]
    agreed_entries = room3.ctx.services.audit.entries(person_id=practice.person.id, action="plan_agreed")
    assert len(agreed_entries) == 1
    assert room3.ctx.services.audit.verify().ok


def test_agreeing_from_a_copy_that_missed_a_colleagues_change_is_refused(practice: Practice) -> None:
    room3, room5 = practice.room3, practice.room5
    plan3, _copy3 = copy_of(room3, practice)
    plan5, copy5 = copy_of(room5, practice)
    copy5.save(about(plan5, "My garden and my dog"), room5.actor)

    with pytest.raises(StaleCopyError):
        room3.ctx.services.plans.agree(
            plan3.id, room3.actor, review_date=date(2027, 6, 1), seen_revision=plan3.revision
        )

    assert room3.ctx.services.plans.get(plan3.id).status is PlanStatus.DRAFT


def test_after_a_take_over_the_old_holders_save_and_agreement_are_refused_naming_who_holds_it(
    practice: Practice,
) -> None:
    from careplanner.services.presence import new_holder

    room3, room5 = practice.room3, practice.room5
    sam_holder, jo_holder = new_holder(), new_holder()
    sam = room5.ctx.services.presence.claim_opened(
        room5.ctx.services.consultation.open_for_consultation(practice.person.id, room5.actor),
        room5.actor,
        sam_holder,
    )
    assert sam.opened.plan is not None
    sam_plan = sam.opened.plan
    sam_copy = DraftCopy(
        room5.ctx.services.plans, sam_plan.id, sam_plan.revision, sam_plan.content, sam_holder
    )
    sam_copy.save(about(sam_plan, "Walking the dog"), room5.actor)  # Sam holds it: saved

    jo = room3.ctx.services.presence.claim_opened(
        room3.ctx.services.consultation.open_for_consultation(practice.person.id, room3.actor),
        room3.actor,
        jo_holder,
        take_over=True,
    )
    assert jo.opened.plan is not None and jo.taken_from is not None
    # The take-over made every copy Sam has stale: the draft's revision moved on.
    assert jo.opened.plan.revision == sam_copy.revision + 1
    assert jo.opened.plan.content.about_me.about.what_matters == "Walking the dog"

    # Sam's window has not heard yet: a save that lands after the take-over is refused, not written.
    with pytest.raises(StaleCopyError) as refused_save:
        sam_copy.save(medical(sam_plan, "Inhaler reviewed"), room5.actor)
    assert str(refused_save.value) == (
        "Jo Brennan on ROOM-3 took over this plan, so this was not saved; your text is kept on screen"
    )
    # And so is agreeing: nothing is agreed by Sam while Jo holds the plan.
    with pytest.raises(StaleCopyError) as refused_agree:
        room5.ctx.services.plans.agree(
            sam_plan.id, room5.actor, review_date=date(2030, 1, 1), holder=sam_holder
        )
    assert str(refused_agree.value) == (
        "Jo Brennan on ROOM-3 took over this plan, so nothing was agreed here; your text is kept on screen"
    )
    with pytest.raises(StaleCopyError):
        room5.ctx.services.plans.decline(
            sam_plan.id, room5.actor, reason="Did not want one", holder=sam_holder
        )
    stored = room3.ctx.services.plans.get(sam_plan.id)
    assert stored.status is PlanStatus.DRAFT
    assert stored.content.medical.review.notes == ""

    # Jo, who holds it, saves and agrees.
    jo_plan = jo.opened.plan
    jo_copy = DraftCopy(room3.ctx.services.plans, jo_plan.id, jo_plan.revision, jo_plan.content, jo_holder)
    jo_copy.save(medical(jo_plan, "Spacer given"), room3.actor)
    agreed = room3.ctx.services.plans.agree(
        jo_plan.id,
        room3.actor,
        review_date=date(2030, 1, 1),
        holder=jo_holder,
        seen_revision=jo_copy.revision,
    )
    assert agreed.status is PlanStatus.AGREED and agreed.agreed_by_name == "Jo Brennan"


def test_a_take_over_waits_for_the_old_holders_save_in_flight_and_reads_the_draft_after_it(
    practice: Practice,
) -> None:
    """A save's transaction holds the draft's row: the take-over waits for it, then reads the draft with
    that save in it (never a copy missing a save that landed a moment later)."""
    from careplanner.services.presence import ClaimedOpen, new_holder

    room3, room5 = practice.room3, practice.room5
    sam = room5.ctx.services.presence.claim_opened(
        room5.ctx.services.consultation.open_for_consultation(practice.person.id, room5.actor),
        room5.actor,
        new_holder(),
    )
    assert sam.opened.plan is not None
    plan = sam.opened.plan
    opened_by_jo = room3.ctx.services.consultation.open_for_consultation(practice.person.id, room3.actor)
    engine, conn = locked_draft(practice, plan.id)  # Sam's save in flight, holding the draft's row
    taken: list[ClaimedOpen] = []
    presence = room3.ctx.services.presence
    worker = threading.Thread(
        target=lambda: taken.append(
            presence.claim_opened(opened_by_jo, room3.actor, new_holder(), take_over=True)
        )
    )
    try:
        worker.start()
        deadline = time.monotonic() + 20
        while (
            time.monotonic() < deadline
            and not conn.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = :db AND wait_event_type = 'Lock'"
                ),
                {"db": practice.database},
            ).scalar()
        ):
            time.sleep(0.05)
        assert not taken  # the take-over waits for the save
        conn.execute(
            text(
                "UPDATE care_plan SET revision = revision + 1, row_version = row_version + 1 WHERE id = :id"
            ),
            {"id": plan.id},
        )
        conn.execute(text("COMMIT"))
        worker.join(timeout=20)
    finally:
        conn.close()
        engine.dispose()
    assert len(taken) == 1 and taken[0].opened.plan is not None
    assert taken[0].opened.plan.revision == plan.revision + 2  # Sam's save, then the take-over
