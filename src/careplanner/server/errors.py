"""What can go wrong between a workstation and the practice server, in words a person can act on.

Messages never include the password, and name the server only by host."""

from __future__ import annotations

from careplanner.store.errors import StoreError


class ServerUnreachableError(StoreError):
    exit_code = 40

    def __init__(self, message: str | None = None) -> None:
        super().__init__(
            message
            or "The practice server cannot be reached. Check the network cable or Wi-Fi, or ask the "
            "practice's IT. Nothing you typed has been lost."
        )


class ServerCertificateError(StoreError):
    exit_code = 41

    def __init__(self, message: str | None = None) -> None:
        super().__init__(
            message
            or "The practice server's certificate was not accepted (wrong server, expired, or not signed "
            "by the practice's certificate authority). Nothing was sent. Ask the practice's IT."
        )


class ServerBusyError(StoreError):
    """Another connection held a lock longer than the server lets anyone wait (its lock_timeout)."""

    exit_code = 44

    def __init__(self, message: str | None = None) -> None:
        super().__init__(
            message
            or "The practice server is busy; try again. Nothing was changed by this attempt, and nothing "
            "you typed has been lost."
        )


class ServerSchemaError(StoreError):
    exit_code = 42


class ServerSignInError(StoreError):
    exit_code = 6

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or "The user name or password is not right.")
