"""The payloads of the projects area's mutations, and how a resolver's result fills them."""

from typing import Any

import strawberry

from api.types.common import UserError
from api.types.project import CreditIssuance, Project
from api.types.proposal import Proposal
from models.project import Project as ProjectRow
from resolvers.issuances import IssuanceResult
from resolvers.projects import ProjectProposed


@strawberry.type(
    description="What a project mutation returns: the project, the proposal it opened (if any), or why nothing changed."
)
class ProjectPayload:
    project: Project | None = strawberry.field(description="The project as it is now; null on error.")
    proposal: Proposal | None = strawberry.field(
        description="The DRAFT proposal this step opened (PIN, registration, withdrawal); null when none was opened."
    )
    user_errors: list[UserError] = strawberry.field(description="Why nothing changed; empty on success.")


@strawberry.type(
    description="What an issuance mutation returns (request, authorization, recording, nullification for the NDC): the issuance as it now is with its CREDIT_ISSUANCE proposal, or why nothing changed."
)
class IssuancePayload:
    issuance: CreditIssuance | None = strawberry.field(description="The issuance as it is now; null on error.")
    proposal: Proposal | None = strawberry.field(description="Its CREDIT_ISSUANCE proposal.")
    user_errors: list[UserError] = strawberry.field(description="Why nothing changed; empty on success.")


def render_proposed(result: ProjectProposed) -> dict[str, Any]:
    return {"project": Project.from_row(result.project), "proposal": Proposal.from_row(result.proposal)}


def render_project(project: ProjectRow) -> dict[str, Any]:
    return {"project": Project.from_row(project), "proposal": None}


def render_issuance(result: IssuanceResult) -> dict[str, Any]:
    return {"issuance": CreditIssuance.from_row(result.issuance), "proposal": Proposal.from_row(result.proposal)}
