"""Reading exports and feeds back as their users get them: every CSV file starts with a UTF-8 byte
order mark (for Excel), after which Python's csv module reads the columns unchanged; a refused
parameter is a GraphQL-shaped error naming it in `extensions.field`."""

import csv
import io

BOM = "\ufeff"


def csv_rows(text: str) -> list[list[str]]:
    """The rows of an exported CSV file, which must start with the BOM (left out of the rows)."""
    assert text.startswith(BOM), text[:40]
    return list(csv.reader(io.StringIO(text.removeprefix(BOM))))


def header_only(columns: list[str]) -> str:
    """The whole text of an empty export: the BOM and the header line."""
    return BOM + ",".join(columns) + "\r\n"


def bad_request(message: str, parameter: str) -> dict:
    """The body of the 400 to a bad export or feed parameter."""
    return {"errors": [{"message": message, "extensions": {"code": "BAD_REQUEST", "field": parameter}}]}
