"""Sign-in, passwords and what each role may do.

Passwords are Argon2id hashes (argon2-cffi). Repeated failures are slowed down: after a few wrong
passwords the account refuses every attempt, right or wrong, until a wait that doubles with each further
failure, so guessing is impractical even at an unattended workstation. Every sign-in, failure, sign-out,
lock and unlock goes into the audit trail. Messages never say whether a user name exists.

Every attempt costs one Argon2 verification and answers the same way whether or not the name is an
account (see `sign_in_guard`).
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from careplanner.clinical.enums import UserRole
from careplanner.models import User
from careplanner.services import audit
from careplanner.services.acting import require_active
from careplanner.services.errors import NotAllowedError, NotFoundError, ValidationError
from careplanner.services.sign_in_guard import SignInError as SignInError
from careplanner.services.sign_in_guard import UnknownNames, delay_after, dummy_hash, waiting, wrong
from careplanner.services.usernames import clean_display_name, username_key
from careplanner.services.users import Actor, UserService, actor_of, user_named
from careplanner.store import strength

log = logging.getLogger("careplanner.auth")

MIN_PASSWORD_LENGTH = strength.MIN_PASSWORD_LENGTH
MAX_PASSWORD_LENGTH = strength.MAX_SECRET_LENGTH


class Permission(StrEnum):
    VIEW = "view"
    PRINT = "print"
    EDIT_PLANS = "edit_plans"
    MANAGE_USERS = "manage_users"
    PRACTICE_SETTINGS = "practice_settings"
    VIEW_AUDIT = "view_audit"
    BACKUP = "backup"


_ALL_READ = frozenset({Permission.VIEW, Permission.PRINT})
_CLINICIAN = _ALL_READ | {Permission.EDIT_PLANS, Permission.BACKUP}
ROLE_PERMISSIONS: dict[UserRole, frozenset[Permission]] = {
    UserRole.GP: _CLINICIAN,
    UserRole.NURSE: _CLINICIAN,
    UserRole.HCA: _CLINICIAN,
    UserRole.ADMIN: _ALL_READ
    | {Permission.MANAGE_USERS, Permission.PRACTICE_SETTINGS, Permission.VIEW_AUDIT, Permission.BACKUP},
    UserRole.READ_ONLY: _ALL_READ,
}

ROLE_NAMES: dict[UserRole, str] = {
    UserRole.GP: "GP",
    UserRole.NURSE: "Nurse",
    UserRole.HCA: "Health care assistant",
    UserRole.ADMIN: "Administrator",
    UserRole.READ_ONLY: "Read-only",
}


def can(actor: Actor, permission: Permission) -> bool:
    return permission in ROLE_PERMISSIONS[actor.role]


def require(actor: Actor, permission: Permission) -> None:
    """Raise the plain refusal the UI and CLI show when a role may not do something."""
    if not can(actor, permission):
        raise NotAllowedError(f"A {ROLE_NAMES[actor.role].lower()} account cannot do this.")


@dataclass(frozen=True)
class UserRecord:
    """What the users admin screen shows; never the hash."""

    actor: Actor
    active: bool
    has_password: bool
    failed_attempts: int


def check_password_rules(password: str) -> None:
    """At least 10 characters, not a repeated character or pattern, not a run of keys, not a common
    password (the shipped list: see store/strength.py). The same words in the app and the command line."""
    found = strength.problem(password, min_length=MIN_PASSWORD_LENGTH, what="password")
    if found is not None:
        raise ValidationError({"password": found})


class AuthService:
    """Accounts and sign-in over one store. Argon2id parameters can be lowered in tests via `hasher`."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        *,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        hasher: PasswordHasher | None = None,
    ) -> None:
        self._sessions = sessions
        self._now = now
        self._hasher = hasher or PasswordHasher()  # argon2-cffi's default type is Argon2id
        self._users = UserService(sessions)
        # Verified against for names that are not accounts, so a reply takes as long as for a real one.
        self._dummy_hash = dummy_hash(self._hasher)
        self._unknown = UnknownNames()
        bind = sessions.kw.get("bind")
        # On the practice server (PostgreSQL) set up by `server init`, each account is the server's own login
        # role and the server keeps its password (server/accounts.py); app_user.password_hash stays empty.
        self._on_server = bind is not None and bind.dialect.name == "postgresql"
        self._replica = False  # a sync replica's copy: see mark_replica

    def mark_replica(self) -> None:
        """This store is a workstation's sync replica (sync/replica_open.py): its accounts are the practice
        server's, whose passwords are never copied here, so it never needs the first-run set-up."""
        self._replica = True

    def _managed(self, session: Session) -> bool:
        if not self._on_server:
            return False
        from careplanner.server.accounts import managed

        return managed(session)

    def _secrets(self, password: str) -> tuple[str, str | None]:
        """(password_hash, login_password) for a new account: the server keeps it where it signs people in."""
        with self._sessions() as session:
            if self._managed(session):
                return "", password
        return self._hasher.hash(password), None

    # ---- first run ---------------------------------------------------------------------------------------

    def needs_first_run(self) -> bool:
        """True until an administrator with a password exists: the app then shows the set-up dialog.
        Never on a sync replica: its administrators are the server's, with no password hash here."""
        if self._replica:
            return False
        with self._sessions() as session:
            query = select(User.id).where(User.role == UserRole.ADMIN, User.active.is_(True))
            if not self._managed(session):  # on a set-up server the server holds the passwords
                query = query.where(User.password_hash != "")
            return session.scalar(query) is None

    def create_first_admin(
        self, *, username: str, display_name: str, password: str, registration_number: str = ""
    ) -> Actor:
        if not self.needs_first_run():
            raise NotAllowedError("This practice already has an administrator. Ask them to add your account.")
        check_password_rules(password)
        password_hash, login_password = self._secrets(password)
        return self._users.create(
            username=username,
            display_name=display_name,
            role=UserRole.ADMIN,
            registration_number=registration_number,
            password_hash=password_hash,
            actor=None,
            login_password=login_password,
        )

    # ---- accounts ----------------------------------------------------------------------------------------

    def add_user(
        self,
        *,
        username: str,
        display_name: str,
        role: UserRole,
        password: str,
        actor: Actor,
        registration_number: str = "",
    ) -> Actor:
        require(actor, Permission.MANAGE_USERS)
        check_password_rules(password)
        password_hash, login_password = self._secrets(password)
        return self._users.create(
            username=username,
            display_name=display_name,
            role=role,
            registration_number=registration_number,
            password_hash=password_hash,
            actor=actor,
            login_password=login_password,
        )

    def users(self, actor: Actor) -> list[UserRecord]:
        require(actor, Permission.MANAGE_USERS)
        with self._sessions() as session:
            if self._managed(session):
                from careplanner.server.accounts import can_sign_in

                def has_password(u: User) -> bool:
                    return can_sign_in(session, u.username)
            else:

                def has_password(u: User) -> bool:
                    return bool(u.password_hash)

            return [
                UserRecord(actor_of(u), u.active, has_password(u), u.failed_attempts)
                for u in session.scalars(select(User).order_by(User.display_name))
            ]

    def update_user(
        self,
        user_id: str,
        actor: Actor,
        *,
        display_name: str | None = None,
        role: UserRole | None = None,
        registration_number: str | None = None,
        active: bool | None = None,
    ) -> Actor:
        require(actor, Permission.MANAGE_USERS)
        with self._sessions.begin() as session:
            # Checked before the change, since administrators may switch themselves off here.
            require_active(session, actor.id)
            user = self._user(session, user_id)
            changed: list[str] = []
            if display_name is not None and display_name.strip() != user.display_name:
                user.display_name = clean_display_name(display_name)
                changed.append("name")
            if registration_number is not None and registration_number.strip() != user.registration_number:
                user.registration_number = registration_number.strip()
                changed.append("registration")
            if role is not None and role is not user.role:
                self._keep_an_admin(session, user, role=role, active=user.active)
                user.role = role
                changed.append(f"role={role.value}")
            if active is not None and active != user.active:
                self._keep_an_admin(session, user, role=user.role, active=active)
                user.active = active
                changed.append("active" if active else "deactivated")
            if changed:
                session.flush()
                if self._managed(session):  # the server's role follows: its group, and whether it may sign in
                    from careplanner.server.accounts import save_login

                    save_login(session, user.username, user.role, password=None, active=user.active)
                audit.record(
                    session,
                    audit.Action.USER_CHANGED,
                    user_id=actor.id,
                    detail=f"user={user.id} " + ",".join(changed),
                    now=self._now,
                    check_actor=False,
                )
            return actor_of(user)

    def set_password(self, user_id: str, new_password: str, actor: Actor) -> None:
        """Administrators reset anyone's password; everyone may change their own."""
        if actor.id != user_id:
            require(actor, Permission.MANAGE_USERS)
        check_password_rules(new_password)
        with self._sessions.begin() as session:
            user = self._user(session, user_id)
            if self._managed(session):  # app_user is not touched: a clinician may not write it there
                self._set_server_password(session, user, new_password, actor)
            else:
                user.password_hash = self._hasher.hash(new_password)
                user.failed_attempts = 0
                user.locked_until = None
                session.flush()
            audit.record(
                session,
                audit.Action.USER_CHANGED,
                user_id=actor.id,
                detail=f"user={user.id} password",
                now=self._now,
            )

    @staticmethod
    def _set_server_password(session: Session, user: User, new_password: str, actor: Actor) -> None:
        """An administrator resets through the owner's function; anyone else changes only their own role's."""
        from careplanner.server import accounts

        if actor.is_admin:
            accounts.save_login(session, user.username, user.role, password=new_password, active=user.active)
        elif not accounts.set_own_password(session, user.username, new_password):
            raise NotAllowedError("Sign in as this account to change its password.")

    @staticmethod
    def _user(session: Session, user_id: str) -> User:
        user = session.get(User, user_id)
        if user is None:
            raise NotFoundError("No such user.")
        return user

    @staticmethod
    def _keep_an_admin(session: Session, user: User, *, role: UserRole, active: bool) -> None:
        if user.role is not UserRole.ADMIN or (role is UserRole.ADMIN and active):
            return
        others = session.scalar(
            select(User.id).where(User.role == UserRole.ADMIN, User.active.is_(True), User.id != user.id)
        )
        if others is None:
            raise ValidationError({"role": "The practice must keep at least one active administrator."})

    # ---- signing in and out ------------------------------------------------------------------------------

    def sign_in(self, username: str, password: str) -> Actor:
        """Check the password; record success or failure; slow down repeated failures."""
        return self._authenticate(username, password, audit.Action.SIGN_IN)

    def _authenticate(self, username: str, password: str, success: str) -> Actor:
        outcome = self._attempt(username, password, success)
        # Raised only after the transaction commits, so every failure stays in the count and the trail.
        if isinstance(outcome, SignInError):
            raise outcome
        return outcome

    def _attempt(self, username: str, password: str, success: str) -> Actor | SignInError:
        now = self._now()
        with self._sessions.begin() as session:
            if self._on_server:
                from careplanner.server.accounts import server_attempt

                found = server_attempt(session, username, password, success, self._now)
                if found is not None:  # connected as an account's own role: the server checked it
                    return found
            user = user_named(session, username)
            if user is None or not user.active or not user.password_hash:
                self._spend_time(password)
                refusal = self._unknown.failure(username_key(username), now)
                audit.record(
                    session, audit.Action.SIGN_IN_FAILED, user_id=None, detail="unknown", now=self._now
                )
                log.info("Sign-in refused: unknown or inactive account")
                return refusal
            # Verified even while the account must wait, so waiting takes as long as any other answer.
            matches = self._matches(user, password)
            if user.locked_until is not None and user.locked_until > now:
                wait = int((user.locked_until - now).total_seconds()) + 1
                audit.record(
                    session, audit.Action.SIGN_IN_FAILED, user_id=user.id, detail="waiting", now=self._now
                )
                return waiting(wait)
            if not matches:
                user.failed_attempts += 1
                delay = delay_after(user.failed_attempts)
                user.locked_until = now + delay if delay else None
                session.flush()
                audit.record(
                    session,
                    audit.Action.SIGN_IN_FAILED,
                    user_id=user.id,
                    detail=f"attempt={user.failed_attempts}",
                    now=self._now,
                )
                log.info("Sign-in refused: wrong password (attempt %d)", user.failed_attempts)
                return wrong(delay)
            user.failed_attempts = 0
            user.locked_until = None
            if self._hasher.check_needs_rehash(user.password_hash):
                user.password_hash = self._hasher.hash(password)
            session.flush()
            audit.record(session, success, user_id=user.id, now=self._now)
            return actor_of(user)

    def check_password(self, actor: Actor, password: str) -> bool:
        """For unlocking the screen: the same checks and slowing down as signing in; success is an unlock."""
        try:
            signed = self._authenticate(actor.username, password, audit.Action.UNLOCK)
        except SignInError:
            return False
        return signed.id == actor.id

    def _matches(self, user: User, password: str) -> bool:
        try:
            return bool(self._hasher.verify(user.password_hash, password))
        except (VerificationError, InvalidHashError):
            return False

    def _spend_time(self, password: str) -> None:
        with contextlib.suppress(VerificationError, InvalidHashError):
            self._hasher.verify(self._dummy_hash, password)

    def record_settings_change(self, actor: Actor, detail: str) -> None:
        """Security settings live in a file beside the store, not in it; their changes are still audited.

        Only administrators may change them, so the check is here as well as in the screen that saves them.
        `detail` names the settings and values, never anything about a person.
        """
        require(actor, Permission.PRACTICE_SETTINGS)
        with self._sessions.begin() as session:
            audit.record(
                session, audit.Action.SETTINGS_CHANGED, user_id=actor.id, detail=detail, now=self._now
            )

    def record(self, actor: Actor, action: str, detail: str = "") -> None:
        """Sign-out and lock: events the UI decides on, written here so the UI opens no session."""
        if action not in (audit.Action.SIGN_OUT, audit.Action.LOCK):
            raise ValueError(f"not a session event: {action}")
        with self._sessions.begin() as session:
            audit.record(session, action, user_id=actor.id, detail=detail, now=self._now)
