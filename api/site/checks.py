"""What the site's pages check of their URLs: query parameters (a bad one is a 400 page naming it)
and path references (one no reference could be is a 404 page, never looked up)."""

import re
from collections.abc import Callable, Mapping
from datetime import date
from enum import StrEnum
from typing import Any

from api.site.framework import BadParameter, Check, NotFound

CODE = re.compile(r"[A-Za-z]{2}")
# Long enough for any cursor this API makes; a longer `after` is not a cursor.
MAX_CURSOR = 200
PAGE_SIZE = 20
MAX_SEARCH = 200
# Longer than any methodology, project or TPE reference (VN_AM001, VN_PM001); a longer one is not looked up.
MAX_REFERENCE = 64


def check_committee(name: str, value: str) -> str:
    if not CODE.fullmatch(value):
        raise BadParameter(name, "bad_committee")
    return value.upper()


def check_cursor(name: str, value: str) -> str:
    if not value or len(value) > MAX_CURSOR or not value.isascii() or not value.isprintable():
        raise BadParameter(name, "bad_cursor")
    return value


def check_search(name: str, value: str) -> str | None:
    """Words to look for; an empty box (the form sends `search=`) is no search. Any Unicode space
    separates words (a Japanese keyboard types U+3000 between words, a paste may bring a no-break
    space or a tab): each becomes one ASCII space before the check for unprintable characters."""
    words = " ".join(value.split())
    if len(value) > MAX_SEARCH or not words.isprintable():
        raise BadParameter(name, "bad_search", most=MAX_SEARCH)
    return words or None


def one_of(enum: type[StrEnum]) -> Check:
    """A select's value: one of `enum`'s values (any case); the select's empty "any" option is no
    filter. Anything else is a 400 listing the values, never an unfiltered list."""

    values = [member.value for member in enum]

    def check(name: str, value: str) -> str | None:
        if not value.strip():
            return None
        if value.strip().upper() not in values:
            raise BadParameter(name, "bad_choice", choices=", ".join(values))
        return value.strip().upper()

    return check


ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def check_day(name: str, value: str) -> str | None:
    """A day as a date field sends it, 2026-11-28 (the form's empty field is no bound)."""
    if not value.strip():
        return None
    try:
        if not ISO_DAY.fullmatch(value.strip()):
            raise ValueError(value)
        return date.fromisoformat(value.strip()).isoformat()
    except ValueError:
        raise BadParameter(name, "bad_day") from None


def no_variables(path: Mapping[str, str], params: Mapping[str, Any]) -> dict[str, Any]:
    return {}


def by_reference(message: str) -> Callable[[Mapping[str, str], Mapping[str, Any]], dict[str, Any]]:
    """The variables of a page of one thing by its reference; one no reference could be is a 404."""

    def variables(path: Mapping[str, str], params: Mapping[str, Any]) -> dict[str, Any]:
        reference = path["reference"]
        if len(reference) > MAX_REFERENCE or not reference.isprintable() or "/" in reference:
            raise NotFound(message, reference=reference[:MAX_REFERENCE])
        return {"reference": reference}

    return variables


# -- the list pages' filters (api/site/list_pages.py) --------------------------------------------

# Sectoral scopes are numbered 1 to 15 (the `sectoralScopes` query lists them).
MAX_SCOPE = 15


def optional(check: Check) -> Check:
    """A filter form's empty choice (`status=`, "Any") is no filter, not a bad value."""

    def checked(name: str, value: str) -> Any:
        return check(name, value) if value.strip() else None

    return checked


def choice(values: list[str]) -> Check:
    """One value of an enum (`status=VALID`), in any case; the 400 lists the values it takes."""

    def check(name: str, value: str) -> str:
        upper = value.strip().upper()
        if upper not in values:
            raise BadParameter(name, "bad_choice", choices=", ".join(values))
        return upper

    return check


def check_scope(name: str, value: str) -> int:
    """A sectoral scope's number; checked before int() (a 5,000-digit value is a 400, not a 500)."""
    value = value.strip()
    if not (len(value) <= 2 and value.isascii() and value.isdigit() and 1 <= int(value) <= MAX_SCOPE):
        raise BadParameter(name, "bad_scope", most=MAX_SCOPE)
    return int(value)
