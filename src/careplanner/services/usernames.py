"""Rules for account names, so two accounts can never look alike.

A user name is compared in its NFKC case-folded form, so "Ada", "ADA" and "ａｄａ" (full-width) are one
name. Hidden characters (zero-width spaces and joiners, right-to-left overrides, control characters) are
refused outright, in user names and in the names shown for accounts, because they make one name look
like another or read backwards. Letters from more than one alphabet in a single user name ("аdmin" with a
Cyrillic "а") are refused, as is a name written wholly in look-alikes of Latin letters.
"""

from __future__ import annotations

import unicodedata

from careplanner.services.errors import ValidationError

MAX_USERNAME_LENGTH = 64
MAX_DISPLAY_NAME_LENGTH = 100

# Unicode categories never wanted in a name: control, format (zero-width, bidi overrides), private use,
# surrogates, unassigned, and line or paragraph separators.
_HIDDEN = frozenset({"Cc", "Cf", "Co", "Cs", "Cn", "Zl", "Zp"})
# Scripts that are written together in one name (Japanese mixes these).
_SAME_SCRIPT = {"HIRAGANA": "CJK", "KATAKANA": "CJK", "KATAKANA-HIRAGANA": "CJK", "HALFWIDTH": "CJK"}
# Cyrillic and Greek letters that look like Latin ones; a name made only of these passes for Latin.
_LATIN_LOOKALIKES = frozenset("аеіјосрхуԁһԛѕԝӏвкмнтАВЕЗІЈКМНОРСТХУЅԌԚԜαβεικνορτυχΑΒΕΖΗΙΚΜΝΟΡΤΥΧ")


def username_key(name: str) -> str:
    """The form two user names are compared in: NFKC, case-folded (Unicode's NFKC_Casefold, near enough)."""
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", name).casefold()).strip()


def _hidden(text: str) -> bool:
    return any(unicodedata.category(ch) in _HIDDEN for ch in text)


def _script(ch: str) -> str | None:
    """The alphabet a letter belongs to ("LATIN", "CYRILLIC"…); None for digits, marks and punctuation."""
    if not unicodedata.category(ch).startswith("L"):
        return None
    first = unicodedata.name(ch, "UNKNOWN").split(" ")[0]
    if first.startswith("CJK"):
        return "CJK"
    return _SAME_SCRIPT.get(first, first)


def clean_username(name: str) -> str:
    """The user name to store (NFKC, trimmed), or ValidationError saying plainly what is wrong."""
    if _hidden(name):
        raise ValidationError(
            {"username": "The user name has a hidden or control character. Type it again by hand."}
        )
    cleaned = unicodedata.normalize("NFKC", name).strip()
    if not cleaned:
        raise ValidationError({"username": "Enter a user name."})
    if len(cleaned) > MAX_USERNAME_LENGTH:
        raise ValidationError({"username": f"Use a user name of at most {MAX_USERNAME_LENGTH} characters."})
    if any(unicodedata.category(ch).startswith("Z") and ch != " " for ch in cleaned):
        raise ValidationError({"username": "Use ordinary spaces only in a user name."})
    scripts = {s for s in map(_script, cleaned) if s is not None}
    if len(scripts) > 1:
        raise ValidationError(
            {"username": "The user name mixes letters from different alphabets. Use one alphabet."}
        )
    letters = [ch for ch in cleaned if _script(ch) is not None]
    if scripts and scripts != {"LATIN"} and all(ch in _LATIN_LOOKALIKES for ch in letters):
        raise ValidationError(
            {"username": "The user name looks like English letters but is not. Type it in English letters."}
        )
    return cleaned


def clean_display_name(name: str) -> str:
    """The name shown for an account (NFC, trimmed), or ValidationError."""
    if _hidden(name):
        raise ValidationError(
            {"display_name": "The name has a hidden or control character. Type it again by hand."}
        )
    cleaned = unicodedata.normalize("NFC", name).strip()
    if not cleaned:
        raise ValidationError({"display_name": "Enter the person's name."})
    if len(cleaned) > MAX_DISPLAY_NAME_LENGTH:
        raise ValidationError(
            {"display_name": f"Use a name of at most {MAX_DISPLAY_NAME_LENGTH} characters."}
        )
    return cleaned
