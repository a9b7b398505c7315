"""giveConsent and raiseObjection: the two halves of one act, a side's position."""

from typing import Any

import strawberry

from api.context import Info
from api.mutations.base import decode_id, mutate
from api.types.decision import Decision
from api.types.payloads import DecisionPayload
from api.types.proposal import Proposal
from models.enums import Position
from resolvers import positions
from resolvers.positions import PositionTaken


@strawberry.input(description="A side's position on a circulated proposal; the side is taken from the token.")
class PositionInput:
    id: strawberry.ID = strawberry.field(description="The proposal's id.")
    expected_version: int | None = strawberry.field(default=None, description="See ProposalRef.expectedVersion.")
    statement: str | None = strawberry.field(
        default=None, description="The side's statement; required for an objection. At most 5,000 characters."
    )


def _render(result: PositionTaken) -> dict[str, Any]:
    """The decision, when the position completed one, was announced by the deciding transaction
    (resolvers.decisions), and is published once it committed (resolvers.events)."""
    return {
        "proposal": Proposal.from_row(result.proposal),
        "decision": Decision.from_row(result.decision) if result.decision else None,
    }


async def _position(info: Info, input: PositionInput, position: Position) -> DecisionPayload:
    return await mutate(
        info,
        lambda session, principal: positions.give_position(
            session,
            principal,
            proposal_id=decode_id(input.id, "Proposal", "id"),
            position=position,
            statement=input.statement,
            expected_version=input.expected_version,
        ),
        DecisionPayload,
        _render,
    )


@strawberry.mutation(
    description="Consent for your side (Japan, or that committee's partner). When both sides consented, the decision is taken."
)
async def give_consent(info: Info, input: PositionInput) -> DecisionPayload:
    return await _position(info, input, Position.CONSENT)


@strawberry.mutation(
    description="Object for your side, with a statement. An objection decides: NOT_APPROVED, carrying the statement."
)
async def raise_objection(info: Info, input: PositionInput) -> DecisionPayload:
    return await _position(info, input, Position.OBJECTION)
