"""The workflow driver: starting states built through the resolvers, the action under test over HTTP.

A builder (`create`, `submitted`, `circulated`, `in_status`, `decide`, `meeting`, ...) writes
through the resolver functions with the principals the test tokens stand for
(`tests.support.tokens.principal`), in a session of the test's engine, and reads the result back
over GraphQL, so a test sees the same shapes as before. What a test asserts on an action is
always done over HTTP: `call`/`ok` post a document with the caller's token. Where a builder
returns a mutation payload (`decided`, `decide`, `approve`), that last step, the one producing
the payload, is still posted over HTTP.

Builders call the resolvers here and in the other tests/support modules, and resolvers' pair
results are unpacked in tests/support/resolved.py, so that a change of their signatures or results
is fixed in one place, not in the tests.
"""

from collections.abc import Awaitable, Callable
from datetime import date, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from api.ids import from_global_id, to_global_id
from models import clock
from models.db import new_session
from models.enums import DecisionMode, Position, ProposalKind, Role
from models.principal import Principal
from resolvers.meetings import schedule_meeting
from resolvers.positions import give_position
from resolvers.proposals import (
    circulate_proposal,
    create_proposal,
    open_public_input,
    return_proposal,
    submit_proposal,
    withdraw_proposal,
)
from tests.support.documents import CONSENT, OBJECT, PROPOSAL
from tests.support.graphql import GraphQLClient
from tests.support.tokens import Tokens, principal


def pk(global_id: str) -> int:
    """The primary key behind a global id made by the API."""
    decoded = from_global_id(global_id)
    assert decoded is not None, global_id
    return decoded[1]


class Workflow:
    """Drives proposals as the secretariat and the two sides would: builders through the
    resolvers, actions (`call`, `ok`) through GraphQL."""

    def __init__(self, gql: GraphQLClient, tokens: Tokens, engine: AsyncEngine):
        self.gql, self.tokens, self.engine = gql, tokens, engine
        self._tokens: dict[str, str] = {}

    # --- over HTTP ------------------------------------------------------------------------------

    async def token(self, who: str) -> str:
        """One token per caller and test: "secretariat", "japan", or a partner's country code."""
        if who not in self._tokens:
            self._tokens[who] = await self.tokens.for_(who)
        return self._tokens[who]

    async def call(self, document: str, input: dict, who: str | None) -> dict:
        token = await self.token(who) if who else None
        data = await self.gql(document, {"input": input}, token=token)
        return next(iter(data.values()))

    async def ok(self, document: str, input: dict, who: str | None) -> dict:
        payload = await self.call(document, input, who)
        assert payload["userErrors"] == [], payload["userErrors"]
        return payload

    async def read(self, proposal_id: str, who: str | None = "secretariat") -> dict | None:
        token = await self.token(who) if who else None
        return (await self.gql(PROPOSAL, {"id": proposal_id}, token=token))["node"]

    # --- through the resolvers ------------------------------------------------------------------

    async def run(self, who: str, resolver: Callable[..., Awaitable[Any]], **arguments: Any) -> Any:
        """`resolver(session, principal, **arguments)` as `who`, in a session of its own."""
        async with new_session(self.engine) as session:
            return await resolver(session, principal(who), **arguments)

    async def created(
        self,
        committee: str = "VN",
        who: str = "secretariat",
        kind: str = "OTHER",
        title: str = "Interim special measures",
        summary: str = "Why and what.",
    ) -> int:
        """A DRAFT; its primary key."""
        proposal = await self.run(
            who, create_proposal, committee_code=committee, kind=ProposalKind(kind), title=title, summary=summary
        )
        return proposal.id

    async def submit(self, id: int, who: str = "secretariat") -> None:
        await self.run(who, submit_proposal, proposal_id=id)

    async def circulate(self, id: int, deadline: date | str | None = None, days: int = 14) -> None:
        """Circulated electronically until `deadline` (default: `days` from today)."""
        if deadline is None:
            deadline = clock.today() + timedelta(days=days)
        elif isinstance(deadline, str):
            deadline = date.fromisoformat(deadline)
        await self.run(
            "secretariat", circulate_proposal, proposal_id=id, mode=DecisionMode.ELECTRONIC, deadline=deadline
        )

    async def open_public_input(self, id: int, days: int | None = None) -> None:
        await self.run("secretariat", open_public_input, proposal_id=id, days=days)

    async def position(self, id: int, who: str, position: Position = Position.CONSENT, statement: str | None = None):
        await self.run(who, give_position, proposal_id=id, position=position, statement=statement)

    async def objection(self, id: int, who: str, statement: str) -> None:
        await self.position(id, who, Position.OBJECTION, statement)

    async def create(
        self,
        committee: str = "VN",
        who: str = "secretariat",
        kind: str = "OTHER",
        title: str = "Interim special measures",
        summary: str = "Why and what.",
    ) -> dict:
        """A DRAFT by `who`, as `who` reads it."""
        id = await self.created(committee, who, kind, title, summary)
        return await self.read(to_global_id("Proposal", id), who)

    async def submitted(
        self, committee: str = "VN", kind: str = "OTHER", title: str = "Interim special measures"
    ) -> dict:
        id = await self.created(committee, kind=kind, title=title)
        await self.submit(id)
        return await self.read(to_global_id("Proposal", id))

    async def circulated(
        self,
        committee: str = "VN",
        deadline: str = "2026-12-10",
        kind: str = "OTHER",
        title: str = "Interim special measures",
    ) -> dict:
        id = await self.created(committee, kind=kind, title=title)
        await self.submit(id)
        await self.circulate(id, deadline)
        return await self.read(to_global_id("Proposal", id))

    async def decided(self, committee: str = "VN", title: str = "Interim special measures") -> dict:
        """Circulated until 10 December and consented to by Japan; the partner's deciding consent
        (over HTTP) is the payload returned."""
        id = await self.created(committee, title=title)
        await self.submit(id)
        await self.circulate(id, "2026-12-10")
        await self.position(id, "japan")
        return await self.ok(CONSENT, {"id": to_global_id("Proposal", id)}, committee)

    async def in_status(
        self,
        status: str,
        committee: str = "VN",
        proposer: str = "secretariat",
        kind: str = "OTHER",
        title: str = "Interim special measures",
        frozen_clock=None,
    ) -> dict:
        """A proposal created by `proposer` and moved by the secretariat and both sides into `status`.

        LAPSED needs `frozen_clock`: the item is circulated with tomorrow as its deadline and the
        clock is then moved two days on (the caller's clock stays there).
        """
        id = await self.created(committee, who=proposer, kind=kind, title=title)
        if status == "WITHDRAWN":
            await self.run("secretariat", withdraw_proposal, proposal_id=id, reason="Superseded.")
        if status not in ("DRAFT", "WITHDRAWN"):
            await self.submit(id)
        if status == "RETURNED":
            await self.run("secretariat", return_proposal, proposal_id=id, reason="Annex missing.")
        if status == "PUBLIC_INPUT":
            await self.open_public_input(id)
        if status in ("UNDER_CONSIDERATION", "APPROVED", "NOT_APPROVED", "LAPSED"):
            await self.circulate(id, days=1 if status == "LAPSED" else 12)
        if status == "APPROVED":
            await self.position(id, "japan")
            await self.position(id, committee)
        if status == "NOT_APPROVED":
            await self.position(id, "japan", Position.OBJECTION, "Not additional.")
        if status == "LAPSED":
            assert frozen_clock is not None, "LAPSED moves the clock: pass frozen_clock"
            frozen_clock.set(frozen_clock.at + timedelta(days=2))
        read = await self.read(to_global_id("Proposal", id))
        assert read["status"] == status, read
        return read

    async def decide(
        self,
        committee: str = "VN",
        *,
        kind: str = "OTHER",
        title: str = "Interim special measures",
        summary: str = "Why and what.",
        outcome: str = "APPROVED",
    ) -> dict:
        """A proposal created, circulated and decided today; the payload of the deciding position
        (posted over HTTP)."""
        id = await self.created(committee, kind=kind, title=title, summary=summary)
        await self.submit(id)
        await self.circulate(id, days=14)
        ref = {"id": to_global_id("Proposal", id)}
        if outcome == "NOT_APPROVED":
            return await self.ok(OBJECT, ref | {"statement": "Not additional."}, "japan")
        await self.position(id, "japan")
        return await self.ok(CONSENT, ref, committee)

    async def meeting(self, committee: str = "VN", held_on: str = "2026-12-15") -> dict:
        """The committee's next meeting, as scheduleMeeting answers it ({id number heldOn})."""
        meeting = await self.run(
            "secretariat",
            schedule_meeting,
            committee_code=committee,
            held_on=date.fromisoformat(held_on),
            venue="Online",
        )
        return {
            "id": to_global_id("Meeting", meeting.id),
            "number": meeting.number,
            "heldOn": meeting.held_on.isoformat(),
        }


# --- states with no HTTP at all (races, pages, counts) ----------------------------------------

SECRETARIAT = Principal(Role.SECRETARIAT, name="JCMA")


async def circulated_proposals(engine, count: int, committee: str = "VN") -> list[int]:
    ids = []
    async with new_session(engine) as session:
        for n in range(count):
            proposal = await create_proposal(
                session, SECRETARIAT, committee_code=committee, kind=ProposalKind.OTHER, title=f"Item {n + 1}"
            )
            await submit_proposal(session, SECRETARIAT, proposal_id=proposal.id)
            await circulate_proposal(
                session, SECRETARIAT, proposal_id=proposal.id, mode=DecisionMode.ELECTRONIC, deadline=date(2026, 12, 31)
            )
            ids.append(proposal.id)
    return ids
