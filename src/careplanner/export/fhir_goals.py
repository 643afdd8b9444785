"""Read the Goals of an incoming FHIR bundle, with the actions of the CarePlans that point to them.

Part of `fhir_read`, whose reader is passed in as a `BundleReader`. Goals entered in error, rejected or
cancelled are not imported (this app's own "cancelled / not attainable", its "no longer wanted", still
comes in), nor the goals and actions of a CarePlan entered in error or revoked; each is listed with where
and why.
"""

from __future__ import annotations

from typing import Any, Protocol

from careplanner.clinical.enums import ActionStatus, GoalStatus
from careplanner.export.fhir_export import ACTIVITY_STATUS
from careplanner.export.fhir_json import concept_text as _concept_text
from careplanner.export.fhir_json import dict_of as _dict
from careplanner.export.fhir_json import list_of as _list
from careplanner.export.fhir_json import text_of as _s
from careplanner.services.plan_data import ActionData, GoalData

GOAL_OF = {
    ("active", "improving"): GoalStatus.PARTLY_ACHIEVED,
    ("completed", "achieved"): GoalStatus.ACHIEVED,
    ("completed", "not-achieved"): GoalStatus.NOT_ACHIEVED,
    ("cancelled", "not-attainable"): GoalStatus.NO_LONGER_WANTED,
}
ACTION_OF = {v: k for k, v in ACTIVITY_STATUS.items()}
# Goals and CarePlans that say they are void. A goal "cancelled" as "not-attainable" is this app's own
# "no longer wanted" (GOAL_OF) and still comes in.
VOID_GOAL = frozenset({"entered-in-error", "rejected", "cancelled"})
VOID_CAREPLAN = frozenset({"entered-in-error", "revoked"})


class BundleReader(Protocol):
    """What reading goals needs from the bundle reader: its entries and its ways to report."""

    entries: list[tuple[dict[str, Any], dict[str, Any]]]

    def of_kind(self, *kinds: str) -> list[tuple[int, dict[str, Any]]]: ...

    def check_subject(self, index: int, kind: str, res: dict[str, Any], key: str) -> None: ...

    def problem(self, index: int, kind: str, path: str, what: str) -> None: ...

    def skip(self, index: int, kind: str, why: str) -> None: ...


def read_goals(reader: BundleReader) -> tuple[GoalData, ...]:
    actions: dict[str, list[ActionData]] = {}
    void: set[str] = set()  # goals of a CarePlan recorded in error or revoked
    for p, plan in reader.of_kind("CarePlan"):
        plan_status = _s(plan.get("status"))
        if plan_status in VOID_CAREPLAN:
            reader.skip(p, "CarePlan", f"status {plan_status}, so its goals and actions are not imported")
            void |= {_s(_dict(g).get("reference")) for g in _list(plan.get("goal"))}
            for activity in _list(plan.get("activity")):
                detail = _dict(_dict(activity).get("detail"))
                void |= {_s(_dict(g).get("reference")) for g in _list(detail.get("goal"))}
            continue
        for activity in _list(plan.get("activity")):
            detail = _dict(_dict(activity).get("detail"))
            for goal_ref in _list(detail.get("goal")):
                ref = _s(_dict(goal_ref).get("reference"))
                performer = _dict((_list(detail.get("performer")) or [{}])[0])
                actions.setdefault(ref, []).append(
                    ActionData(
                        what=_s(detail.get("description")),
                        who_name=_s(performer.get("display")),
                        when=_s(detail.get("scheduledString")),
                        status=ACTION_OF.get(_s(detail.get("status")), ActionStatus.PLANNED),
                    )
                )
    out = []
    for i, res in reader.of_kind("Goal"):
        reader.check_subject(i, "Goal", res, "subject")
        text = _concept_text(res.get("description"))
        if not text:
            reader.problem(i, "Goal", "description", "the goal has no words")
        achievement = next(
            (_s(_dict(c).get("code")) for c in _list(_dict(res.get("achievementStatus")).get("coding"))),
            "",
        )
        lifecycle = _s(res.get("lifecycleStatus"))
        status = GOAL_OF.get((lifecycle, achievement), GoalStatus.ACTIVE)
        entry = reader.entries[i][0]
        refs = {_s(entry.get("fullUrl")), f"Goal/{_s(res.get('id'))}"} - {"", "Goal/"}
        if lifecycle in VOID_GOAL and (lifecycle, achievement) not in GOAL_OF:
            reader.skip(i, "Goal", f"status {lifecycle}, so not imported")
            continue
        if refs & void:
            reader.skip(i, "Goal", "belongs to a CarePlan recorded in error or revoked, so not imported")
            continue
        goal_actions = [a for ref in refs for a in actions.get(ref, [])]
        outcome = "; ".join(
            _s(_dict(n).get("text")) for n in _list(res.get("note")) if _s(_dict(n).get("text"))
        )
        out.append(GoalData(text=text, status=status, outcome=outcome, actions=tuple(goal_actions)))
    return tuple(out)
