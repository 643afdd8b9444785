"""What a sync push, pull or cycle did, in counts and plain words (for the window and the command line),
and the two ways sync refuses to go on."""

from __future__ import annotations

from dataclasses import dataclass, field

from careplanner.services.errors import ServiceError


class SyncStoppedError(ServiceError):
    """Sync cannot go on (and did nothing): a schema mismatch, or changes refused by the server."""

    exit_code = 46


class WaitingChangesError(ServiceError):
    """A rebuild would drop changes that have not reached the server yet."""

    exit_code = 47


@dataclass(frozen=True)
class PushReport:
    sent: int = 0
    applied: int = 0
    duplicates: int = 0
    branched: int = 0
    refused: tuple[str, ...] = ()  # plain words from the server, never patient data
    waiting: int = 0
    # Kinds of record (person, practice…) changed here whose server copy had changed meanwhile: the server
    # kept its own, and this computer took it (only plans are kept twice, for a merge). Say so plainly.
    not_taken: tuple[str, ...] = ()


@dataclass(frozen=True)
class PullReport:
    received: int = 0
    written: int = 0
    kept_here: int = 0  # documents not overwritten because saves made here still wait to be sent
    cursor: int = 0


@dataclass(frozen=True)
class CycleReport:
    """`push` and `pull` are set when the cycle went through; `connected` is False when the server could
    not be reached (or was too busy) part way, and `problem` says why sync has stopped (a schema mismatch)."""

    push: PushReport | None
    pull: PullReport | None
    connected: bool
    problem: str | None = None
    history_changed: bool = False


@dataclass
class Counts:
    sent: int = 0
    applied: int = 0
    duplicates: int = 0
    branched: int = 0
    refused: list[str] = field(default_factory=list)
    not_taken: list[str] = field(default_factory=list)
