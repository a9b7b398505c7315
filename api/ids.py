"""Relay global ids: base64 of "TypeName:primaryKey", opaque to clients, stable across restarts."""

import base64
import binascii
import re

from models.types import MAX_INTEGER

# A key is 1 to MAX_INTEGER in ASCII digits (str.isdigit() also takes "²" and "３"); any other names no
# row, and sent to the database would fail in the driver as an internal error.
KEY = re.compile(r"[1-9][0-9]{0,9}")


def to_global_id(type_name: str, pk: int) -> str:
    return base64.urlsafe_b64encode(f"{type_name}:{pk}".encode()).decode()


def from_global_id(global_id: str) -> tuple[str, int] | None:
    """(type name, primary key), or None when the id was not made by this API."""
    try:
        decoded = base64.urlsafe_b64decode(global_id.encode()).decode()
    except (binascii.Error, UnicodeError, ValueError):
        return None
    type_name, _, pk = decoded.partition(":")
    if not type_name or not KEY.fullmatch(pk) or int(pk) > MAX_INTEGER:
        return None
    return type_name, int(pk)
