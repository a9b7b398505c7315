"""Payloads shared by several mutations: the changed object, or why nothing changed.

Built by `api.mutations.base.mutate`; `render_*` map a resolver's result to a payload's fields.
"""

from typing import Any

import strawberry

from api.types.common import UserError
from api.types.decision import Decision
from api.types.proposal import Proposal
from api.types.workflow import PublicComment
from models.proposal import Proposal as ProposalRow


@strawberry.type(
    description="What a step of a proposal's workflow returns: the proposal as it now is, or why nothing changed."
)
class ProposalPayload:
    proposal: Proposal | None = strawberry.field(description="The proposal as it now is; null on error.")
    user_errors: list[UserError] = strawberry.field(description="Why nothing changed; empty on success.")


@strawberry.type(
    description="What a side's position returns: the proposal, and the decision when this position completed one (both sides consented, or one objected)."
)
class DecisionPayload:
    proposal: Proposal | None = strawberry.field(description="The proposal as it now is; null on error.")
    decision: Decision | None = strawberry.field(description="The decision, when this position completed one.")
    user_errors: list[UserError] = strawberry.field(description="Why nothing changed; empty on success.")


@strawberry.type(description="What submitPublicComment returns: the comment as published, or why it was refused.")
class CommentPayload:
    comment: PublicComment | None = strawberry.field(description="The comment as recorded; null on error.")
    user_errors: list[UserError] = strawberry.field(description="Why nothing changed; empty on success.")


def render_proposal(row: ProposalRow) -> dict[str, Any]:
    """ProposalPayload's fields for a step's result, the proposal as it now is."""
    return {"proposal": Proposal.from_row(row)}
