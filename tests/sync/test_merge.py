"""The merge of two copies of a plan that sync kept (sync/merge.py), on a real encrypted store: one draft
stays with each section from the copy chosen for it, the other draft is discarded, the conflict is
resolved, everything is audited, and nothing is written when either copy changed since it was shown."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from careplanner.app import AppContext
from careplanner.clinical.enums import PlanStatus, UserRole
from careplanner.models import CarePlan
from careplanner.models.sync import SyncConflict
from careplanner.services import plan_data as d
from careplanner.services.audit import Action
from careplanner.services.draft_copy import StaleCopyError
from careplanner.services.errors import NotAllowedError
from careplanner.services.users import Actor
from careplanner.sync.merge import ALREADY_MERGED, CHANGED_SINCE, MergeService
from tests.conftest import make_person
from tests.sync.merge_support import (
    ABOUT_FIRST,
    ABOUT_SECOND,
    FUTURE_BOTH,
    GOALS_FIRST,
    GOALS_SECOND,
    conflict,
    second_draft,
    two_copies,
)


def _merge(ctx: AppContext) -> MergeService:
    return MergeService(ctx.store.sessions, ctx.services.clock.now)


def _plans_of(ctx: AppContext, person_id: str) -> list[CarePlan]:
    with ctx.store.sessions() as session:
        return list(session.scalars(select(CarePlan).where(CarePlan.person_id == person_id)))


def test_case_shows_both_copies_and_which_sections_differ(ctx: AppContext, actor: Actor) -> None:
    copies = two_copies(ctx, actor)
    case = _merge(ctx).case(copies.conflict_id)
    assert case.person_name == "MERGEWELL, Ada"
    assert case.first.plan is not None and case.first.plan.id == copies.first_id
    assert case.second.plan is not None and case.second.plan.id == copies.second_id
    assert case.first.started_by == actor.display_name
    assert case.kept == "first"
    assert set(case.differing) == {"about_me", "goals"}  # future wishes are the same in both
    about = next(s for s in case.sections if s.key == "about_me")
    change = next(c for c in about.changes if c.where == "about.what_matters")
    assert (change.before, change.after) == (
        "Getting back to my allotment",
        "Seeing my grandchildren at Christmas",
    )


def test_merge_keeps_one_draft_with_the_chosen_sections(ctx: AppContext, actor: Actor) -> None:
    copies = two_copies(ctx, actor)
    merge = _merge(ctx)
    case = merge.case(copies.conflict_id)
    kept = merge.merge(case, {"about_me": "second", "goals": "first"}, actor)

    assert kept is not None and kept.id == copies.first_id and kept.is_draft
    assert kept.content.about_me == ABOUT_SECOND
    assert kept.content.goals == GOALS_FIRST
    assert kept.content.future_wishes == FUTURE_BOTH
    # One draft left: the person's draft is the merged one, and the other copy is gone with its rows.
    assert [p.id for p in _plans_of(ctx, copies.person_id)] == [copies.first_id]
    draft = ctx.services.plans.draft_of(copies.person_id)
    assert draft is not None and draft.content.about_me == ABOUT_SECOND
    assert ctx.services.people.get(copies.person_id).summary.has_draft
    with ctx.store.sessions() as session:
        row = session.get(SyncConflict, copies.conflict_id)
        assert row is not None and row.resolved_at is not None and row.resolved_by_id == actor.id
    assert merge.open_ids() == []


def test_merge_is_audited_and_the_chain_still_checks(ctx: AppContext, actor: Actor) -> None:
    copies = two_copies(ctx, actor)
    merge = _merge(ctx)
    merge.merge(merge.case(copies.conflict_id), {"about_me": "second"}, actor)
    entries = ctx.services.audit.entries(person_id=copies.person_id, limit=10)
    details = [(e.action, e.plan_id, e.detail) for e in entries]
    assert (Action.PLAN_CHANGED, copies.first_id, "section=about_me source=merge") in details
    assert (Action.PLAN_DISCARDED, copies.second_id, f"merged into={copies.first_id}") in details
    merged = [e for e in entries if e.detail.startswith("merge conflict=")]
    assert len(merged) == 1 and merged[0].user_id == actor.id
    assert f"discarded={copies.second_id}" in merged[0].detail
    assert "sections_from_other=about_me" in merged[0].detail
    assert "Mergewell" not in " ".join(e.detail for e in entries)  # ids and section names only
    assert ctx.services.audit.verify().ok


def test_nothing_is_written_when_a_copy_changed_since_it_was_shown(ctx: AppContext, actor: Actor) -> None:
    copies = two_copies(ctx, actor)
    merge = _merge(ctx)
    case = merge.case(copies.conflict_id)
    # A pull brings a newer save of the second copy while the clinician is choosing.
    newer = d.AboutMeSection(about=d.AboutMeData(what_matters="Newer words from the other workstation"))
    ctx.services.plans.save_section(copies.second_id, newer, actor)
    with pytest.raises(StaleCopyError) as raised:
        merge.merge(case, {"about_me": "first"}, actor)
    assert str(raised.value) == CHANGED_SINCE
    assert {p.id for p in _plans_of(ctx, copies.person_id)} == {copies.first_id, copies.second_id}
    assert ctx.services.plans.get(copies.second_id).content.about_me == newer
    assert merge.open_ids() == [copies.conflict_id]
    # Shown again, the newer words are there to choose.
    again = merge.case(copies.conflict_id)
    merge.merge(again, {"about_me": "second"}, actor)
    assert ctx.services.plans.get(copies.first_id).content.about_me == newer


def test_a_merge_done_once_is_not_done_twice(ctx: AppContext, actor: Actor) -> None:
    copies = two_copies(ctx, actor)
    merge = _merge(ctx)
    case = merge.case(copies.conflict_id)
    merge.merge(case, {}, actor)
    with pytest.raises(StaleCopyError) as raised:
        merge.merge(case, {"about_me": "second"}, actor)
    assert str(raised.value) == ALREADY_MERGED
    assert ctx.services.plans.get(copies.first_id).content.about_me == ABOUT_FIRST


def test_an_agreed_copy_is_never_changed(ctx: AppContext, actor: Actor) -> None:
    """Agreed on a workstation while offline, the server's draft changed meanwhile: the agreed version
    stays exactly as agreed; the draft takes the sections chosen from it."""
    plans = ctx.services.plans
    person = ctx.services.people.create(make_person(first_name="Bea"), actor)
    draft = plans.start_draft(person.id, actor)
    plans.save_section(draft.id, GOALS_FIRST, actor)
    agreed_id = second_draft(ctx, person.id, [ABOUT_SECOND, GOALS_SECOND])
    agreed = plans.agree(agreed_id, actor, review_date=date(2027, 6, 1))
    conflict_id = conflict(ctx, person.id, draft.id, agreed_id)
    merge = _merge(ctx)
    case = merge.case(conflict_id)
    assert case.kept == "first"
    kept = merge.merge(case, {"about_me": "second", "goals": "first"}, actor)
    assert kept is not None and kept.id == draft.id and kept.is_draft
    assert kept.content.about_me == ABOUT_SECOND and kept.content.goals == GOALS_FIRST
    after = plans.get(agreed_id)
    assert after.status is PlanStatus.AGREED and after.content == agreed.content
    assert after.revision == agreed.revision
    assert ctx.services.audit.verify().ok


def test_a_copy_discarded_elsewhere_leaves_the_draft_kept(ctx: AppContext, actor: Actor) -> None:
    copies = two_copies(ctx, actor)
    gone = conflict(ctx, copies.person_id, "00000000-0000-4000-8000-000000000001", copies.first_id)
    merge = _merge(ctx)
    case = merge.case(gone)
    assert case.first.plan is None and case.kept == "second"
    kept = merge.merge(case, {"about_me": "first"}, actor)
    assert kept is not None and kept.id == copies.first_id and kept.content.about_me == ABOUT_FIRST
    assert gone not in merge.open_ids()


def test_only_clinicians_merge(ctx: AppContext, actor: Actor) -> None:
    copies = two_copies(ctx, actor)
    reader = ctx.services.users.create(
        username="reader", display_name="Synthetic Reader", role=UserRole.READ_ONLY, actor=None
    )
    merge = _merge(ctx)
    with pytest.raises(NotAllowedError):
        merge.merge(merge.case(copies.conflict_id), {"about_me": "second"}, reader)
    assert merge.open_ids() == [copies.conflict_id]
    assert len(_plans_of(ctx, copies.person_id)) == 2


def test_the_merge_waits_in_the_outbox_to_be_pushed(ctx: AppContext, actor: Actor) -> None:
    """On a replica the merge is captured like any save: the kept draft, the discarded one (absent) and
    the resolved conflict wait in the outbox, in the merge's own transaction."""
    from careplanner.sync import outbox
    from careplanner.sync.status import SyncService

    copies = two_copies(ctx, actor)
    sessions = ctx.store.sessions
    outbox.install(sessions, ctx.services.clock.now)
    merge = _merge(ctx)
    merge.merge(merge.case(copies.conflict_id), {"about_me": "second"}, actor)
    waiting = {(w.kind, w.doc_id) for w in SyncService(sessions).waiting()}
    assert waiting == {
        ("plan", copies.first_id),
        ("plan", copies.second_id),
        ("sync_conflict", copies.conflict_id),
    }
    with sessions() as session:  # each waiting document as a push would send it (outbox.snapshots)
        payloads = outbox.snapshots(session.connection())
    assert payloads[("plan", copies.second_id)].absent
    kept = payloads[("plan", copies.first_id)]
    assert any(r.get("what_matters") == ABOUT_SECOND.about.what_matters for r in kept.rows["about_me"])
    conflict_rows = payloads[("sync_conflict", copies.conflict_id)].rows["sync_conflict"]
    assert conflict_rows[0]["resolved_by_id"] == actor.id
