"""The practice's local directory of services and of information leaflets, as the UI sees it.

Choosing a service adds a referral or signposting line to the plan; choosing a leaflet adds an
"information given" line. Practices keep these lists in spreadsheets, so CSV import is two steps:
`preview_import` reads the file and says what it would add and what it would skip (and why), and
changes nothing; only `apply_import`, after the user confirms, writes — in one transaction.

Removing an entry hides it (`active = False`) rather than deleting the row: the directory is seeded
with the starter list only while the tables are completely empty, so a practice that removes every
starter entry does not get them back, and re-adding a removed name brings the row back.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Literal, overload

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from careplanner.clinical.csv_import import ImportReport, name_key
from careplanner.clinical.directory import (
    Leaflet,
    Service,
    leaflets_to_csv,
    load_default_leaflets,
    load_default_services,
    parse_leaflets_csv,
    parse_services_csv,
    search_services,
    services_to_csv,
)
from careplanner.clinical.enums import ReferralKind, ReferralStatus, ServiceCategory
from careplanner.clinical.example_numbers import is_example_number
from careplanner.clinical.practice import is_plausible_uk_phone
from careplanner.models import DirectoryService as ServiceRow
from careplanner.models import Leaflet as LeafletRow
from careplanner.services import audit
from careplanner.services.directory_words import meaning_matches, words_of
from careplanner.services.errors import NotAllowedError, NotFoundError, ValidationError
from careplanner.services.plan_data import InformationData, ReferralData
from careplanner.services.users import Actor

__all__ = [
    "EXAMPLE_MARK",
    "AppliedImport",
    "DirectoryKind",
    "LeafletEntry",
    "LocalDirectoryService",
    "ServiceEntry",
]

DirectoryKind = Literal["services", "leaflets"]
#: How an example number is marked wherever the app shows it.
EXAMPLE_MARK = "Example — replace"

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_WEBSITE = re.compile(r"(https?://|www\.)\S+", re.IGNORECASE)


@dataclass(frozen=True)
class ServiceEntry:
    """A service in the directory, with its id so the UI can edit or remove it."""

    id: str
    service: Service

    @property
    def name(self) -> str:
        return self.service.name

    @property
    def example_number(self) -> bool:
        """Its phone number is an example (the shipped starter list's): it must be replaced, and is
        never printed on a plan as if it could be rung."""
        return is_example_number(self.service.phone)


@dataclass(frozen=True)
class LeafletEntry:
    """A leaflet in the directory, with its id."""

    id: str
    leaflet: Leaflet

    @property
    def title(self) -> str:
        return self.leaflet.title


@dataclass(frozen=True)
class AppliedImport:
    """What a confirmed import did. `skipped_now` names entries added by someone else between the
    preview and the confirmation (they are left as they are)."""

    added: int
    skipped_now: tuple[str, ...] = ()


def _service_of(row: ServiceRow) -> ServiceEntry:
    return ServiceEntry(
        row.id,
        Service(
            name=row.name,
            category=ServiceCategory(row.category),
            description=row.description,
            phone=row.phone,
            email=row.email,
            website=row.website,
            address=row.address,
            kind=ReferralKind(row.referral_kind),
        ),
    )


def _leaflet_of(row: LeafletRow) -> LeafletEntry:
    return LeafletEntry(row.id, Leaflet(row.title, row.topic, row.source, row.location))


def _fill_service(row: ServiceRow, s: Service) -> None:
    row.name = s.name
    row.category = s.category.value
    row.description = s.description
    row.phone = s.phone
    row.email = s.email
    row.website = s.website
    row.address = s.address
    row.referral_kind = s.kind.value
    row.active = True


def _fill_leaflet(row: LeafletRow, lf: Leaflet) -> None:
    row.title = lf.title
    row.topic = lf.topic
    row.source = lf.source
    row.location = lf.location
    row.active = True


def _clean_service(s: Service) -> Service:
    return Service(
        s.name.strip(),
        s.category,
        s.description.strip(),
        s.phone.strip(),
        s.email.strip(),
        s.website.strip(),
        s.address.strip(),
        s.kind,
    )


def validate_service(s: Service) -> dict[str, str]:
    """Field -> plain message; the same checks the CSV import makes."""
    problems: dict[str, str] = {}
    if not s.name:
        problems["name"] = "Enter the name of the service."
    elif len(s.name) > 200:
        problems["name"] = "The name is too long (200 characters at most)."
    if len(s.description) > 2000:
        problems["description"] = "The description is too long (2,000 characters at most)."
    if s.phone and not is_plausible_uk_phone(s.phone):
        problems["phone"] = "This does not look like a UK phone number."
    if s.email and not _EMAIL.fullmatch(s.email):
        problems["email"] = "This email address is not valid."
    if s.website and not _WEBSITE.fullmatch(s.website):
        problems["website"] = "The website should start with https:// or www."
    if len(s.address) > 500:
        problems["address"] = "The address is too long (500 characters at most)."
    return problems


def validate_leaflet(lf: Leaflet) -> dict[str, str]:
    problems: dict[str, str] = {}
    if not lf.title:
        problems["title"] = "Enter the title of the leaflet."
    elif len(lf.title) > 200:
        problems["title"] = "The title is too long (200 characters at most)."
    for field_name, value, limit in (
        ("topic", lf.topic, 100),
        ("source", lf.source, 200),
        ("location", lf.location, 500),
    ):
        if len(value) > limit:
            problems[field_name] = f"This is too long ({limit} characters at most)."
    return problems


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.casefold().replace("'", ""))


class LocalDirectoryService:
    """List, search, edit, import and export the directory; turn an entry into a plan line."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        today: Callable[[], date] = date.today,
    ) -> None:
        self._sessions = sessions
        self._now = now
        self._today = today

    # ---- seeding ------------------------------------------------------------------------------------

    def _ensure_seeded(self) -> None:
        """Fill an empty directory with the shipped starter lists (once per store)."""
        with self._sessions() as session:
            has_services = session.scalar(select(func.count(ServiceRow.id))) or 0
            has_leaflets = session.scalar(select(func.count(LeafletRow.id))) or 0
        if has_services and has_leaflets:
            return
        with self._sessions.begin() as session:
            added = []
            if not has_services:
                for s in load_default_services():
                    row = ServiceRow()
                    _fill_service(row, s)
                    session.add(row)
                added.append("services")
            if not has_leaflets:
                for lf in load_default_leaflets():
                    leaflet_row = LeafletRow()
                    _fill_leaflet(leaflet_row, lf)
                    session.add(leaflet_row)
                added.append("leaflets")
            session.flush()
            audit.record(
                session,
                audit.Action.SETTINGS_CHANGED,
                user_id=None,
                detail="directory seeded: " + ", ".join(added),
                now=self._now,
            )

    # ---- reading ------------------------------------------------------------------------------------

    def services(self) -> list[ServiceEntry]:
        """Every service in the directory, by name."""
        self._ensure_seeded()
        with self._sessions() as session:
            rows = session.scalars(
                select(ServiceRow).where(ServiceRow.active.is_(True)).order_by(func.lower(ServiceRow.name))
            )
            return [_service_of(r) for r in rows]

    def leaflets(self) -> list[LeafletEntry]:
        """Every leaflet in the directory, by title."""
        self._ensure_seeded()
        with self._sessions() as session:
            rows = session.scalars(
                select(LeafletRow).where(LeafletRow.active.is_(True)).order_by(func.lower(LeafletRow.title))
            )
            return [_leaflet_of(r) for r in rows]

    def search_services(self, text: str, category: ServiceCategory | None = None) -> list[ServiceEntry]:
        """Services matching every typed word (name matches first); see clinical.directory."""
        entries = self.services()
        by_service = {e.service: e for e in entries}
        found = [by_service[s] for s in search_services(by_service, text, category)]
        # Then what the words mean ("lonely" finds the befriending service), after the typed words' own.
        pool = [e for e in entries if category is None or e.service.category is category]
        by_meaning = meaning_matches(
            pool, text, lambda e: words_of(f"{e.service.name} {e.service.description}")
        )
        return found + [e for e in by_meaning if e not in found]

    def search_leaflets(self, text: str) -> list[LeafletEntry]:
        """Leaflets whose title or topic has a word starting with every typed word; titles first."""
        query = _words(text)
        by_title: list[LeafletEntry] = []
        by_topic: list[LeafletEntry] = []
        for e in self.leaflets():
            title = _words(e.leaflet.title)
            everything = title + _words(e.leaflet.topic) + _words(e.leaflet.source)
            if all(any(w.startswith(q) for w in title) for q in query):
                by_title.append(e)
            elif all(any(w.startswith(q) for w in everything) for q in query):
                by_topic.append(e)
        by_meaning = meaning_matches(
            self.leaflets(), text, lambda e: words_of(f"{e.leaflet.title} {e.leaflet.topic}")
        )
        return by_title + by_topic + [e for e in by_meaning if e not in by_title and e not in by_topic]

    # ---- editing ------------------------------------------------------------------------------------

    @staticmethod
    def _require_editor(actor: Actor) -> None:
        if not (actor.can_edit_plans or actor.is_admin):
            raise NotAllowedError("Only clinicians and administrators can change the directory.")

    def _audit(self, session: Session, actor: Actor, action: str, detail: str) -> None:
        audit.record(session, action, user_id=actor.id, detail=detail, now=self._now)

    def save_service(self, service: Service, actor: Actor, *, entry_id: str | None = None) -> ServiceEntry:
        """Add a service (entry_id None) or change one. Names must be unique (case ignored)."""
        self._require_editor(actor)
        s = _clean_service(service)
        problems = validate_service(s)
        if problems:
            raise ValidationError(problems)
        self._ensure_seeded()
        with self._sessions.begin() as session:
            same_name = [
                r
                for r in session.scalars(select(ServiceRow))
                if name_key(r.name) == name_key(s.name) and r.id != entry_id
            ]
            if entry_id is None:
                if same_name and same_name[0].active:
                    raise ValidationError({"name": "A service with this name is already in the directory."})
                row = same_name[0] if same_name else ServiceRow()
                session.add(row)
            else:
                found = session.get(ServiceRow, entry_id)
                if found is None or not found.active:
                    raise NotFoundError("That service is no longer in the directory.")
                if same_name:
                    raise ValidationError({"name": "Another service already has this name."})
                row = found
            _fill_service(row, s)
            session.flush()
            self._audit(session, actor, audit.Action.SETTINGS_CHANGED, "directory service saved")
            return _service_of(row)

    def save_leaflet(self, leaflet: Leaflet, actor: Actor, *, entry_id: str | None = None) -> LeafletEntry:
        """Add a leaflet (entry_id None) or change one. Titles must be unique (case ignored)."""
        self._require_editor(actor)
        lf = Leaflet(
            leaflet.title.strip(), leaflet.topic.strip(), leaflet.source.strip(), leaflet.location.strip()
        )
        problems = validate_leaflet(lf)
        if problems:
            raise ValidationError(problems)
        self._ensure_seeded()
        with self._sessions.begin() as session:
            same = [
                r
                for r in session.scalars(select(LeafletRow))
                if name_key(r.title) == name_key(lf.title) and r.id != entry_id
            ]
            if entry_id is None:
                if same and same[0].active:
                    raise ValidationError({"title": "A leaflet with this title is already in the directory."})
                row = same[0] if same else LeafletRow()
                session.add(row)
            else:
                found = session.get(LeafletRow, entry_id)
                if found is None or not found.active:
                    raise NotFoundError("That leaflet is no longer in the directory.")
                if same:
                    raise ValidationError({"title": "Another leaflet already has this title."})
                row = found
            _fill_leaflet(row, lf)
            session.flush()
            self._audit(session, actor, audit.Action.SETTINGS_CHANGED, "directory leaflet saved")
            return _leaflet_of(row)

    def remove_service(self, entry_id: str, actor: Actor) -> None:
        """Take a service out of the directory. Plans that already name it keep their line."""
        self._require_editor(actor)
        with self._sessions.begin() as session:
            row = session.get(ServiceRow, entry_id)
            if row is None or not row.active:
                raise NotFoundError("That service is no longer in the directory.")
            row.active = False
            self._audit(session, actor, audit.Action.SETTINGS_CHANGED, "directory service removed")

    def remove_leaflet(self, entry_id: str, actor: Actor) -> None:
        """Take a leaflet out of the directory. Plans that already list it keep their line."""
        self._require_editor(actor)
        with self._sessions.begin() as session:
            row = session.get(LeafletRow, entry_id)
            if row is None or not row.active:
                raise NotFoundError("That leaflet is no longer in the directory.")
            row.active = False
            self._audit(session, actor, audit.Action.SETTINGS_CHANGED, "directory leaflet removed")

    # ---- CSV import and export ----------------------------------------------------------------------

    @overload
    def preview_import(self, data: bytes, kind: Literal["services"] = ...) -> ImportReport[Service]: ...

    @overload
    def preview_import(self, data: bytes, kind: Literal["leaflets"]) -> ImportReport[Leaflet]: ...

    def preview_import(
        self, data: bytes, kind: DirectoryKind = "services"
    ) -> ImportReport[Service] | ImportReport[Leaflet]:
        """What importing `data` would add and skip, with reasons. Changes nothing."""
        if kind == "services":
            return parse_services_csv(data, existing=[e.name for e in self.services()])
        return parse_leaflets_csv(data, existing=[e.title for e in self.leaflets()])

    def apply_import(
        self, report: ImportReport[Service] | ImportReport[Leaflet], actor: Actor
    ) -> AppliedImport:
        """Add the rows a previewed report accepted, in one transaction (all or nothing)."""
        self._require_editor(actor)
        if not report.ok:
            raise ValidationError({"file": report.summary()})
        self._ensure_seeded()
        items: Sequence[Service | Leaflet] = report.accepted
        with self._sessions.begin() as session:
            services = {name_key(r.name): r for r in session.scalars(select(ServiceRow))}
            leaflets = {name_key(r.title): r for r in session.scalars(select(LeafletRow))}
            added = 0
            skipped: list[str] = []
            for item in items:
                if isinstance(item, Service):
                    row = services.get(name_key(item.name))
                    if row is not None and row.active:
                        skipped.append(item.name)
                        continue
                    new_row = row or ServiceRow()
                    _fill_service(new_row, item)
                    session.add(new_row)
                else:
                    lrow = leaflets.get(name_key(item.title))
                    if lrow is not None and lrow.active:
                        skipped.append(item.title)
                        continue
                    new_lrow = lrow or LeafletRow()
                    _fill_leaflet(new_lrow, item)
                    session.add(new_lrow)
                added += 1
            session.flush()
            if added:
                what = "leaflets" if isinstance(items[0], Leaflet) else "services"
                self._audit(session, actor, audit.Action.IMPORTED, f"directory {what}={added}")
            return AppliedImport(added, tuple(skipped))

    def export_csv(self, kind: DirectoryKind = "services") -> bytes:
        """The directory as CSV in the columns the import reads (so it round-trips)."""
        if kind == "services":
            return services_to_csv(e.service for e in self.services())
        return leaflets_to_csv(e.leaflet for e in self.leaflets())

    # ---- into the plan ------------------------------------------------------------------------------

    def referral_from(self, service: Service | ServiceEntry) -> ReferralData:
        """A referral (or signposting) line for the plan; the clinician adds the reason."""
        s = service.service if isinstance(service, ServiceEntry) else service
        contact = s.phone or s.email or s.website
        if is_example_number(s.phone):
            # A shipped example: marked so the clinician replaces it; the person's copy leaves it out.
            contact = f"{s.phone} ({EXAMPLE_MARK})"
        return ReferralData(
            service=s.name,
            kind=s.kind,
            contact=contact,
            status=ReferralStatus.SUGGESTED,
        )

    def information_from(self, leaflet: Leaflet | LeafletEntry) -> InformationData:
        """An "information given" line, dated today."""
        lf = leaflet.leaflet if isinstance(leaflet, LeafletEntry) else leaflet
        return InformationData(title=lf.title, source=lf.source, given_on=self._today())
