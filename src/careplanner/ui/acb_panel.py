"""The anticholinergic burden box under the medicines list: the total, what it leaves out, and the
scale it uses.

A total alone can mislead: a brand or a misspelling the matcher does not know adds 0. So the box
always lists the medicines it did not recognise ("check these by hand"), the ones another list
scores but this scale leaves out, and the skin, eye and ear preparations it did not count.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

from careplanner.clinical.acb import AcbResult
from careplanner.clinical.acb_text import left_out_item

__all__ = ["AcbPanel"]


class AcbPanel(QFrame):
    """Shows one AcbResult. No signals: the medical step calls show_result when medicines change."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.total_label = self._label(self.tr("Anticholinergic burden"))
        self.check_label = self._label(self.tr("Medicines to check for the anticholinergic burden"))
        self.route_label = self._label(self.tr("Medicines not counted in the anticholinergic burden"))
        self.scale_label = self._label(self.tr("About the anticholinergic burden scale"))
        self.scale_label.setObjectName("hint")
        self.scale_label.setText(
            self.tr(
                "Scale: the Anticholinergic Cognitive Burden (ACB) scale, 2012 update (Boustani; Campbell; "
                "Aging Brain Care). Only medicines on its list score 1 to 3; others count 0. It does not "
                "weigh the dose, and it leaves out some anticholinergic medicines used in the UK (for "
                "example dosulepin, prochlorperazine, tizanidine, tramadol)."
            )
        )
        layout = QVBoxLayout(self)
        for label in (self.total_label, self.check_label, self.route_label, self.scale_label):
            layout.addWidget(label)

    def _label(self, accessible_name: str) -> QLabel:
        label = QLabel()
        label.setWordWrap(True)
        label.setAccessibleName(accessible_name)
        return label

    def show_result(self, result: AcbResult, checked: Sequence[str] = ()) -> None:
        """Show `result`; `checked` names the lines the clinician checked by hand as not on the scale
        (they add 0 and are said to rest on the clinician's check, not on the scale)."""
        if result.warning:
            # The warning text already says the total ("Anticholinergic burden total is 4 (3 or more…").
            total = self.tr("⚠ Warning — {0}").format(result.warning_text)
        else:
            total = self.tr("Anticholinergic burden (ACB) total: {0}.").format(result.total)
            if result.contributors:
                total += " " + self.tr("From: {0}.").format(
                    ", ".join(f"{c.generic_name} ({c.score})" for c in result.contributors)
                )
        if checked:
            total += " " + (
                self.tr("1 medicine checked by the clinician as not on the ACB scale (counted as 0): {0}.")
                if len(checked) == 1
                else self.tr(
                    "{1} medicines checked by the clinician as not on the ACB scale (counted as 0): {0}."
                )
            ).format(", ".join(checked), len(checked))
        self.total_label.setText(total)
        self.check_label.setText(self._check_text(result))
        self.check_label.setVisible(result.needs_check)
        self.route_label.setText(
            self.tr("Not counted (topical/eye/ear): {0}.").format(", ".join(result.not_counted_route))
            if result.not_counted_route
            else ""
        )
        self.route_label.setVisible(bool(result.not_counted_route))
        self.setObjectName("warning" if result.warning or result.needs_check else "card")
        self.style().unpolish(self)
        self.style().polish(self)

    def _check_text(self, result: AcbResult) -> str:
        lines: list[str] = []
        if result.not_recognised:
            names = ", ".join(
                self.tr("{0} (did you mean {1}?)").format(n.as_written, n.did_you_mean)
                if n.did_you_mean
                else n.as_written
                for n in result.not_recognised
            )
            lines.append(
                self.tr("Not recognised — check these by hand: {0}. They are not in the total.").format(names)
            )
        if result.left_out:
            names = ", ".join(left_out_item(o) for o in result.left_out)
            lines.append(
                self.tr(
                    "Not on the ACB 2012 list, so not in this total, but other lists score them: {0}."
                ).format(names)
            )
        return "\n".join(lines)
