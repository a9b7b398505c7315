"""Checks of plain input values, naming the offending field."""

import re

from models.errors import invalid

# Control characters (but tab and line breaks) arrive with text pasted from PDFs; no reader wants them.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


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
    return text


def clean_required(field: str, value: str, *, max_length: int) -> str:
    text = clean_text(field, value, max_length=max_length, required=True)
    assert text is not None
    return text
