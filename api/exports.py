"""CSV and JSON exports of what a frontend can list, streamed page by page.

`GET /exports/{decisions,methodologies,tpes}.{csv,json}` with the filters of the matching
GraphQL list; projects and issuances come from api/project_exports.py, transfers from
api/registry_exports.py. Exports show what the public sees, whoever asks. Column names are
stable: they are documented in the README and a test holds them.
"""

import io
import json
from collections.abc import AsyncIterator
from typing import Any

from defusedcsv import csv as defused  # type: ignore[import-untyped]
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from api.asgi import json_error
from api.conditional import Conditional
from api.export_params import (
    Export,
    after_cursor,
    committee_codes,
    date_param,
    enum_values,
    int_param,
    iso,
    one,
    one_enum,
    refuse_unread,
)
from api.http_input import BadParameter, parameter_error
from api.project_exports import PROJECT_EXPORTS
from api.registry_exports import REGISTRY_EXPORTS
from models import Meeting
from models.db import StatementTimeout, new_session
from models.decision import Decision
from models.enums import DecisionOutcome, DesignationStatus, MethodologyStatus, ProposalKind, Side, TpeFunction
from models.errors import DomainError
from models.methodology import Methodology, MethodologyScope
from models.principal import PUBLIC
from models.proposal import Proposal
from models.tpe import DesignationScope, ThirdPartyEntity, TpeDesignation
from resolvers import decisions, methodology_queries, tpe_queries
from resolvers import loaders as batch

BATCH = 500


async def _decision_rows(
    session: AsyncSession, filters: dict[str, Any], after: str | None
) -> tuple[list[dict], str | None]:
    page = await decisions.list_decisions(session, first=BATCH, after=after, max_page_size=BATCH, **filters)
    rows: list[Decision] = page.rows
    codes = await committee_codes(session, [d.committee_id for d in rows])
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
    return out, after_cursor(page)


async def _methodology_rows(
    session: AsyncSession, filters: dict[str, Any], after: str | None
) -> tuple[list[dict], str | None]:
    page = await methodology_queries.list_methodologies(
        session, PUBLIC, first=BATCH, after=after, max_page_size=BATCH, **filters
    )
    rows: list[Methodology] = page.rows
    codes = await committee_codes(session, [m.committee_id for m in rows])
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
                "public_input_opens_on": iso(proposal.public_input_opens_on),
                "public_input_closes_on": iso(proposal.public_input_closes_on),
                "approved_on": iso(methodology.approved_on),
                "decision_reference": decision.reference if decision else None,
            }
        )
    return out, after_cursor(page)


async def _tpe_rows(session: AsyncSession, filters: dict[str, Any], after: str | None) -> tuple[list[dict], str | None]:
    page = await tpe_queries.list_designations(
        session, PUBLIC, first=BATCH, after=after, max_page_size=BATCH, **filters
    )
    rows: list[TpeDesignation] = page.rows
    codes = await committee_codes(session, [d.committee_id for d in rows])
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
                "designated_on": iso(designation.designated_on),
                "validation_scopes": listed(links, TpeFunction.VALIDATION, DesignationStatus.DESIGNATED),
                "verification_scopes": listed(links, TpeFunction.VERIFICATION, DesignationStatus.DESIGNATED),
                "suspended_scopes": ";".join(
                    f"{s.function.value.lower()} {s.scope}" for s in links if s.status is DesignationStatus.SUSPENDED
                ),
            }
        )
    return out, after_cursor(page)


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
                "committee_code": one(r, "committee"),
                "kinds": enum_values(r, "kind", ProposalKind),
                "outcome": one_enum(r, "outcome", DecisionOutcome),
                "decided_from": date_param(r, "from"),
                "decided_to": date_param(r, "to"),
                "search": one(r, "search"),
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
                "committee_code": one(r, "committee"),
                "statuses": enum_values(r, "status", MethodologyStatus),
                "sectoral_scope": int_param(r, "scope"),
                "search": one(r, "search"),
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
                "committee_code": one(r, "committee"),
                "function": one_enum(r, "function", TpeFunction),
                "sectoral_scope": int_param(r, "scope"),
                "statuses": enum_values(r, "status", DesignationStatus),
                "search": one(r, "search"),
            },
            _tpe_rows,
        ),
        *PROJECT_EXPORTS,
        *REGISTRY_EXPORTS,
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


# Excel reads a CSV file without a byte order mark in the machine's code page (Shift_JIS on a
# Japanese Windows): the BOM tells it the file is UTF-8. LibreOffice and Python's csv ignore it
# (open with encoding="utf-8-sig", or strip it).
BOM = "\ufeff"
# defusedcsv prefixes a text cell starting with = + - @ | or % with an apostrophe (and escapes its
# pipes), so that a spreadsheet shows it as text instead of running it as a formula; it leaves
# numbers, and text that is a plain negative number such as "-1", as they are. OWASP also lists a
# leading tab and carriage return, which defusedcsv 3.0 does not: those cells get the same
# apostrophe here, after which defusedcsv leaves them alone.
UNSAFE_START = ("\t", "\r")


def _cell(value: Any) -> Any:
    # CSV has no booleans: true/false as JSON writes them, not Python's True/False.
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str) and value.startswith(UNSAFE_START):
        return "'" + value
    return value


async def _csv(pages: AsyncIterator[list[dict[str, Any]]], columns: list[str]) -> AsyncIterator[str]:
    buffer = io.StringIO()
    buffer.write(BOM)
    writer = defused.DictWriter(buffer, fieldnames=columns, lineterminator="\r\n")
    writer.writeheader()
    async for rows in pages:  # one page at a time: the file is never held whole
        writer.writerows([{k: _cell(v) for k, v in row.items()} for row in rows])
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
    conditional = Conditional(engine)

    async def export(request: Request) -> Response:
        spec = EXPORTS.get(request.path_params["name"])
        extension = request.path_params["format"]
        if spec is None or extension not in ("csv", "json"):
            return json_error(404, "No such export. Try /exports/decisions.csv or .json.", "NOT_FOUND")
        try:
            filters = spec.parse(request)
            refuse_unread(request)
        except DomainError as error:
            return parameter_error(error.field[0] if error.field else None, error.message)
        except BadParameter as error:
            return parameter_error(error.parameter, error.message)
        validators = await conditional.validators(request)
        if validators.unchanged_for(request):
            return validators.not_modified()
        try:
            # Check the first page before answering 200, so that a bad filter is a clear 400.
            pages = _pages(engine, spec, filters)
            first_page = await anext(pages)
        except DomainError as error:
            return parameter_error(error.field[0] if error.field else None, error.message)
        except StatementTimeout as error:
            # PostgreSQL cut the first page's statement (JCM_STATEMENT_TIMEOUT_MS): a clear, retryable
            # answer. A later page cut short ends the stream early; its status was already sent.
            extensions = dict(error.extensions)
            code = str(extensions.pop("code"))
            return json_error(503, str(error), code, {"Retry-After": "5"}, **extensions)

        async def all_pages() -> AsyncIterator[list[dict[str, Any]]]:
            yield first_page
            async for rows in pages:
                yield rows

        filename = f"jcm-{spec.name}.{extension}"
        headers = {"Content-Disposition": f'attachment; filename="{filename}"', **validators.headers}
        if extension == "csv":
            return StreamingResponse(
                _csv(all_pages(), spec.columns), media_type="text/csv; charset=utf-8", headers=headers
            )
        return StreamingResponse(_json(all_pages()), media_type="application/json", headers=headers)

    return [Route("/exports/{name}.{format}", export, methods=["GET"])]
