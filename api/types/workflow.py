"""Pieces of a proposal's life: positions, history, public input and comments."""

from datetime import date, datetime
from typing import Self

import strawberry

from api.ids import to_global_id
from api.types.common import Node
from api.types.enums import Position, ProposalStatus, Side
from api.types.relations import relation
from api.types.rows import renders
from models.proposal import PublicComment as CommentRow
from models.proposal import SidePosition as PositionRow
from models.proposal import WorkflowEvent as EventRow
from models.types import saved_id


@renders(PositionRow)
@strawberry.type(description="One side's position on a circulated proposal.")
class SidePosition:
    side: Side = strawberry.field(description="Whose position: JAPAN or PARTNER.")
    position: Position = strawberry.field(description="CONSENT or OBJECTION.")
    statement: str | None = strawberry.field(description="The side's statement; an objection always has one.")
    recorded_by: str = strawberry.field(description="Who recorded it for the side (the token's holder).")
    recorded_at: datetime = strawberry.field(description="When it was recorded (UTC).")

    @classmethod
    def from_row(cls, row: PositionRow) -> Self:
        return cls(
            side=row.side,
            position=row.position,
            statement=row.statement,
            recorded_by=row.recorded_by,
            recorded_at=row.recorded_at,
        )


@renders(EventRow)
@strawberry.type(description="One step in a proposal's history.")
class WorkflowEvent:
    at: datetime = strawberry.field(description="When the step was taken (UTC).")
    action: str = strawberry.field(
        description="created, submitted, returned, publicInputOpened, circulated, consented, objected, "
        "approved, notApproved, withdrawn or lapsed."
    )
    actor: str = strawberry.field(description="Who took the step; `JCM system` when a deadline passed.")
    from_status: ProposalStatus | None = strawberry.field(description="The status before the step; null for creation.")
    to_status: ProposalStatus = strawberry.field(description="The status after the step.")
    note: str | None = strawberry.field(description="A reason, statement, window or circulation detail.")

    @classmethod
    def from_row(cls, row: EventRow) -> Self:
        return cls(
            at=row.at,
            action=row.action,
            actor=row.actor,
            from_status=row.from_status,
            to_status=row.to_status,
            note=row.note,
        )


@renders(CommentRow, node=lambda loaders: loaders.visible_comment)
@strawberry.type(
    description="A comment from the public, given during a public-input window (a proposal's or a project "
    "design document's). Seen by whoever sees that proposal or project; found by its id with `node`."
)
class PublicComment(Node):
    author: str = strawberry.field(description="The commenter's name, as given; published.")
    affiliation: str | None = strawberry.field(description="The commenter's organisation, as given; null when none.")
    body: str = strawberry.field(description="The comment's text, as given (up to 10,000 characters).")
    submitted_at: datetime = strawberry.field(description="When it was received (UTC).")

    @classmethod
    def from_row(cls, row: CommentRow) -> Self:
        return cls(
            id=strawberry.ID(to_global_id("PublicComment", saved_id(row))),
            author=row.author,
            affiliation=row.affiliation,
            body=row.body,
            submitted_at=row.submitted_at,
        )


@strawberry.type(description="The public-input period: both days included.")
class PublicInputWindow:
    opens_on: date = strawberry.field(description="First day comments are accepted.")
    closes_on: date = strawberry.field(description="Last day comments are accepted (included).")
    # Whose window it is: a proposal's, or a project design document's.
    proposal_pk: strawberry.Private[int | None] = None
    project_pk: strawberry.Private[int | None] = None
    comments = relation(
        list[PublicComment],
        lambda loaders: loaders.window_comments,
        lambda window: (window.proposal_pk, window.project_pk),
        description="Comments received, oldest first.",
    )
