"""Bookmarks (the PDF outline) from the headings of a document.

The outline lets a reader jump to "My medicines" in an 11-page large-print copy; the structure tree a
screen reader follows is written by `pdf_tags`. The pages are held back until the end (for
"Page N of M"), so headings are recorded here with their page and written by the canvas in `save()`.
"""

from __future__ import annotations

from typing import Any

from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, PageTemplate, Paragraph, SimpleDocTemplate

from careplanner.export.pdf_tags import TaggingFrame


class OutlinedDocTemplate(SimpleDocTemplate):  # type: ignore[misc]  # reportlab ships no type hints
    """Records each h2/h3 heading and its page, for the canvas to write as bookmarks (the outline) when
    the pages are written out (`pdf_base._make_canvas`): an 11-page large-print copy can jump to a section."""

    def afterFlowable(self, flowable: Flowable) -> None:  # noqa: N802 - reportlab's name
        # A Paragraph heading, or a heading with its picture (`pictures.PictureHeading`, easy read).
        heading = getattr(flowable, "heading", flowable)
        name = getattr(getattr(heading, "style", None), "name", "")
        if isinstance(heading, Paragraph) and name in ("h2", "h3"):
            outline: list[tuple[int, str, int]] = self.canv.__dict__.setdefault("_outline", [])
            level = 1 if name == "h3" and outline else 0  # an outline must start at level 0
            outline.append((self.page, flowable.getPlainText(), level))

    def build(self, flowables: list[Flowable], canvasmaker: Any = Canvas) -> None:
        """As SimpleDocTemplate's, with a frame that tags what it draws (`pdf_tags`)."""
        self._calc()
        frame = TaggingFrame(self.leftMargin, self.bottomMargin, self.width, self.height, id="normal")
        self.addPageTemplates(
            [
                PageTemplate(id="First", frames=frame, pagesize=self.pagesize),
                PageTemplate(id="Later", frames=frame, pagesize=self.pagesize),
            ]
        )
        BaseDocTemplate.build(self, flowables, canvasmaker=canvasmaker)
