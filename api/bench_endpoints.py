"""Benchmark-only plain JSON endpoints: the same SQL as the GraphQL fields, the same data, no
GraphQL. Mounted only with JCM_BENCHMARK_ENDPOINTS=true, so that `jcm benchmark` can measure
what GraphQL itself costs."""

from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from models import JointCommittee
from models.db import new_session
from models.decision import Decision
from models.proposal import Proposal
from resolvers import decisions
from resolvers import loaders as batch


async def _render(session: Any, rows: list[Decision]) -> list[dict[str, Any]]:
    committees = {
        c.id: c for c in await batch.one_by(session, JointCommittee, "id", [d.committee_id for d in rows]) if c
    }
    proposals = {p.id: p for p in await batch.one_by(session, Proposal, "id", [d.proposal_id for d in rows]) if p}
    positions = await batch.positions(session, [(d.proposal_id, d.round) for d in rows])
    return [
        {
            "reference": d.reference,
            "outcome": d.outcome.value,
            "committee": {"name": {"en": committees[d.committee_id].name_en}},
            "positions": [{"side": p.side.value, "position": p.position.value} for p in sides],
            "proposal": {"title": proposals[d.proposal_id].title},
        }
        for d, sides in zip(rows, positions, strict=True)
    ]


def bench_routes(engine: AsyncEngine) -> list[Route]:
    async def page(request: Request) -> Response:
        first = int(request.query_params.get("first", "20"))
        async with new_session(engine) as session:
            result = await decisions.list_decisions(
                session, first=first, after=request.query_params.get("after"), max_page_size=100
            )
            nodes = await _render(session, result.rows)
        edges = [{"cursor": cursor, "node": node} for cursor, node in zip(result.cursors, nodes, strict=True)]
        return JSONResponse({"data": {"decisions": {"totalCount": result.total, "edges": edges}}})

    async def one(request: Request) -> Response:
        async with new_session(engine) as session:
            row = await decisions.find_by_reference(session, request.path_params["reference"])
            node = (await _render(session, [row]))[0] if row else None
        return JSONResponse({"data": {"decision": node}})

    return [
        Route("/bench/decisions", page, methods=["GET"]),
        Route("/bench/decision/{reference}", one, methods=["GET"]),
    ]
