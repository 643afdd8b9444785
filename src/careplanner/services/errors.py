"""Errors the services raise for things a person can correct."""

from __future__ import annotations

from collections.abc import Mapping


class ServiceError(Exception):
    """A request the services refuse, with a plain message. Never contains patient data."""

    exit_code = 2


class ValidationError(ServiceError):
    """One or more fields cannot be right. `fields` maps field name → plain message."""

    def __init__(self, fields: Mapping[str, str]) -> None:
        self.fields = dict(fields)
        super().__init__("; ".join(self.fields.values()))


class NotFoundError(ServiceError):
    exit_code = 3


class NotAllowedError(ServiceError):
    exit_code = 4


class NotADraftError(ServiceError):
    """Agreed and declined versions are never changed; start a new draft instead."""

    exit_code = 5


class AccountInactiveError(NotAllowedError):
    """The account acting has been switched off (or removed) since it signed in. Nothing was saved.

    `user_id` lets the app tell whether it is the account signed in now, and return to the sign-in screen.
    """

    def __init__(self, user_id: str) -> None:
        self.user_id = user_id
        super().__init__(
            "This account has been switched off, so nothing was saved. "
            "Ask an administrator, or sign in with an account that is switched on."
        )
