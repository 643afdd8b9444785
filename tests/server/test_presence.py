"""Two people, one plan, on the practice server: who is editing is known (presence with a heartbeat, on the
server's clock), a colleague reads while it is held, a take-over is explicit and audited, and the first
editor hears of it at once (LISTEN/NOTIFY). On the local store presence is absent."""

from __future__ import annotations

import queue

from sqlalchemy import text

from careplanner.app import AppContext
from careplanner.server.notify import ListenerEvent
from careplanner.services.consultation import OpenedPlan
from careplanner.services.presence import PLAN_TAKEN_OVER, ClaimedOpen, new_holder
from careplanner.services.users import Actor
from tests import server_support
from tests.server.conftest import Practice, Workstation


def open_as(ws: Workstation, person_id: str, holder: str, *, take_over: bool = False) -> ClaimedOpen:
    opened = ws.ctx.services.consultation.open_for_consultation(person_id, ws.actor)
    return ws.ctx.services.presence.claim_opened(opened, ws.actor, holder, take_over=take_over)


def listen(ctx: AppContext) -> tuple[queue.SimpleQueue[ListenerEvent], object]:
    events: queue.SimpleQueue[ListenerEvent] = queue.SimpleQueue()
    listener = ctx.services.presence.listener(events.put)
    assert listener is not None
    listener.start()
    assert wait_for(events, "connected").kind == "connected"
    return events, listener


def wait_for(events: queue.SimpleQueue[ListenerEvent], kind: str, timeout: float = 10) -> ListenerEvent:
    while True:
        event = events.get(timeout=timeout)
        if event.kind == kind:
            return event


def test_a_colleague_opening_the_same_person_reads_and_sees_who_is_editing_where(practice: Practice) -> None:
    room3, room5 = practice.room3, practice.room5
    first = open_as(room3, practice.person.id, new_holder())
    assert first.opened.editable and first.editing_by is None

    second = open_as(room5, practice.person.id, new_holder())

    assert not second.opened.editable  # the draft to read, not to edit
    assert second.opened.plan is not None and second.opened.plan.id == first.opened.plan.id  # type: ignore[union-attr]
    assert second.editing_by is not None
    assert (second.editing_by.display_name, second.editing_by.workstation) == ("Jo Brennan", "ROOM-3")
    assert room5.ctx.services.presence.editing(practice.person.id) == second.editing_by


def test_take_over_is_audited_and_the_first_editor_hears_of_it_at_once(practice: Practice) -> None:
    room3, room5 = practice.room3, practice.room5
    events, listener = listen(room3.ctx)
    jo_holder = new_holder()
    try:
        open_as(room3, practice.person.id, jo_holder)
        assert wait_for(events, "presence").payload == f"{practice.person.id} {jo_holder}"

        taken = open_as(room5, practice.person.id, new_holder(), take_over=True)

        assert taken.opened.editable
        assert taken.taken_from is not None and taken.taken_from.display_name == "Jo Brennan"
        heard = wait_for(events, "presence")
        assert heard.payload.split() == [practice.person.id, taken_holder(room5, practice)]
        assert room3.ctx.services.presence.heartbeat(practice.person.id, jo_holder) is False
        now_editing = room3.ctx.services.presence.editing(practice.person.id)
        assert now_editing is not None
        assert (now_editing.display_name, now_editing.workstation) == ("Sam Okafor", "ROOM-5")
        audit = room5.ctx.services.audit.entries(person_id=practice.person.id, action=PLAN_TAKEN_OVER)
        assert len(audit) == 1
        assert audit[0].user_id == room5.actor.id and audit[0].detail == f"from_user={room3.actor.id}"
        assert room5.ctx.services.audit.verify().ok
    finally:
        listener.stop()  # type: ignore[attr-defined]


def taken_holder(ws: Workstation, practice: Practice) -> str:
    editing = ws.ctx.services.presence.editing(practice.person.id)
    assert editing is not None
    return editing.holder


def test_a_workstation_that_stopped_beating_for_two_minutes_no_longer_holds_the_plan(
    practice: Practice,
) -> None:
    room3, room5 = practice.room3, practice.room5
    open_as(room3, practice.person.id, new_holder())
    engine = server_support.test_server().admin_engine(practice.database)
    with engine.connect() as conn:  # ROOM-3 crashed: its last heartbeat was three minutes ago (server time)
        conn.execute(text("UPDATE plan_presence SET heartbeat_at = heartbeat_at - interval '3 minutes'"))
    engine.dispose()

    assert room5.ctx.services.presence.editing(practice.person.id) is None
    second = open_as(room5, practice.person.id, new_holder())

    assert second.opened.editable and second.editing_by is None and second.taken_from is None
    assert room5.ctx.services.audit.entries(action=PLAN_TAKEN_OVER) == []


def test_a_heartbeat_keeps_the_plan_held_and_closing_it_lets_a_colleague_edit(practice: Practice) -> None:
    room3, room5 = practice.room3, practice.room5
    holder = new_holder()
    open_as(room3, practice.person.id, holder)
    engine = server_support.test_server().admin_engine(practice.database)
    with engine.connect() as conn:
        conn.execute(text("UPDATE plan_presence SET heartbeat_at = heartbeat_at - interval '100 seconds'"))
    engine.dispose()
    assert room3.ctx.services.presence.heartbeat(practice.person.id, holder) is True
    assert not open_as(room5, practice.person.id, new_holder()).opened.editable

    room3.ctx.services.presence.release(holder)

    assert open_as(room5, practice.person.id, new_holder()).opened.editable


def test_changes_to_people_are_announced_to_other_workstations(practice: Practice) -> None:
    from tests.conftest import make_person

    events, listener = listen(practice.room5.ctx)
    try:
        practice.room3.ctx.services.people.create(
            make_person(first_name="Bea", family_name="Testwell", nhs_number="401 023 2137"),
            practice.room3.actor,
        )
        assert wait_for(events, "changes").payload == "people"
    finally:
        listener.stop()  # type: ignore[attr-defined]


def test_an_autosave_of_a_held_draft_announces_the_persons_record_id(practice: Practice) -> None:
    """Readers of the plan refresh their view on it; the payload is the record id, never a name."""
    import dataclasses

    room3 = practice.room3
    opened = open_as(room3, practice.person.id, new_holder()).opened
    assert opened.plan is not None
    events, listener = listen(practice.room5.ctx)
    try:
        section = opened.plan.content.about_me
        typed = dataclasses.replace(
            section, about=dataclasses.replace(section.about, what_matters="Gardening")
        )
        room3.ctx.services.plans.save_section(opened.plan.id, typed, room3.actor)
        assert wait_for(events, "changes").payload == f"plan {practice.person.id}"
    finally:
        listener.stop()  # type: ignore[attr-defined]


def test_on_the_local_store_presence_is_absent(ctx: AppContext, actor: Actor) -> None:
    from tests.conftest import make_person

    person = ctx.services.people.create(make_person(), actor)
    opened: OpenedPlan = ctx.services.consultation.open_for_consultation(person.id, actor)
    claimed = ctx.services.presence.claim_opened(opened, actor, new_holder())
    assert claimed.opened is opened and claimed.opened.editable
    assert ctx.services.presence.editing(person.id) is None
    assert ctx.services.presence.listener(lambda _e: None) is None
    assert ctx.services.presence.heartbeat(person.id, new_holder()) is True
