"""Find blanks that were meant to be filled in ("___ kg", "[name]", "<dose>", "{crisis_team}").

A template may leave a gap for the clinician ("my weight goes up by ___ kg"). Printed as it is,
the person is left with an instruction they cannot follow, so every printed text is checked with
`unfilled_placeholders` and a plan with a blank left in it is not agreed or printed until it is
filled. The patterns are generic, not tied to one template, so a practice's own templates are
covered too.

What counts as a blank:
- three or more underscores ("___");
- anything in square brackets ("[medicines to pause]", "[ ]", "[…]");
- text in angle brackets that starts with a letter ("<number>"; "<4" or "< 4 hours" is not one);
- text in curly braces ("{crisis_team}", the app's own fill-in markers);
- a dotted gap standing alone (" ... kg", " … "), not an ellipsis at the end of a word;
- "XX"/"XXX" or "TBC"/"TBA" as whole words.
"""

from __future__ import annotations

import re

__all__ = ["unfilled_placeholders"]

_PATTERN = re.compile(
    r"_{3,}"
    r"|\[[^\[\]\n]{0,80}\]"
    r"|<\s*[A-Za-z][^<>\n]{0,80}>"
    r"|\{[^{}\n]{0,80}\}"
    r"|(?<!\S)(?:\.{3,}|\u2026)(?!\S)"
    r"|\b(?:XX+|xx+|TBC|TBA|tbc|tba)\b"
)


def unfilled_placeholders(text: str) -> list[str]:
    """Every blank left in `text`, in order, as it appears (for example ["___", "[dose]"]).

    An empty list means nothing in the text still needs filling in.
    """
    return [m.group(0) for m in _PATTERN.finditer(text)]
