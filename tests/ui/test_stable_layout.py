"""Issue 12: nothing moves under the pointer. The "Changed since the last agreed plan" box grew after
each autosave and pushed the page down (a click meant for one field landed on the one above it), and the
"Add …" buttons moved down as their lists grew (the third medicine went into the wrong place)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from careplanner.app import AppContext
from careplanner.services import plan_data as d
from careplanner.services.people import PersonRecord
from careplanner.services.users import Actor
from careplanner.ui.editor import PlanEditor
from careplanner.ui.list_editor import ListEditor
from careplanner.ui.session import UserSession
from tests.ui.standalone import click, make_editor, type_in

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("This plugin does not support")]


@pytest.fixture
def editor(qtbot: QtBot, ctx: AppContext, session: UserSession) -> PlanEditor:
    return make_editor(qtbot, ctx, session)


def _settle() -> None:
    """Let pending layouts run (a nested layout may ask again once its parent has run)."""
    for _ in range(4):
        QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)


def _y(widget: QWidget, editor: PlanEditor) -> int:
    _settle()
    return widget.mapTo(editor, QPoint(0, 0)).y()


def _review(editor: PlanEditor, ctx: AppContext, actor: Actor, person: PersonRecord) -> str:
    plans = ctx.services.plans
    first = plans.start_draft(person.id, actor)
    plans.save_section(first.id, d.AboutMeSection(about=d.AboutMeData(what_matters="My garden")), actor)
    base = plans.agree(first.id, actor, review_date=ctx.services.clock.today() + timedelta(days=90))
    draft = plans.start_draft(person.id, actor)
    editor.open_plan(person, draft, base)
    return draft.id


def test_autosave_listing_changes_never_moves_the_page(
    qtbot: QtBot,
    editor: PlanEditor,
    ctx: AppContext,
    actor: Actor,
    person: PersonRecord,
) -> None:
    _review(editor, ctx, actor, person)
    about = editor.step("about_me")
    form = about.about  # type: ignore[attr-defined]
    under_pointer = form.widget("please_dont")
    summary = editor.changes["about_me"]
    assert summary.isVisible() and "No changes" in summary.text()
    where = _y(under_pointer, editor)
    for n, name in enumerate(("what_matters", "people_important", "how_i_communicate", "my_wellness"), 1):
        type_in(qtbot, form.widget(name), " and more")
        with qtbot.waitSignal(editor.saved, timeout=3000):
            editor.flush()
        assert summary.text().count("• Changed") == n  # the autosave listed one more change
        assert _y(under_pointer, editor) == where  # and nothing under the pointer moved
    # The box scrolls what does not fit instead of growing: the last change can be scrolled to.
    bar = summary.area.verticalScrollBar()
    assert bar.maximum() > 0


def test_add_buttons_stay_put_as_their_lists_grow(
    qtbot: QtBot,
    editor: PlanEditor,
    ctx: AppContext,
    actor: Actor,
    person: PersonRecord,
) -> None:
    draft = ctx.services.plans.start_draft(person.id, actor)
    editor.open_plan(person, draft)
    editor.go_to("medical")
    medical = editor.step("medical")
    medicines: ListEditor = medical.medicines  # type: ignore[attr-defined]
    allergies: ListEditor = medical.allergies  # type: ignore[attr-defined]
    click(qtbot, medicines.add_button)
    type_in(qtbot, medicines.form.widget("name"), "Medicine 1")
    add_at, next_list_at = _y(medicines.add_button, editor), _y(allergies.add_button, editor)
    for n in range(2, 7):
        qtbot.mouseClick(medicines.add_button, Qt.MouseButton.LeftButton)  # the pointer has not moved
        type_in(qtbot, medicines.form.widget("name"), f"Medicine {n}")
        assert len(medicines.items()) == n
        assert _y(medicines.add_button, editor) == add_at
        assert _y(allergies.add_button, editor) == next_list_at
    assert [m.name for m in medicines.items()] == [f"Medicine {n}" for n in range(1, 7)]
