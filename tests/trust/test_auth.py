"""Sign-in, slowing down wrong passwords, roles, and the audit entries each of these leaves."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from careplanner.app import AppContext
from careplanner.clinical.enums import UserRole
from careplanner.models import User
from careplanner.services.audit import Action
from careplanner.services.auth import AuthService, Permission, SignInError, can, delay_after
from careplanner.services.errors import NotAllowedError, ValidationError
from careplanner.services.users import Actor
from tests.conftest import make_person
from tests.trust.conftest import PASSWORD, MovableClock


def _actions(ctx: AppContext) -> list[str]:
    return [e.action for e in reversed(ctx.services.audit.entries())]


def test_first_run_needs_an_administrator_then_only_one_set_up(auth: AuthService) -> None:
    assert auth.needs_first_run()
    auth.create_first_admin(username="ada", display_name="Ada Admin", password=PASSWORD)
    assert not auth.needs_first_run()
    with pytest.raises(NotAllowedError):
        auth.create_first_admin(username="eve", display_name="Eve", password=PASSWORD)


def test_passwords_are_argon2id_hashes_never_plain(ctx: AppContext, auth: AuthService, admin: Actor) -> None:
    with ctx.store.sessions() as session:
        stored = session.scalar(select(User.password_hash).where(User.id == admin.id))
    assert stored is not None
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored


def test_short_password_is_refused(auth: AuthService) -> None:
    with pytest.raises(ValidationError) as err:
        auth.create_first_admin(username="ada", display_name="Ada", password="short")
    assert "password" in err.value.fields


def test_sign_in_success_and_failure_are_audited(ctx: AppContext, auth: AuthService, admin: Actor) -> None:
    assert auth.sign_in("ada", PASSWORD) == admin
    with pytest.raises(SignInError, match="not right"):
        auth.sign_in("ada", "wrong password!!")
    with pytest.raises(SignInError, match="not right"):
        auth.sign_in("nobody", PASSWORD)
    actions = _actions(ctx)
    assert actions[-3:] == [Action.SIGN_IN, Action.SIGN_IN_FAILED, Action.SIGN_IN_FAILED]


def test_repeated_failures_make_the_account_wait_even_for_the_right_password(
    auth: AuthService, admin: Actor, clock: MovableClock
) -> None:
    for _ in range(3):
        with pytest.raises(SignInError):
            auth.sign_in("ada", "wrong password!!")
    with pytest.raises(SignInError) as err:
        auth.sign_in("ada", PASSWORD)
    assert err.value.wait_seconds > 0
    assert "Try again" in str(err.value)
    clock.advance(err.value.wait_seconds + 1)
    assert auth.sign_in("ada", PASSWORD) == admin


def test_waits_double_and_are_capped() -> None:
    assert delay_after(2).total_seconds() == 0
    assert delay_after(3).total_seconds() == 30
    assert delay_after(4).total_seconds() == 60
    assert delay_after(50).total_seconds() == 15 * 60


def test_role_permissions() -> None:
    def actor(role: UserRole) -> Actor:
        return Actor("id", "u", "U", role)

    assert can(actor(UserRole.NURSE), Permission.EDIT_PLANS)
    assert not can(actor(UserRole.NURSE), Permission.MANAGE_USERS)
    assert can(actor(UserRole.ADMIN), Permission.MANAGE_USERS)
    assert can(actor(UserRole.ADMIN), Permission.VIEW_AUDIT)
    assert not can(actor(UserRole.ADMIN), Permission.EDIT_PLANS)
    assert can(actor(UserRole.READ_ONLY), Permission.PRINT)
    assert not can(actor(UserRole.READ_ONLY), Permission.EDIT_PLANS)
    assert not can(actor(UserRole.READ_ONLY), Permission.BACKUP)


def test_only_administrators_add_accounts_and_read_only_cannot_edit_plans(
    ctx: AppContext, auth: AuthService, admin: Actor
) -> None:
    nurse = auth.add_user(
        username="nia", display_name="Nia Nurse", role=UserRole.NURSE, password=PASSWORD, actor=admin
    )
    with pytest.raises(NotAllowedError):
        auth.add_user(username="x", display_name="X", role=UserRole.GP, password=PASSWORD, actor=nurse)
    viewer = auth.add_user(
        username="rob", display_name="Rob Reader", role=UserRole.READ_ONLY, password=PASSWORD, actor=admin
    )
    person = ctx.services.people.create(make_person(), nurse)
    with pytest.raises(NotAllowedError):
        ctx.services.plans.start_draft(person.id, viewer)
    assert ctx.services.plans.start_draft(person.id, nurse).person_id == person.id
    assert Action.USER_CREATED in _actions(ctx)


def test_the_last_administrator_cannot_be_removed(auth: AuthService, admin: Actor) -> None:
    with pytest.raises(ValidationError):
        auth.update_user(admin.id, admin, active=False)
    with pytest.raises(ValidationError):
        auth.update_user(admin.id, admin, role=UserRole.NURSE)
    second = auth.add_user(
        username="bo", display_name="Bo Admin", role=UserRole.ADMIN, password=PASSWORD, actor=admin
    )
    auth.update_user(admin.id, second, active=False)
    with pytest.raises(SignInError):
        auth.sign_in("ada", PASSWORD)


def test_unlock_checks_the_password_and_lock_unlock_are_audited(
    ctx: AppContext, auth: AuthService, admin: Actor
) -> None:
    auth.record(admin, Action.LOCK)
    assert not auth.check_password(admin, "wrong password!!")
    assert auth.check_password(admin, PASSWORD)
    assert _actions(ctx)[-3:] == [Action.LOCK, Action.SIGN_IN_FAILED, Action.UNLOCK]


def test_password_change_by_self_or_admin_only(auth: AuthService, admin: Actor) -> None:
    nurse = auth.add_user(
        username="nia", display_name="Nia", role=UserRole.NURSE, password=PASSWORD, actor=admin
    )
    other = auth.add_user(
        username="gus", display_name="Gus", role=UserRole.GP, password=PASSWORD, actor=admin
    )
    with pytest.raises(NotAllowedError):
        auth.set_password(other.id, "another long password", nurse)
    auth.set_password(nurse.id, "another long password", nurse)
    assert auth.sign_in("nia", "another long password") == nurse
