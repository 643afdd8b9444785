"""The practice's local directory of services and of information leaflets.

Choosing a service in the plan adds a referral or signposting line; choosing a leaflet adds an
"information given" line. Practices keep these lists in spreadsheets, so both import from and
export to CSV (see csv_import for how bad files are reported). A synthetic starter directory
ships in resources/clinical (generic names, Ofcom drama phone numbers, example.org addresses).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files

from careplanner.clinical.csv_import import Column, ImportReport, parse_csv, write_csv
from careplanner.clinical.enums import ReferralKind, ServiceCategory
from careplanner.clinical.practice import is_plausible_uk_phone

__all__ = [
    "LEAFLET_COLUMNS",
    "SERVICE_COLUMNS",
    "Leaflet",
    "Service",
    "leaflets_to_csv",
    "load_default_leaflets",
    "load_default_services",
    "parse_leaflets_csv",
    "parse_services_csv",
    "search_services",
    "services_to_csv",
]

SERVICE_COLUMNS = (
    Column("name", required=True, max_length=200),
    Column("category", max_length=50),
    Column("description", max_length=2000),
    Column("phone", max_length=40, aliases=("telephone", "tel")),
    Column("email", max_length=254, aliases=("e_mail",)),
    Column("website", max_length=500, aliases=("url", "web")),
    Column("address", max_length=500),
    Column("referral_or_signposting", max_length=20, aliases=("referral", "type")),
)
LEAFLET_COLUMNS = (
    Column("title", required=True, max_length=200),
    Column("topic", max_length=100),
    Column("source", max_length=200),
    Column("location", max_length=500, aliases=("url", "where")),
)

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_WEBSITE = re.compile(r"(https?://|www\.)\S+", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Service:
    """A local service. `kind` says whether the practice refers or only signposts."""

    name: str
    category: ServiceCategory = ServiceCategory.OTHER
    description: str = ""
    phone: str = ""
    email: str = ""
    website: str = ""
    address: str = ""
    kind: ReferralKind = ReferralKind.SIGNPOSTING


@dataclass(frozen=True, slots=True)
class Leaflet:
    """An information leaflet; `location` is a web address or where it is kept ("reception")."""

    title: str
    topic: str = ""
    source: str = ""
    location: str = ""


def _enum_key(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.casefold().replace("'", "")).strip("_")


def _category(text: str) -> ServiceCategory | None:
    if not text:
        return ServiceCategory.OTHER
    key = _enum_key(text.replace("&", " and "))
    try:
        return ServiceCategory(key)
    except ValueError:
        return None


def _build_service(row: Mapping[str, str]) -> Service | str:
    category = _category(row["category"])
    if category is None:
        allowed = ", ".join(c.value.replace("_", " ") for c in ServiceCategory)
        return f"the category '{row['category']}' is not one of: {allowed}"
    kind_text = _enum_key(row["referral_or_signposting"]) or ReferralKind.SIGNPOSTING.value
    try:
        kind = ReferralKind(kind_text)
    except ValueError:
        return "'referral_or_signposting' must be 'referral' or 'signposting'"
    if row["phone"] and not is_plausible_uk_phone(row["phone"]):
        return f"the phone number '{row['phone']}' does not look like a UK number"
    if row["email"] and not _EMAIL.fullmatch(row["email"]):
        return f"the email address '{row['email']}' is not valid"
    if row["website"] and not _WEBSITE.fullmatch(row["website"]):
        return "the website should start with https:// or www."
    return Service(
        name=row["name"],
        category=category,
        description=row["description"],
        phone=row["phone"],
        email=row["email"],
        website=row["website"],
        address=row["address"],
        kind=kind,
    )


def _build_leaflet(row: Mapping[str, str]) -> Leaflet | str:
    return Leaflet(row["title"], row["topic"], row["source"], row["location"])


def parse_services_csv(data: bytes, existing: Iterable[str] = ()) -> ImportReport[Service]:
    """Read a services CSV; `existing` are names already in the directory (duplicates skipped)."""
    return parse_csv(data, SERVICE_COLUMNS, _build_service, lambda s: s.name, existing)


def parse_leaflets_csv(data: bytes, existing: Iterable[str] = ()) -> ImportReport[Leaflet]:
    """Read a leaflets CSV; `existing` are titles already in the directory."""
    return parse_csv(data, LEAFLET_COLUMNS, _build_leaflet, lambda lf: lf.title, existing)


def services_to_csv(services: Iterable[Service]) -> bytes:
    """Export in the same columns `parse_services_csv` reads."""
    rows = (
        (s.name, s.category.value, s.description, s.phone, s.email, s.website, s.address, s.kind.value)
        for s in services
    )
    return write_csv([c.name for c in SERVICE_COLUMNS], rows)


def leaflets_to_csv(leaflets: Iterable[Leaflet]) -> bytes:
    """Export in the same columns `parse_leaflets_csv` reads."""
    rows = ((lf.title, lf.topic, lf.source, lf.location) for lf in leaflets)
    return write_csv([c.name for c in LEAFLET_COLUMNS], rows)


def search_services(
    services: Iterable[Service], text: str, category: ServiceCategory | None = None
) -> list[Service]:
    """Services whose name or description has words starting with every word of `text`;
    names that match come before descriptions that match."""
    query = _enum_key(text).split("_") if text.strip() else []
    by_name: list[Service] = []
    by_text: list[Service] = []
    for s in services:
        if category is not None and s.category is not category:
            continue
        name_words = _enum_key(s.name).split("_")
        all_words = name_words + _enum_key(s.description).split("_")
        if all(any(w.startswith(q) for w in name_words) for q in query):
            by_name.append(s)
        elif all(any(w.startswith(q) for w in all_words) for q in query):
            by_text.append(s)
    return by_name + by_text


@lru_cache(maxsize=1)
def load_default_services() -> tuple[Service, ...]:
    """The synthetic starter directory shipped with the app."""
    data = (files("careplanner.resources") / "clinical" / "services.csv").read_bytes()
    return parse_services_csv(data).accepted


@lru_cache(maxsize=1)
def load_default_leaflets() -> tuple[Leaflet, ...]:
    """The starter list of information leaflets shipped with the app."""
    data = (files("careplanner.resources") / "clinical" / "leaflets.csv").read_bytes()
    return parse_leaflets_csv(data).accepted
