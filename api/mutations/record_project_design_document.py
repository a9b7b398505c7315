import strawberry

from api.context import Info
from api.mutations.base import decode_id, mutate
from api.mutations.project_payloads import ProjectPayload, render_project
from models.project import DEFAULT_PDD_DAYS
from resolvers import projects


@strawberry.input(description="A project design document (PDD), as published.")
class RecordProjectDesignDocumentInput:
    project_id: strawberry.ID = strawberry.field(description="A PLANNED project.")
    uri: str = strawberry.field(description="Where the PDD is published: an http(s) address.")
    sha256: str = strawberry.field(description="The SHA-256 digest of the document: 64 hex digits.")
    public_input_days: int | None = strawberry.field(
        default=DEFAULT_PDD_DAYS, description="How long public input runs from today, both ends included: 1 to 90."
    )


@strawberry.mutation(
    description="Record a PLANNED project's PDD and open its public input today (30 days unless told). "
    "Anyone comments with submitPublicComment(projectId:). The secretariat."
)
async def record_project_design_document(info: Info, input: RecordProjectDesignDocumentInput) -> ProjectPayload:
    return await mutate(
        info,
        lambda session, principal: projects.record_design_document(
            session,
            principal,
            project_id=decode_id(input.project_id, "Project", "projectId"),
            uri=input.uri,
            sha256=input.sha256,
            public_input_days=DEFAULT_PDD_DAYS if input.public_input_days is None else input.public_input_days,
        ),
        ProjectPayload,
        render_project,
    )
