import strawberry

from api.context import Info
from api.mutations.base import decode_id, mutate
from api.types.payloads import CommentPayload
from api.types.workflow import PublicComment
from resolvers import comments


@strawberry.input(description="A public comment; no token needed. Give exactly one of proposalId and projectId.")
class CommentInput:
    proposal_id: strawberry.ID | None = strawberry.field(default=None, description="A proposal in public input.")
    project_id: strawberry.ID | None = strawberry.field(
        default=None, description="A project whose design document (PDD) is in public input."
    )
    author: str = strawberry.field(description="Your name; at most 200 characters. Published.")
    affiliation: str | None = strawberry.field(default=None, description="At most 200 characters. Published.")
    body: str = strawberry.field(description="The comment; at most 10,000 characters. Published.")


@strawberry.mutation(
    description="Comment on a proposal, or on a project design document, while its public-input window is open: "
    "anyone, with or without a token."
)
async def submit_public_comment(info: Info, input: CommentInput) -> CommentPayload:
    return await mutate(
        info,
        lambda session, principal: comments.submit_public_comment(
            session,
            principal,
            proposal_id=None if input.proposal_id is None else decode_id(input.proposal_id, "Proposal", "proposalId"),
            project_id=None if input.project_id is None else decode_id(input.project_id, "Project", "projectId"),
            author=input.author,
            affiliation=input.affiliation,
            body=input.body,
        ),
        CommentPayload,
        lambda comment: {"comment": PublicComment.from_row(comment)},
        public=True,
    )
