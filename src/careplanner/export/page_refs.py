"""Page references inside a document: "My medicines are listed on page 3.".

`pdf_base`'s canvas holds every page back until the end (for "Page N of M"), so a reference is written
then, in one pass: a `PageAnchor` records the page it lands on, a `PageRef` records where its line goes,
and the canvas draws the line with the number when it saves.
"""

from __future__ import annotations

from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable


class PageAnchor(Flowable):  # type: ignore[misc]  # reportlab ships no type hints
    """Invisible: records the page it lands on under `name`, for a `PageRef` to print ("page 3").
    It keeps with what follows, so put it just before the heading it marks."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name
        self.keepWithNext = 1

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return 0.0, 0.0

    def draw(self) -> None:
        self.canv.__dict__.setdefault("_anchors", {})[self.name] = self.canv.getPageNumber()


class PageRef(Flowable):  # type: ignore[misc]
    """One bold line naming the page an anchor landed on: "My medicines are on page 3.". The canvas holds
    every page back until the end, so the number is written when the whole document is laid out (one
    pass, no second render). `template` has one `{page}`; `fallback` is printed if the anchor is absent."""

    # Tagged PDF (`pdf_tags`): a paragraph whose text the canvas writes, and marks, when it saves.
    tag_role = "P"
    tag_deferred = True

    def __init__(self, anchor: str, template: str, fallback: str, style: ParagraphStyle) -> None:
        super().__init__()
        self.anchor, self.template, self.fallback, self.style = anchor, template, fallback, style

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.width = avail_width
        return avail_width, float(self.style.leading)

    def draw(self) -> None:
        x, y = self.canv.absolutePosition(0, float(self.style.leading - self.style.fontSize) / 2 + 2)
        refs = self.canv.__dict__.setdefault("_refs", [])
        size = float(self.style.fontSize)
        mcid = int(self.canv.__dict__.get("_tag_mcid", 0))
        refs.append((self.canv.getPageNumber(), x, y, self.anchor, self.template, self.fallback, size, mcid))
