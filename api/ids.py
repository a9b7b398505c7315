"""Relay global ids: base64 of "TypeName:primaryKey", opaque to clients, stable across restarts."""

import base64
import binascii


def to_global_id(type_name: str, pk: int) -> str:
    return base64.urlsafe_b64encode(f"{type_name}:{pk}".encode()).decode()


def from_global_id(global_id: str) -> tuple[str, int] | None:
    """(type name, primary key), or None when the id was not made by this API."""
    try:
        decoded = base64.urlsafe_b64decode(global_id.encode()).decode()
        type_name, _, pk = decoded.partition(":")
        return (type_name, int(pk)) if type_name and pk.isdigit() else None
    except (binascii.Error, UnicodeError, ValueError):
        return None
