"""Helper process for the no-patient-data test (not a test module).

Runs part of a working day the way the app does, with the app's logging switched on: people are added,
an appointment fills in and agrees a plan, a bug is raised with a patient's name in its message and goes
through the crash handler. The test then searches every file left behind.
"""

from __future__ import annotations

import sys
import tempfile
from datetime import date

from careplanner.app import open_context, setup_logging
from careplanner.config import resolve_paths
from careplanner.crashlog import install_excepthook
from careplanner.services.people import PersonInput
from careplanner.services.plan_data import AboutMeData, AboutMeSection, MedicalReviewData, MedicalSection

PEOPLE = [
    ("Wilhelmina", "Quakenbush-Synthetic", "999 339 5633"),
    ("Bartholomew", "Fennimore-Synthetic", "999 993 9082"),
    ("Ottoline", "Grisewood-Synthetic", "999 158 1766"),
]
SECRET_PHRASE = "my budgerigar Pemberton-Synthetic"


def main() -> None:
    data_dir, passphrase = sys.argv[1], sys.argv[2].encode()
    paths = resolve_paths(data_dir)
    paths.ensure()
    setup_logging(paths, verbose=True)
    install_excepthook()
    ctx = open_context(paths, passphrase=passphrase)
    actor = ctx.services.users.ensure_first_clinician()
    ids = []
    for first, family, nhs in PEOPLE:
        record = ctx.services.people.create(
            PersonInput(first_name=first, family_name=family, date_of_birth=date(1950, 5, 6), nhs_number=nhs),
            actor,
        )
        ids.append(record.id)
    ctx.services.people.search("Quakenbush")
    for person_id in ids:
        ctx.services.people.open(person_id, actor)
        draft = ctx.services.plans.start_draft(person_id, actor)
        ctx.services.plans.save_section(
            draft.id, AboutMeSection(about=AboutMeData(what_matters=SECRET_PHRASE)), actor
        )
        ctx.services.plans.save_section(
            draft.id, MedicalSection(review=MedicalReviewData(notes=f"{SECRET_PHRASE} notes")), actor
        )
        ctx.services.plans.agree(draft.id, actor, review_date=date(2027, 5, 1))
    # A temporary file made the ordinary way lands in TMPDIR, which the test searches too.
    with tempfile.TemporaryFile() as scratch:
        scratch.write(b"scratch")
    ctx.close()
    # A bug whose message quotes a patient: the crash handler must log where, never what.
    raise ValueError(f"could not handle {PEOPLE[0][0]} {PEOPLE[0][1]} {PEOPLE[0][2]}")


if __name__ == "__main__":
    main()
