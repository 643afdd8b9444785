"""A table that says "(continued)" when it runs on to another page.

A list of medicines that breaks across pages left the next page starting with a medicine's name and nothing
to say what the list was: a paramedic handed that page alone could take it for anything. The table's first
row names the list; reportlab repeats header rows on every page the table reaches, and here the repeated
first row is swapped for its "(continued)" form.
"""

from __future__ import annotations

from typing import Any

from reportlab.platypus import Table


class ContinuedTable(Table):  # type: ignore[misc]  # reportlab ships no type hints
    """A `Table` with `repeatRows` ≥ 1 whose repeated first row reads `continued_row` on later pages.

    reportlab makes each piece of a split table by calling the class again without our arguments, so the
    continued row and how to tag it are kept as attributes and handed on to every piece.
    """

    continued_row: list[Any] | None = None
    caption_row = True  # its first row names it: tagged as the table's Caption (export/pdf_tags.py)
    tag_as_layout = False  # True: tagged as layout, not a grid of data (export/pdf_tags.py)

    def split(self, availWidth: float, availHeight: float) -> list[Any]:  # noqa: N803 - reportlab's names
        parts: list[Any] = list(super().split(availWidth, availHeight))
        if self.continued_row is None:
            return parts
        for index, part in enumerate(parts):
            part.continued_row = self.continued_row
            part.tag_as_layout = self.tag_as_layout
            if index == 0:
                continue
            part._cellvalues[0] = list(self.continued_row)
            # The repeated row was measured with the first page's words: measure it again with these.
            heights = list(part._argH)
            heights[0] = None
            part._argH = heights
        return parts


def continued_table(rows: list[list[Any]], continued_row: list[Any], **kwargs: Any) -> ContinuedTable:
    """`rows[0]` names the table; on every later page it reads `continued_row` instead."""
    table = ContinuedTable(rows, **kwargs)
    table.continued_row = continued_row
    return table
