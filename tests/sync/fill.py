"""A small practice with one of every kind of document, made through the real services (sync tests)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from careplanner.app import AppContext
from careplanner.clinical.contingency_templates import load_default_templates
from careplanner.clinical.directory import Leaflet, Service
from careplanner.clinical.enums import UserRole
from careplanner.export.sample import SAMPLE_PRACTICE, sample_content, sample_person
from careplanner.services.plan_data import SECTION_TYPES
from careplanner.services.users import Actor
from tests.conftest import make_person


@dataclass(frozen=True)
class Filled:
    person_id: str
    agreed_id: str
    draft_id: str
    declined_person_id: str
    declined_id: str


def fill_practice(ctx: AppContext, actor: Actor) -> Filled:
    """Users, practice details, a local service, a leaflet, an edited template; one person with an agreed
    plan (every section filled) and a new draft carried forward from it; one person who declined."""
    services = ctx.services
    admin = services.users.by_username("sync-admin") or services.users.create(
        username="sync-admin", display_name="Synthetic Admin", role=UserRole.ADMIN, actor=None
    )
    services.practice.update(SAMPLE_PRACTICE, admin)
    services.directory.save_service(Service("Synthetic Walking Group", phone="0113 496 0999"), actor)
    services.directory.save_leaflet(Leaflet("Synthetic leaflet on breathing", topic="COPD"), actor)
    first = load_default_templates()[0]
    services.templates.save(dataclasses.replace(first, name=first.name + " (practice)"), actor)
    person = services.people.create(sample_person(large_print=True).details, actor)
    draft = services.plans.start_draft(person.id, actor)
    content = sample_content()
    for key in SECTION_TYPES:
        services.plans.save_section(draft.id, content.section(key), actor)
    agreed = services.plans.agree(draft.id, actor)
    second = services.plans.start_draft(person.id, actor)
    other = services.people.create(make_person(first_name="Ieuan", family_name="Synthetic-Declines"), actor)
    declined_draft = services.plans.start_draft(other.id, actor)
    declined = services.plans.decline(declined_draft.id, actor, reason="I would rather not have one")
    return Filled(person.id, agreed.id, second.id, other.id, declined.id)
