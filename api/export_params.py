"""What every export shares: the `Export` spec, the strict reading of its filter parameters (a bad
value is a DomainError naming the parameter, which the route answers with 400), and small helpers
for building rows. Kept apart from api/exports.py so that each area's exports live in a module of
their own (api/project_exports.py) without importing the route module."""

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date
from enum import Enum
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.requests import Request

from api.http_input import query_params
from models import JointCommittee
from models.errors import invalid
from models.types import saved_id
from resolvers import loaders as batch

Rows = Callable[[AsyncSession, dict[str, Any], str | None], Awaitable[tuple[list[dict[str, Any]], str | None]]]


@dataclass(frozen=True)
class Export:
    name: str
    columns: list[str]
    parse: Callable[[Request], dict[str, Any]]
    rows: Rows  # one page of rows and the cursor after it (None at the end)


# -- filters ------------------------------------------------------------------------------------


# Longer than any reference, code or search a person types; a longer value is a mistake or an attack.
MAX_PARAMETER = 200
# ASCII digits only (str.isdigit() also takes "²", which int() refuses), few enough to fit an integer column.
WHOLE_NUMBER = re.compile(r"[0-9]{1,9}")


# Where a request remembers the parameters its export's `parse` read (`refuse_unread`).
_READ = "jcm_parameters_read"


def parameter_values(request: Request, name: str) -> list[str]:
    """The parameter's values, read strictly (http_input.BadParameter when not text)."""
    request.scope.setdefault("state", {}).setdefault(_READ, set()).add(name)
    values = query_params(request.scope).get(name, [])
    if any(len(value) > MAX_PARAMETER for value in values):
        raise invalid(name, f"{name} must be at most {MAX_PARAMETER} characters.")
    return values


def refuse_unread(request: Request) -> None:
    """After an export's `parse`: a parameter it did not read is a mistake (`comittee=VN`, `form=`)
    that would otherwise hand back the whole, unfiltered list as if it were the filtered one."""
    read = request.scope.get("state", {}).get(_READ, set())
    if unknown := sorted(set(query_params(request.scope)) - read):
        raise invalid(unknown[0], f"{unknown[0]} is not a parameter here; this export takes {', '.join(sorted(read))}.")


def one(request: Request, name: str) -> str | None:
    value = next(iter(parameter_values(request, name)), None)
    return value.strip() if value and value.strip() else None


def enum_values(request: Request, name: str, enum: type[Enum]) -> list[Any] | None:
    values = [v for raw in parameter_values(request, name) for v in raw.split(",") if v.strip()]
    try:
        return [enum(v.strip().upper()) for v in values] or None
    except ValueError:
        raise invalid(name, f"{name} must be one of {', '.join(e.value for e in enum)}.") from None


def one_enum(request: Request, name: str, enum: type[Enum]) -> Any:
    """A filter that takes one value."""
    values = enum_values(request, name, enum) or [None]
    if len(values) > 1:
        raise invalid(name, f"{name} takes one value.")
    return values[0]


def date_param(request: Request, name: str) -> date | None:
    value = one(request, name)
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        raise invalid(name, f"{name} must be a date like 2026-11-28.") from None


def int_param(request: Request, name: str) -> int | None:
    value = one(request, name)
    if value is None:
        return None
    if not (value.isascii() and value.isdigit()):
        raise invalid(name, f"{name} must be a whole number.")
    if not WHOLE_NUMBER.fullmatch(value):
        raise invalid(name, f"{name} is too large.")
    return int(value)


# -- row helpers -------------------------------------------------------------------------------


def iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


async def committee_codes(session: AsyncSession, ids: list[int]) -> dict[int, str]:
    rows = await batch.one_by(session, JointCommittee, "id", sorted(set(ids)))
    return {saved_id(row): row.code for row in rows if row}


def after_cursor(page: Any) -> str | None:
    return page.cursors[-1] if page.has_next else None
