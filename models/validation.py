"""Checks of plain input values, naming the offending field."""

import re

from models.errors import invalid

# Control characters (but tab and line breaks) arrive with text pasted from PDFs; no reader wants them.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# What no column can hold: a lone UTF-16 surrogate is not a character (it cannot be encoded as UTF-8),
# and PostgreSQL text refuses NUL. Either would fail deep in the driver as an internal error.
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def unstorable(text: str) -> str | None:
    """Why `text` cannot be stored or compared in SQL, or None when it can."""
    found = UNSTORABLE.search(text)
    if found is None:
        return None
    if found.group() == "\x00":
        return "contains a NUL character (\\u0000), which text may not hold"
    return f"contains a lone surrogate (\\u{ord(found.group()):04x}), which is not a character: send valid UTF-8 or a surrogate pair"


def clean_text(field: str, value: str | None, *, max_length: int, required: bool = True) -> str | None:
    """Trimmed text without control characters, or None for an optional blank; refuses blanks where
    required and overlong text."""
    text = CONTROL.sub("", value or "").strip()
    if not text:
        if required:
            raise invalid(field, f"{field} must not be blank.")
        return None
    if len(text) > max_length:
        raise invalid(field, f"{field} must be at most {max_length} characters (got {len(text)}).")
    if problem := unstorable(text):
        raise invalid(field, f"{field} {problem}.")
    return text


def clean_required(field: str, value: str, *, max_length: int) -> str:
    text = clean_text(field, value, max_length=max_length, required=True)
    assert text is not None
    return text
