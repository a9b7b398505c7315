import strawberry

from api.context import Info
from api.mutations.base import decode_id, mutate
from api.mutations.project_payloads import ProjectPayload, render_proposed
from resolvers import projects


@strawberry.input(description="The registration of a planned project.")
class ProposeRegistrationInput:
    project_id: strawberry.ID = strawberry.field(description="A PLANNED project whose PDD's public input has closed.")
    methodology_reference: str = strawberry.field(
        description="A VALID methodology of the same committee covering every scope of the project: VN_AM003."
    )
    validator_reference: str = strawberry.field(
        description="An entity of that committee designated today for VALIDATION in one of the project's scopes: "
        "TPE-VN-001."
    )


@strawberry.input(description="The withdrawal of a registered project, with a reason.")
class ProposeProjectWithdrawalInput:
    project_id: strawberry.ID = strawberry.field(description="A REGISTERED project.")
    reason: str = strawberry.field(description="Why; at most 10,000 characters. Becomes the proposal's summary.")


@strawberry.mutation(
    description="Propose a project's registration as a DRAFT PROJECT_REGISTRATION proposal; the project becomes "
    "REGISTRATION_REQUESTED. Approval registers it (VN051); an objection leaves it NOT_REGISTERED. "
    "Each unmet condition is its own error naming its field. The secretariat."
)
async def propose_registration(info: Info, input: ProposeRegistrationInput) -> ProjectPayload:
    return await mutate(
        info,
        lambda session, principal: projects.propose_registration(
            session,
            principal,
            project_id=decode_id(input.project_id, "Project", "projectId"),
            methodology_reference=input.methodology_reference,
            validator_reference=input.validator_reference,
        ),
        ProjectPayload,
        render_proposed,
    )


@strawberry.mutation(
    description="Propose withdrawing a REGISTERED project, as a DRAFT PROJECT_WITHDRAWAL proposal; approval makes "
    "it WITHDRAWN. One open at a time, and not while an issuance request of the project awaits the committee. "
    "The secretariat, Japan, or that committee's partner."
)
async def propose_project_withdrawal(info: Info, input: ProposeProjectWithdrawalInput) -> ProjectPayload:
    return await mutate(
        info,
        lambda session, principal: projects.propose_withdrawal(
            session, principal, project_id=decode_id(input.project_id, "Project", "projectId"), reason=input.reason
        ),
        ProjectPayload,
        render_proposed,
    )
