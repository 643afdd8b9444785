"""Keep a section that fits on one page on one page.

In the easy-read copy a page that starts part-way through a section, or with the last bullet of a list,
loses the reader: the heading and its picture are what tell them what the words are about. A section that
fits on a page starts a new page when it would not fit on this one, instead of being split; one longer
than a page still splits (its lists and tables carry their own "(continued)" heading).
"""

from __future__ import annotations

from collections.abc import Callable

from reportlab.platypus import CondPageBreak, Flowable, KeepTogether

from careplanner.export.page_refs import PageAnchor

_TALL = 10_000.0
# reportlab's own measure of a block (KeepTogether) merges the space between paragraphs, and a section it
# judged to fit still lost its last line over the page: the sum of every part's full height, plus a line's
# slack, never falls short.
_SLACK = 12.0


def _height(flowable: Flowable, width: float) -> float:
    if isinstance(flowable, KeepTogether):  # it measures only on a canvas: measure what it holds
        return sum(_height(f, width) for f in flowable._content)
    _, height = flowable.wrap(width, _TALL)
    return float(height + flowable.getSpaceBefore() + flowable.getSpaceAfter())


def whole_sections(
    story: list[Flowable], width: float, height: float, starts_section: Callable[[Flowable], bool]
) -> list[Flowable]:
    """`story` with each section (from a heading for which `starts_section` is true, with any page anchors
    just before it, to the next) that fits in `height` kept together. What comes before the first heading
    is left as it is."""
    out: list[Flowable] = []
    section: list[Flowable] = []
    in_section = False

    def flush() -> None:
        needed = sum(_height(f, width) for f in section) + _SLACK
        if in_section and len(section) > 1 and needed <= height:
            out.append(CondPageBreak(needed))  # a new page unless the whole section fits on this one
        out.extend(section)
        section.clear()

    for flowable in story:
        anchors_only = all(isinstance(f, PageAnchor) for f in section)
        # A page anchor opens the section it marks: the heading just after it belongs to the same one.
        opens = isinstance(flowable, PageAnchor) or starts_section(flowable)
        if opens and not (section and anchors_only and in_section):
            flush()
            in_section = True
        section.append(flowable)
    flush()
    return out
