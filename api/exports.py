"""CSV and JSON exports of what a frontend can list, streamed page by page.

`GET /exports/{decisions,methodologies,tpes}.{csv,json}` with the filters of the matching
GraphQL list. Exports show what the public sees, whoever asks. Column names are stable: they are
documented in the README and a test holds them.
"""

import csv
import io
import json
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import date
from enum import Enum
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from api.http_input import BadParameter, parameter_error, query_params
from models import JointCommittee, Meeting
from models.db import StatementTimeout, new_session
from models.decision import Decision
from models.enums import DecisionOutcome, DesignationStatus, MethodologyStatus, ProposalKind, Side, TpeFunction
from models.errors import DomainError, invalid
from models.methodology import Methodology, MethodologyScope
from models.principal import PUBLIC
from models.proposal import Proposal
from models.tpe import DesignationScope, ThirdPartyEntity, TpeDesignation
from models.types import saved_id
from resolvers import decisions, methodology_queries, tpe_queries
from resolvers import loaders as batch

BATCH = 500

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


def _values(request: Request, name: str) -> list[str]:
    """The parameter's values, read strictly (http_input.BadParameter when not text)."""
    values = query_params(request.scope).get(name, [])
    if any(len(value) > MAX_PARAMETER for value in values):
        raise invalid(name, f"{name} must be at most {MAX_PARAMETER} characters.")
    return values


def _one(request: Request, name: str) -> str | None:
    value = next(iter(_values(request, name)), None)
    return value.strip() if value and value.strip() else None


def _enums(request: Request, name: str, enum: type[Enum]) -> list[Any] | None:
    values = [v for raw in _values(request, name) for v in raw.split(",") if v.strip()]
    try:
        return [enum(v.strip().upper()) for v in values] or None
    except ValueError:
        raise invalid(name, f"{name} must be one of {', '.join(e.value for e in enum)}.") from None


def _enum(request: Request, name: str, enum: type[Enum]) -> Any:
    """A filter that takes one value."""
    values = _enums(request, name, enum) or [None]
    if len(values) > 1:
        raise invalid(name, f"{name} takes one value.")
    return values[0]


def _date(request: Request, name: str) -> date | None:
    value = _one(request, name)
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        raise invalid(name, f"{name} must be a date like 2026-11-28.") from None


def _int(request: Request, name: str) -> int | None:
    value = _one(request, name)
    if value is None:
        return None
    if not (value.isascii() and value.isdigit()):
        raise invalid(name, f"{name} must be a whole number.")
    if not WHOLE_NUMBER.fullmatch(value):
        raise invalid(name, f"{name} is too large.")
    return int(value)


# -- rows ---------------------------------------------------------------------------------------


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


async def _committee_codes(session: AsyncSession, ids: list[int]) -> dict[int, str]:
    rows = await batch.one_by(session, JointCommittee, "id", sorted(set(ids)))
    return {saved_id(row): row.code for row in rows if row}


def _after(page: Any) -> str | None:
    return page.cursors[-1] if page.has_next else None


async def _decision_rows(
    session: AsyncSession, filters: dict[str, Any], after: str | None
) -> tuple[list[dict], str | None]:
    page = await decisions.list_decisions(session, first=BATCH, after=after, max_page_size=BATCH, **filters)
    rows: list[Decision] = page.rows
    codes = await _committee_codes(session, [d.committee_id for d in rows])
    meetings = {
        m.id: m
        for m in await batch.one_by(session, Meeting, "id", sorted({d.meeting_id for d in rows if d.meeting_id}))
        if m
    }
    positions = await batch.positions(session, [(d.proposal_id, d.round) for d in rows])
    out = []
    for decision, sides in zip(rows, positions, strict=True):
        by_side = {p.side: p for p in sides}
        objection = next((p.statement for p in sides if p.position.value == "OBJECTION"), None)
        out.append(
            {
                "reference": decision.reference,
                "committee": codes[decision.committee_id],
                "kind": decision.kind.value,
                "outcome": decision.outcome.value,
                "title": decision.title,
                "decided_on": decision.decided_on.isoformat(),
                "mode": decision.mode.value,
                "meeting_number": meetings[decision.meeting_id].number if decision.meeting_id else None,
                "japan_position": by_side[Side.JAPAN].position.value if Side.JAPAN in by_side else None,
                "partner_position": by_side[Side.PARTNER].position.value if Side.PARTNER in by_side else None,
                "objection_statement": objection,
            }
        )
    return out, _after(page)


async def _methodology_rows(
    session: AsyncSession, filters: dict[str, Any], after: str | None
) -> tuple[list[dict], str | None]:
    page = await methodology_queries.list_methodologies(
        session, PUBLIC, first=BATCH, after=after, max_page_size=BATCH, **filters
    )
    rows: list[Methodology] = page.rows
    codes = await _committee_codes(session, [m.committee_id for m in rows])
    scopes = await batch.grouped(session, MethodologyScope, "methodology_id", "scope", [m.id for m in rows])
    proposals = await batch.one_by(session, Proposal, "id", [m.proposal_id for m in rows])
    decided = await batch.one_by(session, Decision, "proposal_id", [m.proposal_id for m in rows])
    out = []
    for methodology, links, proposal, decision in zip(rows, scopes, proposals, decided, strict=True):
        assert proposal is not None  # a methodology's proposal_id is a required foreign key
        out.append(
            {
                "proposed_reference": methodology.proposed_reference,
                "reference": methodology.reference,
                "version": methodology.version,
                "status": methodology.status.value,
                "committee": codes[methodology.committee_id],
                "title": methodology.title,
                "sectoral_scopes": ";".join(str(link.scope) for link in links),
                "proponent": methodology.proponent,
                "public_input_opens_on": _iso(proposal.public_input_opens_on),
                "public_input_closes_on": _iso(proposal.public_input_closes_on),
                "approved_on": _iso(methodology.approved_on),
                "decision_reference": decision.reference if decision else None,
            }
        )
    return out, _after(page)


async def _tpe_rows(session: AsyncSession, filters: dict[str, Any], after: str | None) -> tuple[list[dict], str | None]:
    page = await tpe_queries.list_designations(
        session, PUBLIC, first=BATCH, after=after, max_page_size=BATCH, **filters
    )
    rows: list[TpeDesignation] = page.rows
    codes = await _committee_codes(session, [d.committee_id for d in rows])
    entities = {
        e.id: e for e in await batch.one_by(session, ThirdPartyEntity, "id", sorted({d.entity_id for d in rows})) if e
    }
    scopes = await batch.grouped(session, DesignationScope, "designation_id", "scope", [d.id for d in rows])

    def listed(links: list[DesignationScope], function: TpeFunction, status: DesignationStatus) -> str:
        return ";".join(str(s.scope) for s in links if s.function is function and s.status is status)

    out = []
    for designation, links in zip(rows, scopes, strict=True):
        entity = entities[designation.entity_id]
        out.append(
            {
                "reference": designation.reference,
                "committee": codes[designation.committee_id],
                "entity": entity.name,
                "entity_country": entity.country_code,
                "accreditation": entity.accreditation.value,
                "status": designation.status.value,
                "designated_on": _iso(designation.designated_on),
                "validation_scopes": listed(links, TpeFunction.VALIDATION, DesignationStatus.DESIGNATED),
                "verification_scopes": listed(links, TpeFunction.VERIFICATION, DesignationStatus.DESIGNATED),
                "suspended_scopes": ";".join(
                    f"{s.function.value.lower()} {s.scope}" for s in links if s.status is DesignationStatus.SUSPENDED
                ),
            }
        )
    return out, _after(page)


EXPORTS = {
    export.name: export
    for export in [
        Export(
            "decisions",
            [
                "reference",
                "committee",
                "kind",
                "outcome",
                "title",
                "decided_on",
                "mode",
                "meeting_number",
                "japan_position",
                "partner_position",
                "objection_statement",
            ],
            lambda r: {
                "committee_code": _one(r, "committee"),
                "kinds": _enums(r, "kind", ProposalKind),
                "outcome": _enum(r, "outcome", DecisionOutcome),
                "decided_from": _date(r, "from"),
                "decided_to": _date(r, "to"),
                "search": _one(r, "search"),
            },
            _decision_rows,
        ),
        Export(
            "methodologies",
            [
                "proposed_reference",
                "reference",
                "version",
                "status",
                "committee",
                "title",
                "sectoral_scopes",
                "proponent",
                "public_input_opens_on",
                "public_input_closes_on",
                "approved_on",
                "decision_reference",
            ],
            lambda r: {
                "committee_code": _one(r, "committee"),
                "statuses": _enums(r, "status", MethodologyStatus),
                "sectoral_scope": _int(r, "scope"),
                "search": _one(r, "search"),
            },
            _methodology_rows,
        ),
        Export(
            "tpes",
            [
                "reference",
                "committee",
                "entity",
                "entity_country",
                "accreditation",
                "status",
                "designated_on",
                "validation_scopes",
                "verification_scopes",
                "suspended_scopes",
            ],
            lambda r: {
                "committee_code": _one(r, "committee"),
                "function": _enum(r, "function", TpeFunction),
                "sectoral_scope": _int(r, "scope"),
                "statuses": _enums(r, "status", DesignationStatus),
                "search": _one(r, "search"),
            },
            _tpe_rows,
        ),
    ]
}


async def _pages(engine: AsyncEngine, export: Export, filters: dict[str, Any]) -> AsyncIterator[list[dict[str, Any]]]:
    async with new_session(engine) as session:
        after: str | None = None
        while True:
            rows, after = await export.rows(session, filters, after)
            yield rows
            if after is None:
                return


async def _csv(pages: AsyncIterator[list[dict[str, Any]]], columns: list[str]) -> AsyncIterator[str]:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\r\n")
    writer.writeheader()
    async for rows in pages:
        writer.writerows(rows)
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    if buffer.getvalue():
        yield buffer.getvalue()


async def _json(pages: AsyncIterator[list[dict[str, Any]]]) -> AsyncIterator[str]:
    yield "["
    first = True
    async for rows in pages:
        for row in rows:
            yield ("" if first else ",") + "\n" + json.dumps(row, ensure_ascii=False)
            first = False
    yield "\n]\n"


def export_routes(engine: AsyncEngine) -> list[Route]:
    async def export(request: Request) -> Response:
        spec = EXPORTS.get(request.path_params["name"])
        extension = request.path_params["format"]
        if spec is None or extension not in ("csv", "json"):
            return JSONResponse({"error": "No such export. Try /exports/decisions.csv or .json."}, status_code=404)
        try:
            filters = spec.parse(request)
            # Check the first page before answering 200, so that a bad filter is a clear 400.
            pages = _pages(engine, spec, filters)
            first_page = await anext(pages)
        except DomainError as error:
            return parameter_error(error.field[0] if error.field else None, error.message)
        except BadParameter as error:
            return parameter_error(error.parameter, error.message)
        except StatementTimeout as error:
            # PostgreSQL cut the first page's statement (JCM_STATEMENT_TIMEOUT_MS): a clear, retryable
            # answer. A later page cut short ends the stream early; its status was already sent.
            return JSONResponse(
                {"error": str(error), **error.extensions}, status_code=503, headers={"Retry-After": "5"}
            )

        async def all_pages() -> AsyncIterator[list[dict[str, Any]]]:
            yield first_page
            async for rows in pages:
                yield rows

        filename = f"jcm-{spec.name}.{extension}"
        headers = {"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-cache"}
        if extension == "csv":
            return StreamingResponse(
                _csv(all_pages(), spec.columns), media_type="text/csv; charset=utf-8", headers=headers
            )
        return StreamingResponse(_json(all_pages()), media_type="application/json", headers=headers)

    return [Route("/exports/{name}.{format}", export, methods=["GET"])]
