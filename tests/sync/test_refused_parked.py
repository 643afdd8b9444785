"""A change the practice server refuses holds up nothing behind it: it is kept on the workstation as "needs
attention" (with the server's reason, in `careplanner sync status` and the Sync dialog's list), the rest of
the outbox reaches the server, and the parked change is sent again once it can go (sync/parked.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import text

from careplanner.commands.sync_cmds import _status
from careplanner.sync import parked
from careplanner.sync.status import SyncService
from careplanner.ui.main import application
from careplanner.ui.sync_dialog import SyncDialog
from careplanner.ui.worker import Worker
from tests.conftest import make_person
from tests.sync.replica_support import SyncPractice, open_practice
from tests.sync.test_engine import _about


@pytest.fixture
def practice(tmp_path: Path) -> Iterator[SyncPractice]:
    yield from open_practice(tmp_path)


def _on_server(practice: SyncPractice, table: str, row_id: str) -> bool:
    with practice.connect() as conn:
        found = conn.execute(text(f"SELECT 1 FROM {table} WHERE id = :i"), {"i": row_id}).first()
    return found is not None


@pytest.mark.gui
@pytest.mark.qt_log_ignore("This plugin does not support")
def test_a_refused_change_is_parked_as_needing_attention_and_the_rest_goes_on(
    practice: SyncPractice, qtbot: QtBot, capsys: pytest.CaptureFixture[str]
) -> None:
    room3, room5 = practice.station("room3"), practice.station("room5")
    room3.engine.cycle()
    room5.engine.cycle()
    room3.offline()
    room5.offline()
    # Offline, both rooms add someone under the same NHS number; room 5 then goes on with other work.
    number = "999 339 5633"
    first = room3.ctx.services.people.create(
        make_person(first_name="Ivy", family_name="Synthetic", nhs_number=number), room3.actor
    )
    clash = room5.ctx.services.people.create(
        make_person(first_name="Ian", family_name="Synthetic", nhs_number=number), room5.actor
    )
    s = room5.ctx.services
    later = s.people.create(
        make_person(first_name="Joy", family_name="Synthetic", nhs_number=None), room5.actor
    )
    draft = s.plans.start_draft(later.id, room5.actor)
    s.plans.save_section(draft.id, _about("Baking bread"), room5.actor)
    room3.offline(False)
    room5.offline(False)
    room3.engine.cycle()
    report = room5.engine.cycle()
    assert report.push is not None and len(report.push.refused) == 1
    # What came after the refused change reached the server; the refused one did not, and waits here.
    assert _on_server(practice, "person", first.id) and not _on_server(practice, "person", clash.id)
    assert _on_server(practice, "person", later.id) and _on_server(practice, "care_plan", draft.id)
    status = room5.engine.status()
    assert status.waiting == 1 and status.attention == 1
    [item] = SyncService(room5.ctx.store.sessions).waiting()
    assert item.doc_id == clash.id and "identifying details" in item.attention
    # Shown in `careplanner sync status` and in the Sync dialog's list of what waits.
    assert _status(True, room5.engine, quiet=True) == 0
    printed = capsys.readouterr().out
    assert "1 record(s) need attention" in printed and "person's details: the server already has" in printed
    application()
    dialog = SyncDialog(SyncService(room5.ctx.store.sessions), Worker(inline=True))
    qtbot.addWidget(dialog)
    dialog.show()
    assert "needs attention: the practice server did not take it" in dialog.waiting.item(0).text()
    # Later changes keep flowing past it.
    s.plans.save_section(draft.id, _about("Baking bread on Saturdays"), room5.actor)
    assert room5.engine.cycle().push is not None
    with practice.connect() as conn:
        words = conn.execute(
            text("SELECT what_matters FROM about_me WHERE plan_id = :p"), {"p": draft.id}
        ).scalar()
    assert words == "Baking bread on Saturdays"
    # Put right here (another NHS number), it is sent again at once and is no longer parked.
    s.people.update(
        clash.id, make_person(first_name="Ian", family_name="Synthetic", nhs_number=None), room5.actor
    )
    again = room5.engine.cycle()
    assert again.push is not None and not again.push.refused
    assert _on_server(practice, "person", clash.id)
    with room5.ctx.store.sessions() as session:
        assert parked.parked(session.connection()) == {}
    assert room5.engine.status().waiting == 0
