"""The seeded random work one workstation does, through the same service calls the app makes.

A step is one of: add a person; open a person and type into a section of their draft (what matters to
them, or their social context) and save it; open a person and agree their plan. People are chosen from
`shared` (people every workstation works on: the races) and those this workstation added. Each typed text
is a unique marker (`compare.MARKER`: wNN-NNNNNN-hhhhhh) and each outcome is one JSON line in the log,
written after the call returned: a `save` names the plan, the field, the marker and the text it replaced
(what this workstation saw there), so the test can tell a lost edit from one a colleague overwrote having
seen it. Only synthetic people; the log holds ids and markers, nothing else.
"""

from __future__ import annotations

import dataclasses
import json
import random
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from careplanner.services.container import Services
from careplanner.services.draft_copy import DraftCopy, StaleCopyError
from careplanner.services.errors import NotADraftError
from careplanner.services.people import PersonInput
from careplanner.services.plan_data import PlanContent, Section
from careplanner.services.users import Actor

FIELDS = ("about_me", "holistic")
FAMILY = ("Syncwell", "Offlinson", "Replicant", "Mergeford", "Outboxley", "Cursorby")


class Log:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._file = path.open("a", encoding="utf-8")

    def write(self, ev: str, **fields: Any) -> None:
        self._file.write(json.dumps({"ev": ev, "t": time.time(), **fields}) + "\n")
        self._file.flush()

    def close(self) -> None:
        self._file.close()


def read_log(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def field_text(content: PlanContent, key: str) -> str:
    if key == "about_me":
        return content.about_me.about.what_matters
    return content.holistic.review.social_context


def with_text(content: PlanContent, key: str, text: str) -> Section:
    """The section as the editor sends it after the person typed `text` into its field."""
    if key == "about_me":
        about = content.about_me
        return dataclasses.replace(about, about=dataclasses.replace(about.about, what_matters=text))
    holistic = content.holistic
    return dataclasses.replace(holistic, review=dataclasses.replace(holistic.review, social_context=text))


class Script:
    """One workstation's person at work. `number` (0-99) names its markers."""

    def __init__(
        self,
        services: Services,
        actor: Actor,
        log: Log,
        *,
        number: int,
        seed: int,
        shared: list[str],
        weights: tuple[float, float, float] = (0.1, 0.75, 0.15),
    ) -> None:
        self.services = services
        self.actor = actor
        self.log = log
        self.number = number
        self.rng = random.Random(seed)
        self.shared = list(shared)
        self.mine: list[str] = []
        self.weights = weights
        self.typed = 0
        self.last_plan = ""  # the plan the last save went into
        self.counts = {"create": 0, "save": 0, "agree": 0, "refused": 0}

    def marker(self) -> str:
        self.typed += 1
        return f"w{self.number:02d}-{self.typed:06d}-{self.rng.getrandbits(24):06x}"

    def person(self) -> str:
        if not self.mine or (self.shared and self.rng.random() < 0.7):
            pool = self.shared or self.mine
        else:
            pool = self.mine
        return self.rng.choice(pool)

    def step(self) -> str:
        roll = self.rng.random()
        create, save, _agree = self.weights
        if roll < create or not (self.shared or self.mine):
            self.create()
            return "create"
        if roll < create + save:
            self.save(self.person(), self.rng.choice(FIELDS))
            return "save"
        self.agree(self.person())
        return "agree"

    def create(self) -> str:
        born = date(1930 + self.rng.randrange(70), 1 + self.rng.randrange(12), 1 + self.rng.randrange(28))
        data = PersonInput(
            first_name=self.rng.choice(("Ada", "Bea", "Cal", "Dee", "Eli", "Fay")),
            family_name=self.rng.choice(FAMILY),
            date_of_birth=born,
        )
        record = self.services.people.create(data, self.actor)
        self.mine.append(record.id)
        self.counts["create"] += 1
        self.log.write("create", person=record.id)
        return record.id

    def save(self, person_id: str, key: str, text: str | None = None) -> str | None:
        """Open the person (their draft, started if need be) and save `text` (a new marker) into `key`."""
        opened = self.services.consultation.open_for_consultation(person_id, self.actor)
        plan = opened.plan
        assert opened.editable and plan is not None
        text = text or self.marker()
        replaced = field_text(plan.content, key)
        copy = DraftCopy(self.services.plans, plan.id, plan.revision, plan.content)
        try:
            result = copy.save(with_text(plan.content, key, text), self.actor)
        except (StaleCopyError, NotADraftError) as exc:
            self.counts["refused"] += 1
            self.log.write("refused", plan=plan.id, field=key, text=text, kind=type(exc).__name__)
            return None
        self.counts["save"] += 1
        self.last_plan = result.plan_id
        self.log.write(
            "save", person=person_id, plan=result.plan_id, field=key, text=text, replaced=replaced,
            revision=result.revision,
        )  # fmt: skip
        return text

    def agree(self, person_id: str) -> str | None:
        opened = self.services.consultation.open_for_consultation(person_id, self.actor)
        plan = opened.plan
        assert opened.editable and plan is not None
        try:
            version = self.services.plans.agree(
                plan.id, self.actor, review_date=self.services.clock.today() + timedelta(days=180)
            )
        except (StaleCopyError, NotADraftError) as exc:
            self.counts["refused"] += 1
            self.log.write("refused", plan=plan.id, kind=type(exc).__name__)
            return None
        self.counts["agree"] += 1
        texts = [field_text(version.content, key) for key in FIELDS]
        self.log.write("agree", person=person_id, plan=version.id, texts=texts, number=version.version_number)
        return version.id
