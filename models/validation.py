"""Checks of plain input values, naming the offending field."""

from models.errors import invalid


def clean_text(field: str, value: str | None, *, max_length: int, required: bool = True) -> str | None:
    """Trimmed text, or None for an optional blank; refuses blanks where required and overlong text."""
    text = (value or "").strip()
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
