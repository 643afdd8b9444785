"""Plain-English lines that go beside an ACB total wherever it is printed or given as a reason.

One wording everywhere, so the clinician summary and the review reasons say the same thing: which
medicines were not recognised ("check these by hand"), which another list scores but this scale
leaves out, and which were not counted because they are skin, eye or ear preparations. The screen
builds the same sentences through Qt's tr() for translation.
"""

from __future__ import annotations

from careplanner.clinical.acb import AcbResult, NotRecognised, OutsideScale

__all__ = ["acb_check_lines", "acb_review_reason", "left_out_item", "not_recognised_item"]


def not_recognised_item(item: NotRecognised) -> str:
    """'Oxybutinin 5mg (did you mean oxybutynin?)' — the hint is wording only; it is never scored."""
    return f"{item.as_written} (did you mean {item.did_you_mean}?)" if item.did_you_mean else item.as_written


def left_out_item(item: OutsideScale) -> str:
    """'Prednisolone 5mg (acbcalc.com 1, AEC 1)'."""
    scores = ", ".join(f"{name} {score}" for name, score in item.entry.other_scores if score > 0)
    return f"{item.as_written} ({scores})"


def acb_check_lines(result: AcbResult) -> list[str]:
    """The sentences to print under an ACB total; empty when every medicine was placed and scored."""
    lines: list[str] = []
    if result.not_recognised:
        names = ", ".join(not_recognised_item(n) for n in result.not_recognised)
        lines.append(f"Not recognised — check these by hand: {names}. They are not in the total.")
    if result.left_out:
        names = ", ".join(left_out_item(o) for o in result.left_out)
        lines.append(f"Not on the ACB 2012 list, so not in this total, but other lists score them: {names}.")
    if result.not_counted_route:
        lines.append(f"Not counted (topical/eye/ear): {', '.join(result.not_counted_route)}.")
    return lines


def acb_review_reason(result: AcbResult) -> str:
    """A review reason when the total may be too low, or "" when it is complete."""
    if not result.needs_check:
        return ""
    parts = []
    if result.not_recognised:
        parts.append(
            "not recognised — check these by hand: "
            + ", ".join(not_recognised_item(n) for n in result.not_recognised)
        )
    if result.left_out:
        parts.append("scored by other lists: " + ", ".join(left_out_item(o) for o in result.left_out))
    return f"Anticholinergic burden total {result.total} may be too low; " + "; ".join(parts) + "."
