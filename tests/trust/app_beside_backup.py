"""Helper process for the backup-beside-the-app test (not a test module): the app, autosaving.

Opens the store as the app does (taking the data folder's lock and the store file's identity lock), makes
a person and a draft, prints "ready", then autosaves the draft in a loop until the stop file appears. Each
save's start time and how long it took are printed at the end as JSON, with the last text saved.
"""

from __future__ import annotations

import json
import sys
import time
from datetime import date
from pathlib import Path

from careplanner.app import open_context
from careplanner.config import resolve_paths
from careplanner.services.people import PersonInput
from careplanner.services.plan_data import AboutMeData, AboutMeSection


def main(data_dir: str, passphrase: str, stop_file: str) -> int:
    ctx = open_context(resolve_paths(data_dir), passphrase=passphrase.encode(), create=False)
    try:
        actor = ctx.services.users.ensure_first_clinician()
        person = ctx.services.people.create(
            PersonInput(
                first_name="Wren",
                family_name="Autosave-Synthetic",
                date_of_birth=date(1951, 2, 3),
                nhs_number="943 476 5919",
            ),
            actor,
        )
        draft = ctx.services.plans.start_draft(person.id, actor)
        saves: list[tuple[float, float]] = []
        last = ""
        print("ready", flush=True)
        n = 0
        while not Path(stop_file).exists():
            n += 1
            last = f"what matters, save {n}"
            started = time.time()
            ctx.services.plans.save_section(
                draft.id, AboutMeSection(about=AboutMeData(what_matters=last)), actor
            )
            saves.append((started, time.time() - started))
            time.sleep(0.02)
        print(json.dumps({"saves": saves, "last": last, "draft": draft.id}), flush=True)
    finally:
        ctx.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
