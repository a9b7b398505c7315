from datetime import date

import strawberry

from api.context import Info
from api.mutations.base import mutate
from api.mutations.project_payloads import IssuancePayload, render_issuance
from api.types.enums import CreditHolder
from resolvers import issuances


@strawberry.input(description="One holder's share of the requested credits.")
class AllocationInput:
    holder: CreditHolder = strawberry.field(
        description="Whose share: PARTNER_GOVERNMENT, JAPAN_GOVERNMENT or PROJECT_PARTICIPANTS; each at most once."
    )
    amount: int = strawberry.field(description="Whole t-CO2e, 0 or more.")


@strawberry.input(description="A request for the credits of one monitoring period.")
class RequestIssuanceInput:
    project_reference: str = strawberry.field(description="A REGISTERED project: VN051.")
    monitoring_from: date = strawberry.field(description="First day of the monitoring period.")
    monitoring_to: date = strawberry.field(
        description="Not before monitoringFrom, not in the future; the period may not overlap an earlier request "
        "of the project that was not withdrawn."
    )
    verifier_reference: str = strawberry.field(
        description="An entity of that committee designated today for VERIFICATION in one of the project's scopes."
    )
    requested_amount: int = strawberry.field(description="Whole t-CO2e, above 0.")
    allocations: list[AllocationInput] = strawberry.field(
        description="The split among holders, each at most once, adding up exactly to requestedAmount."
    )


@strawberry.mutation(
    description="Request the credits of a monitoring period: a REQUESTED issuance with a DRAFT CREDIT_ISSUANCE "
    "proposal. Approval notifies them (NOTIFIED); an objection, NOT_APPROVED; withdrawal, WITHDRAWN. Not while the "
    "project's withdrawal is proposed. The secretariat."
)
async def request_issuance(info: Info, input: RequestIssuanceInput) -> IssuancePayload:
    return await mutate(
        info,
        lambda session, principal: issuances.request_issuance(
            session,
            principal,
            project_reference=input.project_reference,
            monitoring_from=input.monitoring_from,
            monitoring_to=input.monitoring_to,
            verifier_reference=input.verifier_reference,
            requested_amount=input.requested_amount,
            allocations=[(a.holder, a.amount) for a in input.allocations],
        ),
        IssuancePayload,
        render_issuance,
    )
