"""All services over one open store, built once by the composition root (`app.py`)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session, sessionmaker

from careplanner.config import Paths
from careplanner.services.audit import AuditService
from careplanner.services.auth import AuthService
from careplanner.services.backups import BackupService
from careplanner.services.clinical_support import ClinicalSupportService
from careplanner.services.consultation import ConsultationService
from careplanner.services.directory import LocalDirectoryService
from careplanner.services.people import PeopleService
from careplanner.services.plans import PlanService
from careplanner.services.practice import PracticeService
from careplanner.services.presence import PresenceService, announce_changes
from careplanner.services.templates import TemplateService
from careplanner.services.users import UserService


@dataclass(frozen=True)
class Clock:
    """One source of "now" and "today", so tests and the demo can fix time."""

    now: Callable[[], datetime] = lambda: datetime.now(UTC)

    def today(self) -> date:
        return self.now().astimezone().date()


if TYPE_CHECKING:
    from careplanner.services.exports import ExportService
    from careplanner.services.fhir_import import FhirImportService


class Services:
    """The UI and the command line hold this; it holds the session factory, they never do."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        *,
        clock: Clock | None = None,
        demo: bool = False,
        paths: Paths | None = None,
        on_server: bool = False,
    ) -> None:
        self.clock = clock or Clock()
        # The practice server (PostgreSQL): sign-in is the server's, backups are the server's (pg_dump).
        self.on_server = on_server
        self.demo = demo
        # The store's folders, so every save dialog can refuse a path over the store (see output_guard.py).
        self.paths = paths
        self._sessions = sessions
        self.people = PeopleService(sessions, today=self.clock.today)
        self.plans = PlanService(sessions, now=self.clock.now)
        self.audit = AuditService(sessions)
        self.users = UserService(sessions)
        self.directory = LocalDirectoryService(sessions, now=self.clock.now, today=self.clock.today)
        self.templates = TemplateService(sessions, now=self.clock.now)
        self.practice = PracticeService(sessions, now=self.clock.now)
        self.clinical = ClinicalSupportService(today=self.clock.today)
        self.auth = AuthService(sessions, now=self.clock.now)
        self.backups = BackupService(sessions, now=self.clock.now)
        self.consultation = ConsultationService(sessions, now=self.clock.now)
        # Who is editing which draft on the practice server (a no-op on the local store).
        self.presence = PresenceService(sessions, on_server=on_server, now=self.clock.now)
        if on_server:
            announce_changes(sessions)  # other workstations' lists refresh when people or plans change

    @functools.cached_property
    def exports(self) -> ExportService:
        """Documents and FHIR; built on first use so start-up does not load reportlab and the FHIR models."""
        from careplanner.services.exports import ExportService

        return ExportService(self._sessions, now=self.clock.now, today=self.clock.today)

    @functools.cached_property
    def importer(self) -> FhirImportService:
        """FHIR record import; built on first use (it loads the FHIR models)."""
        from careplanner.services.fhir_import import FhirImportService

        return FhirImportService(self._sessions, now=self.clock.now, today=self.clock.today)
