"""Accounts an attacker or a careless admin could misuse (issue 17, item 11).

- Sign-in answers alike for names that are accounts and names that are not: one Argon2 verification
  every time (counted through the hasher, the seam AuthService takes), the same wait messages.
- Look-alike user names (zero-width characters, direction overrides, mixed alphabets) are refused, and
  names equal after NFKC case-folding are the same name.
- A switched-off account's open session saves nothing more; the app returns to the sign-in screen.
- Only administrators change the practice's details and the numbers printed on every plan.
"""

from __future__ import annotations

import time
from typing import Any

import pytest
from argon2 import PasswordHasher
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from careplanner.app import AppContext
from careplanner.clinical.enums import UserRole
from careplanner.clinical.practice import PracticeSettings
from careplanner.services.audit import Action
from careplanner.services.auth import AuthService, SignInError
from careplanner.services.errors import AccountInactiveError, NotAllowedError, ValidationError
from careplanner.services.plan_data import AboutMeData, AboutMeSection
from careplanner.services.users import Actor
from careplanner.ui.main_window import MainWindow
from careplanner.ui.trust import Trust
from careplanner.ui.trust.users_dialog import UsersDialog
from tests.conftest import make_person
from tests.trust.conftest import PASSWORD, MovableClock
from tests.trust.test_ui_accounts import add, sign_in, trust
from tests.ui.helpers import type_into

__all__ = ["trust"]

WRONG = "not the password at all"


class CountingHasher(PasswordHasher):
    """A real Argon2id hasher (low cost) that counts its verifications."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.verified = 0

    def verify(self, hash: str | bytes, password: str | bytes) -> bool:
        self.verified += 1
        return super().verify(hash, password)


@pytest.fixture
def hasher() -> CountingHasher:
    return CountingHasher(time_cost=1, memory_cost=1024, parallelism=1)


@pytest.fixture
def counted(ctx: AppContext, clock: MovableClock, hasher: CountingHasher) -> AuthService:
    return AuthService(ctx.store.sessions, now=clock, hasher=hasher)


def _refusal(auth: AuthService, username: str, password: str) -> tuple[str, int]:
    with pytest.raises(SignInError) as err:
        auth.sign_in(username, password)
    return str(err.value), err.value.wait_seconds


def _verifications(hasher: CountingHasher, auth: AuthService, username: str, password: str) -> int:
    before = hasher.verified
    with pytest.raises(SignInError):
        auth.sign_in(username, password)
    return hasher.verified - before


# ---- sign-in gives nothing away ------------------------------------------------------------------------


def test_every_refusal_runs_exactly_one_verification(
    counted: AuthService, hasher: CountingHasher, clock: MovableClock
) -> None:
    admin = counted.create_first_admin(username="ada", display_name="Ada Admin", password=PASSWORD)
    nurse = counted.add_user(
        username="nia", display_name="Nia Nurse", role=UserRole.NURSE, password=PASSWORD, actor=admin
    )
    counted.update_user(nurse.id, admin, active=False)
    assert _verifications(hasher, counted, "nobody", WRONG) == 1  # not an account
    assert _verifications(hasher, counted, "nia", PASSWORD) == 1  # switched off
    assert _verifications(hasher, counted, "ada", WRONG) == 1  # wrong password
    for _ in range(2):
        _verifications(hasher, counted, "ada", WRONG)
    assert _verifications(hasher, counted, "ada", PASSWORD) == 1  # must wait, even with the right one
    assert _verifications(hasher, counted, "ada", WRONG) == 1  # must wait, wrong one
    clock.advance(31)
    before = hasher.verified
    assert counted.sign_in("ada", PASSWORD) == admin
    assert hasher.verified - before == 1


def test_the_wait_message_is_the_same_for_a_name_that_is_not_an_account(
    counted: AuthService, clock: MovableClock
) -> None:
    counted.create_first_admin(username="ada", display_name="Ada Admin", password=PASSWORD)
    real = [_refusal(counted, "ada", WRONG) for _ in range(4)] + [_refusal(counted, "ada", PASSWORD)]
    unknown = [_refusal(counted, "zed", WRONG) for _ in range(4)] + [_refusal(counted, "zed", PASSWORD)]
    assert real == unknown
    assert "Too many wrong passwords" in real[-1][0] and real[-1][1] > 0
    # The wait ends the same way for both.
    clock.advance(31)
    assert _refusal(counted, "zed", WRONG) == _refusal(counted, "ada", WRONG)


def test_waiting_takes_as_long_as_a_name_that_is_not_an_account(ctx: AppContext, clock: MovableClock) -> None:
    """Coarse, with the real (default) Argon2id cost: before, a waiting account answered in about 3 ms
    and an unknown name in about 130 ms. The fastest of a few tries is compared, so a busy machine only
    makes the check easier to pass, never a false failure."""
    auth = AuthService(ctx.store.sessions, now=clock)
    auth.create_first_admin(username="ada", display_name="Ada Admin", password=PASSWORD)
    for _ in range(3):
        _refusal(auth, "ada", WRONG)

    def fastest(username: str) -> float:
        times = []
        for _ in range(3):
            start = time.perf_counter()
            _refusal(auth, username, PASSWORD)
            times.append(time.perf_counter() - start)
        return min(times)

    waiting, unknown = fastest("ada"), fastest("nobody")
    assert waiting >= 0.4 * unknown, (waiting, unknown)


def test_the_first_answer_for_an_unknown_name_costs_no_more_than_later_ones(
    ctx: AppContext, clock: MovableClock
) -> None:
    """The dummy hash is made without hashing, so the first unknown name does not pay for making it."""
    hasher = CountingHasher(time_cost=1, memory_cost=1024, parallelism=1)
    made: list[str] = []
    original = hasher.hash

    def hash_and_note(password: str | bytes, *, salt: bytes | None = None) -> str:
        made.append("hash")
        return original(password, salt=salt)

    hasher.hash = hash_and_note  # type: ignore[method-assign]
    auth = AuthService(ctx.store.sessions, now=clock, hasher=hasher)
    _refusal(auth, "nobody", WRONG)
    assert made == [] and hasher.verified == 1


# ---- user names ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("username", "why"),
    [
        ("ad\u200bmin", "hidden"),  # zero-width space
        ("ad\u200dmin", "hidden"),  # zero-width joiner
        ("\u202enimda", "hidden"),  # right-to-left override: shows as "admin"
        ("ad\x00min", "hidden"),
        ("\u0430dmin", "alphabets"),  # Cyrillic a, Latin dmin
        ("\u0430\u0441\u0435", "English letters"),  # all Cyrillic, reads as "ace"
        ("x" * 65, "at most"),
    ],
)
def test_look_alike_user_names_are_refused(auth: AuthService, admin: Actor, username: str, why: str) -> None:
    with pytest.raises(ValidationError) as err:
        auth.add_user(
            username=username, display_name="Synthetic X", role=UserRole.GP, password=PASSWORD, actor=admin
        )
    assert why in err.value.fields["username"]
    assert len(auth.users(admin)) == 1


def test_names_that_fold_to_the_same_are_one_name(auth: AuthService, admin: Actor) -> None:
    for twin in ("ADA", "Ada", "\uff41\uff44\uff41", " ada "):  # capitals, full-width letters, spaces
        with pytest.raises(ValidationError, match="taken"):
            auth.add_user(
                username=twin, display_name="Synthetic Twin", role=UserRole.GP, password=PASSWORD, actor=admin
            )
    assert auth.sign_in("ADA", PASSWORD) == admin  # and signing in ignores case and width the same way
    assert auth.sign_in("\uff41\uff44\uff41", PASSWORD) == admin


def test_ordinary_names_in_any_one_alphabet_are_accepted(auth: AuthService, admin: Actor) -> None:
    for name in ("o'brien.k", "zoë", "łukasz", "\u0437\u0438\u043d\u0430", "j-smith_2"):  # зина: Cyrillic
        made = auth.add_user(
            username=name, display_name="Synthetic User", role=UserRole.NURSE, password=PASSWORD, actor=admin
        )
        assert auth.sign_in(name, PASSWORD) == made


def test_display_names_with_hidden_characters_are_refused(auth: AuthService, admin: Actor) -> None:
    with pytest.raises(ValidationError) as err:
        auth.add_user(
            username="nia",
            display_name="Nia \u202eesruN",
            role=UserRole.NURSE,
            password=PASSWORD,
            actor=admin,
        )
    assert "hidden" in err.value.fields["display_name"]
    with pytest.raises(ValidationError):
        auth.update_user(admin.id, admin, display_name="Ada\u200b Admin")
    with pytest.raises(ValidationError):
        auth.update_user(admin.id, admin, display_name="A" * 101)
    assert auth.users(admin)[0].actor.display_name == "Ada Admin"


# ---- a switched-off account saves nothing --------------------------------------------------------------


def test_a_switched_off_account_cannot_write_and_nothing_is_written(
    ctx: AppContext, auth: AuthService, admin: Actor
) -> None:
    nurse = auth.add_user(
        username="nia", display_name="Nia", role=UserRole.NURSE, password=PASSWORD, actor=admin
    )
    people, plans = ctx.services.people, ctx.services.plans
    person = people.create(make_person(), nurse)
    draft = plans.start_draft(person.id, nurse)
    auth.update_user(nurse.id, admin, active=False)
    trail = len(ctx.services.audit.entries())
    about = draft.content.about_me
    changed = AboutMeSection(AboutMeData(what_matters="Walking to the shop"))
    attempts = [
        lambda: plans.save_section(draft.id, changed, nurse),
        lambda: people.create(make_person(first_name="Bob", nhs_number=None), nurse),
        lambda: people.update(person.id, make_person(first_name="Changed"), nurse),
        lambda: people.open(person.id, nurse),
        lambda: plans.discard_draft(draft.id, nurse),
    ]
    for attempt in attempts:
        with pytest.raises(AccountInactiveError) as err:
            attempt()
        assert "switched off" in str(err.value) and err.value.user_id == nurse.id
    assert len(ctx.services.audit.entries()) == trail
    assert people.count() == 1 and people.get(person.id).details.first_name == "Zoë"
    assert plans.get(draft.id).content.about_me == about
    # Switched on again, the same session may carry on.
    auth.update_user(nurse.id, admin, active=True)
    assert plans.save_section(draft.id, changed, nurse).plan_id == draft.id


def test_an_administrator_may_switch_themself_off_and_then_can_do_nothing(
    ctx: AppContext, auth: AuthService, admin: Actor
) -> None:
    second = auth.add_user(
        username="bo", display_name="Bo", role=UserRole.ADMIN, password=PASSWORD, actor=admin
    )
    auth.update_user(admin.id, admin, active=False)
    assert ctx.services.audit.entries(limit=1)[0].action == Action.USER_CHANGED
    with pytest.raises(AccountInactiveError):
        auth.add_user(username="eve", display_name="Eve", role=UserRole.GP, password=PASSWORD, actor=admin)
    with pytest.raises(AccountInactiveError):
        auth.update_user(second.id, admin, display_name="Bo Renamed")
    assert [r.actor.username for r in auth.users(second)] == ["ada", "bo"]


# ---- practice settings: administrators only -----------------------------------------------------------

SETTINGS = PracticeSettings("Riverside Surgery", "B86999", "0113 496 0000", "0113 496 0999")


@pytest.mark.parametrize("role", [UserRole.HCA, UserRole.NURSE, UserRole.GP, UserRole.READ_ONLY])
def test_only_an_administrator_changes_the_practice_numbers(
    ctx: AppContext, auth: AuthService, admin: Actor, role: UserRole
) -> None:
    saved = ctx.services.practice.update(SETTINGS, admin)
    clinician = auth.add_user(username="cli", display_name="Cli", role=role, password=PASSWORD, actor=admin)
    other_number = PracticeSettings("Riverside Surgery", "B86999", "0113 496 0000", "0113 496 0111")
    assert not other_number.validate()  # a number that would be saved, were the role allowed
    with pytest.raises(NotAllowedError, match="Only an administrator"):
        ctx.services.practice.update(other_number, clinician)
    assert ctx.services.practice.get() == saved
    assert [e.user_id for e in ctx.services.audit.entries(action=Action.SETTINGS_CHANGED)] == [admin.id]


# ---- the same, in the app -----------------------------------------------------------------------------


@pytest.mark.gui
@pytest.mark.qt_log_ignore("This plugin does not support")
def test_switched_off_while_the_editor_is_open_the_next_autosave_is_refused(
    qtbot: QtBot, trust: Trust, ctx: AppContext, admin: Actor
) -> None:
    nurse = add(ctx, admin, "nia", UserRole.NURSE)
    person = ctx.services.people.create(make_person(first_name="Ada", family_name="Testwell"), nurse)
    sign_in(trust, "nia")
    window = trust.window
    assert isinstance(window, MainWindow)
    window.open_person(person.id)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.editor)
    editor = window.editor
    field = editor.step("about_me").about.widget("what_matters")  # type: ignore[attr-defined]
    type_into(qtbot, field, "Walking to the shop")
    qtbot.waitUntil(lambda: not editor.has_pending(), timeout=5000)

    def what_matters() -> str:
        draft = ctx.services.plans.draft_of(person.id)
        assert draft is not None
        return draft.content.about_me.about.what_matters

    assert what_matters() == "Walking to the shop"

    # An administrator at another workstation switches the nurse's account off.
    accounts = UsersDialog(ctx.services, admin)
    qtbot.addWidget(accounts)
    accounts.select_user(nurse.id)
    qtbot.mouseClick(accounts.switch_button, Qt.MouseButton.LeftButton)
    assert "cannot sign in" in accounts.message.text()
    trail = len(ctx.services.audit.entries())

    # The nurse carries on typing; the next autosave is refused and the app goes back to sign-in.
    type_into(qtbot, field, " every day")
    qtbot.waitUntil(lambda: trust.lock_screen.is_showing, timeout=5000)
    assert "switched off" in trust.lock_screen.message.text()
    assert what_matters() == "Walking to the shop"
    entries = ctx.services.audit.entries()
    assert [(e.action, e.user_id) for e in entries[: len(entries) - trail]] == [(Action.SIGN_OUT, nurse.id)]
    assert not editor.has_pending()  # not retried behind the sign-in screen
    assert not trust.actions["backup"].isVisible()

    # The nurse cannot sign back in; the administrator can, and the refused words were never saved.
    trust.lock_screen.username.setText("nia")
    trust.lock_screen.password.setText(PASSWORD)
    trust.lock_screen.submit()
    assert trust.lock_screen.is_showing
    sign_in(trust, "ada")
    assert what_matters() == "Walking to the shop"
