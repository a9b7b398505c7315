"""Inputs shared by several workflow mutations."""

import strawberry


@strawberry.input(description="A proposal, and the version the client last saw.")
class ProposalRef:
    id: strawberry.ID = strawberry.field(description="The proposal's id.")
    expected_version: int | None = strawberry.field(
        default=None, description="When given and the proposal has changed since, nothing happens: STALE_VERSION."
    )


@strawberry.input(description="A proposal and the reason for a step.")
class ReasonInput:
    id: strawberry.ID = strawberry.field(description="The proposal's id.")
    expected_version: int | None = strawberry.field(default=None, description="See ProposalRef.expectedVersion.")
    reason: str = strawberry.field(description="Why; required, at most 5,000 characters. Shown in the history.")
