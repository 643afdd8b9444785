"""The checks made once the faults are over and every workstation has synced (Fleet.converge):

- every replica holds exactly what the server holds (every synced table, row by row);
- nothing lost: every text a workstation saved is on the server, in a draft, a second draft or an agreed
  version, unless someone later replaced it having seen it;
- nothing doubled: every agreement is one agreed version on the server, every person added is one person,
  no version number used twice for one person;
- every person with two drafts has an open conflict naming them, and every replica lists every open
  conflict;
- no agreed version changed since it was first seen on the server (`Baseline`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import text

from tests.sync_support import compare
from tests.sync_support.fleet import Fleet


@dataclass
class Baseline:
    """What the server held before the run: counted out of the totals; agreed versions kept to compare."""

    people: int
    frozen: int
    seen_frozen: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, snap: compare.Snapshot) -> Baseline:
        return cls(len(snap["person"]), compare.frozen_count(snap), compare.frozen_versions(snap))

    def remember(self, snap: compare.Snapshot) -> list[str]:
        """Agreed versions that changed since last seen; then remember the new ones."""
        now = compare.frozen_versions(snap)
        changed = compare.changed_versions(self.seen_frozen, now)
        self.seen_frozen.update(now)
        return changed


def lost_texts(events: list[dict[str, Any]], on_server: set[str]) -> list[str]:
    """Saved texts the server does not hold and nobody replaced having seen them."""
    saved = {e["text"] for e in events if e["ev"] == "save"}
    replaced = {e["replaced"] for e in events if e["ev"] == "save" and e.get("replaced")}
    agreed = {t for e in events if e["ev"] == "agree" for t in e["texts"] if t}
    return sorted((saved - replaced - on_server) | (agreed - on_server))


def story(fleet: Fleet, server: compare.Snapshot, events: list[dict[str, Any]], texts: list[str]) -> str:
    """What happened to these texts' people, for the failure message: the workstations' events and the
    server's plans and audit entries for them (ids, actions and markers only)."""
    lines: list[str] = []
    people = {e["person"] for e in events if e.get("text") in texts and "person" in e}
    plans = {pid for pid, row in server["care_plan"].items() if row["person_id"] in people}
    plans |= {e["plan"] for e in events if e.get("person") in people and "plan" in e}
    for e in sorted(events, key=lambda e: e["t"]):
        if e.get("person") in people or e.get("plan") in plans:
            shown = {
                k: v for k, v in e.items() if k in ("station", "ev", "plan", "text", "replaced", "revision")
            }
            lines.append(f"  {e['t']:.2f} {shown}")
    for pid in sorted(plans):
        row = server["care_plan"].get(pid)
        held = sorted(compare.MARKER.findall(json.dumps(compare.plan_rows(server).get(pid, {}))))
        lines.append(f"  server plan {pid[:8]}: {row and (row['status'], row['revision'])} holds {held}")
    engine = fleet.practice.superuser_engine()
    try:
        with engine.connect() as conn:
            for seq, action, plan, user, detail in conn.execute(
                text(
                    "SELECT a.seq, a.action, a.plan_id, u.username, a.detail FROM audit_event a "
                    "LEFT JOIN app_user u ON u.id = a.user_id WHERE a.plan_id = ANY(:p) ORDER BY a.seq"
                ),
                {"p": sorted(plans)},
            ):
                lines.append(f"  audit {seq} {action} plan {str(plan)[:8]} by {user}: {detail[:80]}")
    finally:
        engine.dispose()
    return "\n".join(lines)


def check(fleet: Fleet, baseline: Baseline) -> dict[str, int]:
    """Every invariant, with assertion messages that name what broke; a few totals for the report."""
    server = fleet.practice.snapshot()
    replicas = fleet.snapshots()
    events = fleet.events()
    bugs = [e for e in events if e["ev"] == "bug"]
    assert not bugs, f"{bugs[0]['station']}: {bugs[0]['trace']}"

    lost = lost_texts(events, compare.markers_in(server))
    assert not lost, f"{len(lost)} saved texts are nowhere on the server, e.g. {lost[:5]}\n" + story(
        fleet, server, events, lost[:2]
    )

    for station, replica in zip(fleet.stations, replicas, strict=True):
        listed = replica.pop("_listed_conflicts")["count"]["n"]
        diffs = compare.differences(server, replica)
        assert not diffs, f"{station.name}'s replica differs from the server:\n" + "\n".join(diffs)
        assert listed == len(compare.open_conflicts(server)), (
            f"{station.name} lists {listed} conflicts; the server has {len(compare.open_conflicts(server))}"
        )
    created = [e["person"] for e in events if e["ev"] == "create"]
    assert len(set(created)) == len(created)
    missing_people = set(created) - set(server["person"])
    assert not missing_people, f"{len(missing_people)} people added on workstations are not on the server"
    assert len(server["person"]) == baseline.people + len(created), "a person was added twice"

    # Each agreement is one agreed version (two workstations agreeing the same draft as it is make one);
    # what it held is in an agreed version on the server.
    agreements = [e for e in events if e["ev"] == "agree"]
    frozen = compare.frozen_count(server)
    distinct = len({e["plan"] for e in agreements})
    assert baseline.frozen + distinct <= frozen <= baseline.frozen + len(agreements), (
        f"{frozen} agreed versions on the server for {baseline.frozen} before and {len(agreements)} "
        f"agreements made ({distinct} plans)"
    )
    in_versions = compare.markers_in(compare.only_frozen(server))
    unkept = sorted(
        {t for e in agreements for t in e["texts"] if t and compare.MARKER.fullmatch(t)} - in_versions
    )
    assert not unkept, f"{len(unkept)} agreed texts are in no agreed version on the server: {unkept[:5]}"
    doubled = compare.doubled_versions(server)
    assert not doubled, f"version numbers used twice: {doubled[:5]}"

    unlisted = compare.unlisted_branches(server)
    assert not unlisted, f"{len(unlisted)} people have two drafts and no conflict naming them"

    changed = baseline.remember(server)
    assert not changed, f"{len(changed)} agreed versions changed on the server: {changed[:5]}"
    return {
        "saves": sum(1 for e in events if e["ev"] == "save"),
        "agreements": len(agreements),
        "created": len(created),
        "conflicts": len(compare.open_conflicts(server)),
    }
