"""Users of the app. Until sign-in exists, the first run creates one clinician who acts for every change."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from careplanner.clinical.enums import UserRole
from careplanner.models import User
from careplanner.services import audit
from careplanner.services.errors import NotFoundError, ValidationError
from careplanner.services.usernames import clean_display_name, clean_username, username_key


@dataclass(frozen=True)
class Actor:
    """The person using the app right now; every write service takes one."""

    id: str
    username: str
    display_name: str
    role: UserRole
    registration_number: str = ""

    @property
    def can_edit_plans(self) -> bool:
        return self.role.is_clinician

    @property
    def is_admin(self) -> bool:
        return self.role is UserRole.ADMIN


def actor_of(user: User) -> Actor:
    return Actor(user.id, user.username, user.display_name, user.role, user.registration_number)


def user_named(session: Session, username: str) -> User | None:
    """The account whose name matches `username` in NFKC case-folded form ("ADA" finds "ada").

    Every account is read and compared here rather than in SQL, so names stored before these rules (in
    any case or width) still match; a practice has tens of accounts, not thousands.
    """
    key = username_key(username)
    if not key:
        return None
    return next(
        (
            u
            for u in session.scalars(select(User).order_by(User.created_at))
            if username_key(u.username) == key
        ),
        None,
    )


class UserService:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def list(self) -> list[Actor]:
        with self._sessions() as session:
            return [actor_of(u) for u in session.scalars(select(User).order_by(User.display_name))]

    def get(self, user_id: str) -> Actor:
        with self._sessions() as session:
            user = session.get(User, user_id)
            if user is None:
                raise NotFoundError("No such user.")
            return actor_of(user)

    def by_username(self, username: str) -> Actor | None:
        with self._sessions() as session:
            user = user_named(session, username)
            return None if user is None else actor_of(user)

    def create(
        self,
        *,
        username: str,
        display_name: str,
        role: UserRole,
        registration_number: str = "",
        password_hash: str = "",
        actor: Actor | None,
        login_password: str | None = None,
    ) -> Actor:
        """`login_password`: on a practice server set up by `server init`, the account's own database
        login role is made with this password (a SCRAM verifier), in the same transaction
        (server/accounts.py)."""
        problems: dict[str, str] = {}
        cleaned: dict[str, str] = {}
        for name, value, clean in (
            ("username", username, clean_username),
            ("display_name", display_name, clean_display_name),
        ):
            try:
                cleaned[name] = clean(value)
            except ValidationError as exc:
                problems.update(exc.fields)
        if problems:
            raise ValidationError(problems)
        with self._sessions.begin() as session:
            # Names that differ only in case, width or look (after NFKC) are the same name.
            if user_named(session, cleaned["username"]) is not None:
                raise ValidationError({"username": "That user name is taken."})
            user = User(
                username=cleaned["username"],
                display_name=cleaned["display_name"],
                role=role,
                registration_number=registration_number.strip(),
                password_hash=password_hash,
            )
            session.add(user)
            session.flush()
            if login_password is not None:
                from careplanner.server.accounts import save_login

                save_login(session, user.username, role, password=login_password, active=True)
            audit.record(
                session,
                audit.Action.USER_CREATED,
                user_id=actor.id if actor else user.id,
                detail=f"role={role.value}",
            )
            return actor_of(user)

    def ensure_first_clinician(self) -> Actor:
        """The acting clinician before sign-in exists: the first clinician account, made on first run."""
        with self._sessions() as session:
            user = session.scalar(
                select(User)
                .where(User.role.in_([UserRole.GP, UserRole.NURSE, UserRole.HCA]))
                .order_by(User.created_at)
            )
            if user is not None:
                return actor_of(user)
        return self.create(
            username="clinician", display_name="Practice clinician", role=UserRole.NURSE, actor=None
        )
