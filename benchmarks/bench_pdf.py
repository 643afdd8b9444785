"""The person's PDF for a full plan, beside a bare-reportlab floor, and the target from DESIGN.md.

    .venv/bin/python benchmarks/bench_pdf.py [--repeat 30]

The floor lays out about the same words as the person's copy, as plain paragraphs, with
bare reportlab and its built-in Helvetica: no shipped font, no tables, no page frame. The ratio says what
the layout and the embedded Unicode font cost. Numbers, not pass/fail.
"""

from __future__ import annotations

import argparse
import io
import statistics
import time
from collections.abc import Callable

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.platypus import Paragraph, SimpleDocTemplate

from careplanner.export.person_copy import render_person_copy
from careplanner.export.sample import SAMPLE_PRACTICE, sample_person, sample_plan

TARGET_MS = 250.0


def _timed(fn: Callable[[], object], repeat: int) -> float:
    fn()  # warm: fonts registered, modules imported, as in a running app
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def _floor_words() -> list[str]:
    """The same amount of text as the person's copy, as plain lines (ASCII so Helvetica can set it)."""
    plan = sample_plan()
    c = plan.content
    words = ["My care and support plan", c.about_me.about.what_matters]
    for p in c.contingency.plans:
        words += [p.name, p.green_what_i_do, p.amber_what_i_do, p.red_what_i_do, *p.warning_signs]
    for g in c.goals.goals:
        words += [g.text, *(a.what for a in g.actions)]
    for m in c.medical.medicines:
        words += [m.name, m.dose, m.how_taken, m.purpose]
    words += [r.service for r in c.goals.referrals] + [i.title for i in c.goals.information_given]
    words += [c.future_wishes.wishes.preferred_place_of_care, c.sharing.sharing.copies_given_to]
    return [w.encode("ascii", "replace").decode() for w in words * 3]


def _floor() -> bytes:
    out = io.BytesIO()
    style = getSampleStyleSheet()["Normal"]
    SimpleDocTemplate(out, pagesize=A4).build([Paragraph(w, style) for w in _floor_words()])
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    person, plan = sample_person(), sample_plan()
    cases = {
        "person's copy": lambda: render_person_copy(person, plan, SAMPLE_PRACTICE),
        "person's copy, large print": lambda: render_person_copy(
            person, plan, SAMPLE_PRACTICE, large_print=True
        ),
    }
    floor = _timed(_floor, args.repeat)
    print(f"{'document':32} {'median ms':>10} {'floor ms':>9} {'ratio':>6} {'target ms':>10}")
    for name, fn in cases.items():
        ms = _timed(fn, args.repeat)
        verdict = "ok" if ms <= TARGET_MS else "OVER"
        print(f"{name:32} {ms:10.1f} {floor:9.1f} {ms / floor:6.1f} {TARGET_MS:10.0f}  {verdict}")


if __name__ == "__main__":
    main()
