"""Storage failures a person can act on, each with its own message and exit code.

Anything not listed here is a bug: it goes to the crash dialog and the log, not to these messages.
Messages never contain patient data.
"""

from __future__ import annotations


class StoreError(Exception):
    """A storage problem with a plain message for the person at the keyboard."""

    exit_code = 20
    message = "The care plan store could not be opened."

    def __init__(self, detail: str | None = None) -> None:
        super().__init__(detail or self.message)
        self.detail = detail or self.message


class WrongKeyError(StoreError):
    exit_code = 21
    message = "The store could not be unlocked: the key or passphrase is wrong. Nothing was changed."


class KeyMissingError(StoreError):
    exit_code = 22
    message = (
        "The key for this store is not in this computer's keyring. Restore it from a backup "
        "or open the store with its passphrase. Nothing was changed."
    )


class NotAStoreError(StoreError):
    exit_code = 23
    message = "This file is not a Care Planner store, or it is damaged. Nothing was changed."


class NewerStoreError(StoreError):
    exit_code = 24
    message = (
        "This store was made by a newer version of Care Planner. Install the newer version to open it. "
        "Nothing was changed."
    )


class KeyringUnavailableError(StoreError):
    exit_code = 25
    message = (
        "No secure keyring is available on this computer. Open the store with a passphrase "
        "(--passphrase-file FILE). Care Planner never stores its key in plain text."
    )


class StoreInUseError(StoreError):
    exit_code = 26
    message = "The store is open in another copy of Care Planner. Close that copy first."


class StoreReadOnlyError(StoreError):
    exit_code = 27
    message = "The data folder is read-only, so the store cannot be saved. Ask IT to check its permissions."


class DiskFullError(StoreError):
    exit_code = 28
    message = "The disk is full, so the last change could not be saved. Free some space and try again."


class ImmutableVersionError(Exception):
    """Raised when code tries to change an agreed (or declined) plan version: that is a bug."""


class NetworkFolderError(StoreError):
    exit_code = 33
    message = (
        "The data folder is on a network or shared drive. A Care Planner store must be on this "
        "computer's own disk: two computers (or two paths) writing one store can damage it. Choose a "
        "folder on a local disk. Nothing was changed."
    )
