"""proposeTpeDesignation, proposeTpeSuspension, proposeTpeWithdrawal and recordVoluntaryWithdrawal."""

from typing import Any

import strawberry

from api.context import Info
from api.mutations.base import decode_id, mutate
from api.types.common import UserError
from api.types.enums import TpeFunction
from api.types.proposal import Proposal
from api.types.tpe import TpeDesignation
from models.enums import ProposalKind
from resolvers import tpes
from resolvers.tpes import DesignationChange


@strawberry.input(description="Designate an entity in one committee, for scopes of validation and of verification.")
class ProposeTpeDesignationInput:
    committee_code: str = strawberry.field(
        description="The committee that is to designate it: the partner's ISO code (VN)."
    )
    entity_id: strawberry.ID = strawberry.field(
        description="The global id of a registered ThirdPartyEntity whose accreditation has not expired."
    )
    validation_scopes: list[int] = strawberry.field(
        description="Scopes 1–15 to validate in; may be empty if verification is not."
    )
    verification_scopes: list[int] = strawberry.field(description="Scopes 1–15 to verify in.")


@strawberry.input(description="Suspend or withdraw a designation, whole or in part.")
class ProposeTpeActionInput:
    reference: str = strawberry.field(description="The designation's reference: TPE-VN-003.")
    reason: str = strawberry.field(
        description="Why the designation is to be suspended or withdrawn; published with the decision."
    )
    function: TpeFunction | None = strawberry.field(default=None, description="Only this function's scopes.")
    scopes: list[int] | None = strawberry.field(
        default=None, description="Only these scopes. Omit both: the whole designation."
    )


@strawberry.type(
    description="What a TPE designation mutation returns: the designation, the proposal it opened (if any), or why nothing changed."
)
class DesignationPayload:
    designation: TpeDesignation | None = strawberry.field(description="The designation; null on error.")
    proposal: Proposal | None = strawberry.field(
        description="The proposal carrying the change; null when it took effect at once."
    )
    user_errors: list[UserError] = strawberry.field(description="Why nothing changed; empty on success.")


def _render(result: DesignationChange) -> dict[str, Any]:
    return {
        "designation": TpeDesignation.from_row(result.designation),
        "proposal": Proposal.from_row(result.proposal) if result.proposal else None,
    }


@strawberry.mutation(
    description="Propose designating an entity, or extra scopes, or lifting a suspension: the secretariat."
)
async def propose_tpe_designation(info: Info, input: ProposeTpeDesignationInput) -> DesignationPayload:
    return await mutate(
        info,
        lambda session, principal: tpes.propose_designation(
            session,
            principal,
            committee_code=input.committee_code,
            entity_id=decode_id(input.entity_id, "ThirdPartyEntity", "entityId"),
            validation_scopes=input.validation_scopes,
            verification_scopes=input.verification_scopes,
        ),
        DesignationPayload,
        _render,
    )


async def _action(info: Info, input: ProposeTpeActionInput, kind: ProposalKind) -> DesignationPayload:
    return await mutate(
        info,
        lambda session, principal: tpes.propose_action(
            session,
            principal,
            kind=kind,
            reference=input.reference,
            reason=input.reason,
            function=input.function,
            scopes=input.scopes,
        ),
        DesignationPayload,
        _render,
    )


@strawberry.mutation(
    description="Propose suspending a designation or some of its scopes, with a reason: the secretariat or a side."
)
async def propose_tpe_suspension(info: Info, input: ProposeTpeActionInput) -> DesignationPayload:
    return await _action(info, input, ProposalKind.TPE_SUSPENSION)


@strawberry.mutation(
    description="Propose withdrawing a designation or some of its scopes, with a reason: the secretariat or a side."
)
async def propose_tpe_withdrawal(info: Info, input: ProposeTpeActionInput) -> DesignationPayload:
    return await _action(info, input, ProposalKind.TPE_WITHDRAWAL)


@strawberry.mutation(
    description="Record an entity's voluntary withdrawal, whole or in part: the secretariat, on the entity's notice. "
    "Takes effect at once, without a decision, and is kept in the audit trail."
)
async def record_voluntary_withdrawal(info: Info, input: ProposeTpeActionInput) -> DesignationPayload:
    return await mutate(
        info,
        lambda session, principal: tpes.record_voluntary_withdrawal(
            session,
            principal,
            reference=input.reference,
            reason=input.reason,
            function=input.function,
            scopes=input.scopes,
        ),
        DesignationPayload,
        _render,
    )
