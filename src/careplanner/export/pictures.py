"""Simple pictures for the easy-read copy, drawn here in vector (no image files, no licence to keep).

Easy read puts a picture beside each heading so the page can be found and understood by its picture. Each
picture is a few bold shapes in NHS colours on a pale rounded square; the heading beside it carries the
meaning, so for a screen reader the picture is decoration (an artifact, see `pdf_tags`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from reportlab.lib import colors
from reportlab.platypus import Flowable, Paragraph

from careplanner.export import pdf_base as pb
from careplanner.export import pdf_tags

PALE = colors.HexColor("#E8EDEE")
Draw = Callable[[Any, float], None]  # (canvas, size): draw inside a size × size square at the origin


def _person(c: Any, z: float) -> None:
    c.setFillColor(pb.NHS_BLUE)
    c.circle(z * 0.5, z * 0.68, z * 0.15, stroke=0, fill=1)
    c.roundRect(z * 0.27, z * 0.16, z * 0.46, z * 0.34, z * 0.12, stroke=0, fill=1)


def _target(c: Any, z: float) -> None:
    for radius, colour in ((0.36, pb.NHS_GREEN), (0.24, colors.white), (0.12, pb.NHS_GREEN)):
        c.setFillColor(colour)
        c.circle(z * 0.5, z * 0.5, z * radius, stroke=0, fill=1)


def _heart(c: Any, z: float) -> None:
    c.setFillColor(pb.NHS_RED)
    c.circle(z * 0.37, z * 0.58, z * 0.15, stroke=0, fill=1)
    c.circle(z * 0.63, z * 0.58, z * 0.15, stroke=0, fill=1)
    path = c.beginPath()
    path.moveTo(z * 0.23, z * 0.54)
    path.lineTo(z * 0.5, z * 0.2)
    path.lineTo(z * 0.77, z * 0.54)
    path.close()
    c.drawPath(path, stroke=0, fill=1)


def _pill(c: Any, z: float) -> None:
    c.saveState()
    c.translate(z * 0.5, z * 0.5)
    c.rotate(35)
    c.setFillColor(pb.NHS_BLUE)
    c.roundRect(-z * 0.34, -z * 0.12, z * 0.34, z * 0.24, z * 0.12, stroke=0, fill=1)
    c.setFillColor(colors.white)
    c.setStrokeColor(pb.NHS_BLUE)
    c.setLineWidth(z * 0.03)
    c.roundRect(0, -z * 0.12, z * 0.34, z * 0.24, z * 0.12, stroke=1, fill=1)
    c.restoreState()


def _phone(c: Any, z: float) -> None:
    c.setFillColor(pb.NHS_DARK_BLUE)
    c.roundRect(z * 0.33, z * 0.14, z * 0.34, z * 0.72, z * 0.06, stroke=0, fill=1)
    c.setFillColor(colors.white)
    c.rect(z * 0.38, z * 0.3, z * 0.24, z * 0.46, stroke=0, fill=1)
    c.circle(z * 0.5, z * 0.21, z * 0.035, stroke=0, fill=1)


def _calendar(c: Any, z: float) -> None:
    c.setFillColor(colors.white)
    c.setStrokeColor(pb.NHS_GREY)
    c.setLineWidth(z * 0.03)
    c.rect(z * 0.2, z * 0.18, z * 0.6, z * 0.56, stroke=1, fill=1)
    c.setFillColor(pb.NHS_RED)
    c.rect(z * 0.2, z * 0.6, z * 0.6, z * 0.14, stroke=0, fill=1)
    c.setFillColor(pb.NHS_GREY)
    for row in range(2):
        for col in range(3):
            c.rect(z * (0.27 + col * 0.17), z * (0.42 - row * 0.15), z * 0.09, z * 0.08, stroke=0, fill=1)


def _pen(c: Any, z: float) -> None:
    c.saveState()
    c.translate(z * 0.5, z * 0.5)
    c.rotate(-45)
    c.setFillColor(pb.NHS_DARK_BLUE)
    c.rect(-z * 0.06, -z * 0.22, z * 0.12, z * 0.5, stroke=0, fill=1)
    path = c.beginPath()
    path.moveTo(-z * 0.06, -z * 0.22)
    path.lineTo(0, -z * 0.34)
    path.lineTo(z * 0.06, -z * 0.22)
    path.close()
    c.drawPath(path, stroke=0, fill=1)
    c.restoreState()
    c.setStrokeColor(pb.NHS_GREY)
    c.setLineWidth(z * 0.025)
    c.line(z * 0.18, z * 0.16, z * 0.82, z * 0.16)


def _hands(c: Any, z: float) -> None:
    c.setFillColor(pb.NHS_GREEN)
    c.circle(z * 0.36, z * 0.62, z * 0.11, stroke=0, fill=1)
    c.circle(z * 0.64, z * 0.62, z * 0.11, stroke=0, fill=1)
    c.roundRect(z * 0.2, z * 0.18, z * 0.3, z * 0.32, z * 0.1, stroke=0, fill=1)
    c.roundRect(z * 0.5, z * 0.18, z * 0.3, z * 0.32, z * 0.1, stroke=0, fill=1)


def _paper(c: Any, z: float) -> None:
    c.setFillColor(colors.white)
    c.setStrokeColor(pb.NHS_GREY)
    c.setLineWidth(z * 0.03)
    c.rect(z * 0.26, z * 0.14, z * 0.48, z * 0.68, stroke=1, fill=1)
    c.setStrokeColor(pb.NHS_BLUE)
    for row in range(4):
        y = z * (0.66 - row * 0.13)
        c.line(z * 0.33, y, z * 0.67, y)


def _warning(c: Any, z: float) -> None:
    c.setFillColor(pb.NHS_RED)
    path = c.beginPath()
    path.moveTo(z * 0.5, z * 0.84)
    path.lineTo(z * 0.14, z * 0.18)
    path.lineTo(z * 0.86, z * 0.18)
    path.close()
    c.drawPath(path, stroke=0, fill=1)
    c.setFillColor(colors.white)
    c.rect(z * 0.47, z * 0.38, z * 0.06, z * 0.26, stroke=0, fill=1)
    c.circle(z * 0.5, z * 0.29, z * 0.04, stroke=0, fill=1)


PICTURES: dict[str, Draw] = {
    "person": _person,
    "target": _target,
    "heart": _heart,
    "pill": _pill,
    "phone": _phone,
    "calendar": _calendar,
    "pen": _pen,
    "hands": _hands,
    "paper": _paper,
    "warning": _warning,
}


class PictureHeading(Flowable):  # type: ignore[misc]  # reportlab ships no type hints
    """A heading with its picture on the left. Tagged as a heading (`tag_role`); it marks its own content
    (`tag_deferred`): the picture as an artifact, then the words as the heading, one after the other (an
    artifact may not sit inside tagged content)."""

    tag_deferred = True

    def __init__(self, picture: str, heading: Paragraph, scale: float = 2.6) -> None:
        """`scale`: the picture's side as a multiple of the heading's font size (smaller on the card)."""
        super().__init__()
        self.picture = PICTURES[picture]
        self.heading = heading
        name = str(heading.style.name).removeprefix("card-")
        self.tag_role = {"h2": "H2", "h3": "H3"}.get(name, "H2")
        self.keepWithNext = 1
        self.size: float = float(heading.style.fontSize) * scale
        self.gap: float = float(heading.style.fontSize) * 0.6

    def getPlainText(self) -> str:  # noqa: N802 - reportlab's name
        return str(self.heading.getPlainText())

    def getSpaceBefore(self) -> float:  # noqa: N802 - reportlab's name
        return float(self.heading.getSpaceBefore()) + self.gap

    def getSpaceAfter(self) -> float:  # noqa: N802 - reportlab's name
        return float(self.heading.getSpaceAfter()) + self.gap * 0.5

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.width = avail_width
        _, self.text_height = self.heading.wrap(avail_width - self.size - self.gap, avail_height)
        self.height = max(self.size, self.text_height)
        return avail_width, self.height

    def draw(self) -> None:
        c = self.canv
        pdf_tags.begin_artifact(c)
        c.saveState()
        c.setFillColor(PALE)
        c.roundRect(0, self.height - self.size, self.size, self.size, self.size * 0.18, stroke=0, fill=1)
        c.translate(0, self.height - self.size)
        self.picture(c, self.size)
        c.restoreState()
        pdf_tags.end_marked(c)
        top = self.height - (self.height - self.text_height) / 2
        pdf_tags.begin_marked(c, self.tag_role, int(c.__dict__.get("_tag_mcid", 0)))
        self.heading.drawOn(c, self.size + self.gap, top - self.text_height)
        pdf_tags.end_marked(c)
