"""The local directory on a real encrypted store: seeding, editing, two-step CSV import, export,
and turning an entry into a plan line."""

from __future__ import annotations

import pytest

from careplanner.app import AppContext
from careplanner.clinical.directory import Leaflet, Service, load_default_leaflets, load_default_services
from careplanner.clinical.enums import ReferralKind, ReferralStatus, ServiceCategory, UserRole
from careplanner.services.audit import Action
from careplanner.services.errors import NotAllowedError, NotFoundError, ValidationError
from careplanner.services.users import Actor

HEADER = "name,category,description,phone,email,website,address,referral_or_signposting\n"


def _names(ctx: AppContext) -> list[str]:
    return [e.name for e in ctx.services.directory.services()]


def test_first_use_seeds_the_starter_directory_once(ctx: AppContext, actor: Actor) -> None:
    directory = ctx.services.directory
    assert len(directory.services()) == len(load_default_services()) > 5
    assert len(directory.leaflets()) == len(load_default_leaflets()) > 3
    for entry in directory.services():
        directory.remove_service(entry.id, actor)
    # Removing everything must not bring the starter list back.
    assert directory.services() == []
    assert len(directory.leaflets()) == len(load_default_leaflets())


def test_add_edit_remove_service(ctx: AppContext, actor: Actor) -> None:
    directory = ctx.services.directory
    added = directory.save_service(
        Service("  Chair yoga  ", ServiceCategory.EXERCISE, phone="0113 496 0999"), actor
    )
    assert added.name == "Chair yoga"
    assert "Chair yoga" in _names(ctx)
    changed = directory.save_service(
        Service("Chair yoga (Tuesdays)", ServiceCategory.EXERCISE), actor, entry_id=added.id
    )
    assert changed.id == added.id
    assert "Chair yoga" not in _names(ctx)
    assert "Chair yoga (Tuesdays)" in _names(ctx)
    directory.remove_service(added.id, actor)
    assert "Chair yoga (Tuesdays)" not in _names(ctx)
    with pytest.raises(NotFoundError):
        directory.remove_service(added.id, actor)
    # Adding a removed name again brings it back.
    again = directory.save_service(Service("chair yoga (tuesdays)", ServiceCategory.EXERCISE), actor)
    assert again.id == added.id
    assert ctx.services.audit.entries(action=Action.SETTINGS_CHANGED)


def test_bad_service_is_refused_field_by_field(ctx: AppContext, actor: Actor) -> None:
    directory = ctx.services.directory
    with pytest.raises(ValidationError) as err:
        directory.save_service(Service("", phone="0113 49", email="no-at-sign", website="example"), actor)
    assert set(err.value.fields) == {"name", "phone", "email", "website"}
    first = directory.services()[0]
    with pytest.raises(ValidationError) as dup:
        directory.save_service(Service(first.name.upper()), actor)
    assert "already" in dup.value.fields["name"]


def test_read_only_user_cannot_change_the_directory(ctx: AppContext) -> None:
    viewer = ctx.services.users.create(
        username="viewer", display_name="Viewer", role=UserRole.READ_ONLY, actor=None
    )
    with pytest.raises(NotAllowedError):
        ctx.services.directory.save_service(Service("Lunch club"), viewer)


def test_preview_changes_nothing_until_applied(ctx: AppContext, actor: Actor) -> None:
    directory = ctx.services.directory
    before = _names(ctx)
    existing = before[0]
    data = (
        HEADER
        + "Lunch club,voluntary_sector,Hot lunch on Fridays,0113 496 0500,,,,signposting\n"
        + f"{existing},other,,,,,,\n"
        + "Lunch club,other,,,,,,\n"
        + "Bad phone club,other,,12345,,,,\n"
        + "Memory cafe,voluntary_sector,,,,,,\n"
    ).encode()
    report = directory.preview_import(data)
    assert [s.name for s in report.accepted] == ["Lunch club", "Memory cafe"]
    reasons = {row.line: row.reason for row in report.skipped}
    assert "already in the directory" in reasons[3]
    assert "repeats line 2" in reasons[4]
    assert "does not look like a UK number" in reasons[5]
    assert "2 rows ready to add; 3 skipped" in report.summary()
    assert _names(ctx) == before  # nothing changed by the preview

    result = directory.apply_import(report, actor)
    assert result.added == 2
    assert set(_names(ctx)) == {*before, "Lunch club", "Memory cafe"}
    assert ctx.services.audit.entries(action=Action.IMPORTED)[0].detail == "directory services=2"


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"title,phone\nSomething,0113 496 0100\n", "missing the column(s): name"),
        (HEADER.encode() + "Caf\u00e9 group,other\n".encode("latin-1"), "not UTF-8"),
        (b"", "empty"),
    ],
)
def test_bad_file_gives_a_clear_report_and_cannot_be_applied(
    ctx: AppContext, actor: Actor, data: bytes, problem: str
) -> None:
    directory = ctx.services.directory
    before = _names(ctx)
    report = directory.preview_import(data)
    assert not report.ok
    assert problem in report.summary()
    with pytest.raises(ValidationError):
        directory.apply_import(report, actor)
    assert _names(ctx) == before


def test_apply_skips_names_added_since_the_preview(ctx: AppContext, actor: Actor) -> None:
    directory = ctx.services.directory
    report = directory.preview_import((HEADER + "Lunch club,,,,,,,\nMemory cafe,,,,,,,\n").encode())
    directory.save_service(Service("LUNCH CLUB"), actor)
    result = directory.apply_import(report, actor)
    assert result.added == 1
    assert result.skipped_now == ("Lunch club",)
    assert sum(n.casefold() == "lunch club" for n in _names(ctx)) == 1


def test_leaflets_import_search_and_information_line(ctx: AppContext, actor: Actor) -> None:
    directory = ctx.services.directory
    report = directory.preview_import(
        b"title,topic,source,location\nKeeping warm in winter,Winter,Council,Reception\n", "leaflets"
    )
    assert [lf.title for lf in report.accepted] == ["Keeping warm in winter"]
    assert directory.apply_import(report, actor).added == 1
    found = directory.search_leaflets("keep warm")
    assert [e.title for e in found] == ["Keeping warm in winter"]
    line = directory.information_from(found[0])
    assert line.title == "Keeping warm in winter"
    assert line.source == "Council"
    assert line.given_on == ctx.services.clock.today()


def test_export_round_trips_through_import(ctx: AppContext, actor: Actor) -> None:
    directory = ctx.services.directory
    directory.save_service(Service("=SUM(A1) club", ServiceCategory.OTHER), actor)
    data = directory.export_csv()
    assert data.startswith(b"\xef\xbb\xbf")
    # Everything exported is already present, so a re-import would add nothing.
    report = directory.preview_import(data)
    assert report.ok
    assert report.accepted == ()
    assert len(report.skipped) == len(directory.services())
    leaflets = directory.export_csv("leaflets")
    assert directory.preview_import(leaflets, "leaflets").accepted == ()


def test_search_and_referral_line(ctx: AppContext, actor: Actor) -> None:
    directory = ctx.services.directory
    directory.save_service(
        Service(
            "Breathe easy group",
            ServiceCategory.VOLUNTARY_SECTOR,
            description="Singing for lung health",
            phone="0113 000 0777",
            kind=ReferralKind.SIGNPOSTING,
        ),
        actor,
    )
    hits = directory.search_services("lung")
    assert "Breathe easy group" in [h.name for h in hits]
    assert directory.search_services("breathe")[0].name == "Breathe easy group"
    assert all(
        h.service.category is ServiceCategory.EXERCISE
        for h in directory.search_services("", ServiceCategory.EXERCISE)
    )
    line = directory.referral_from(directory.search_services("breathe")[0])
    assert line.service == "Breathe easy group"
    assert line.kind is ReferralKind.SIGNPOSTING
    assert line.contact == "0113 000 0777"
    assert line.status is ReferralStatus.SUGGESTED
    assert line.made_on is None


def test_leaflet_edit_and_remove(ctx: AppContext, actor: Actor) -> None:
    directory = ctx.services.directory
    entry = directory.save_leaflet(Leaflet("Falls: staying steady", "Falls"), actor)
    with pytest.raises(ValidationError):
        directory.save_leaflet(Leaflet("falls: STAYING steady"), actor)
    directory.save_leaflet(Leaflet("Staying steady", "Falls"), actor, entry_id=entry.id)
    assert "Staying steady" in [e.title for e in directory.leaflets()]
    directory.remove_leaflet(entry.id, actor)
    assert "Staying steady" not in [e.title for e in directory.leaflets()]
