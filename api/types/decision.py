from datetime import date
from typing import TYPE_CHECKING, Annotated, Self

import strawberry

from api.context import Info
from api.ids import to_global_id
from api.types.common import Node
from api.types.enums import DecisionMode, DecisionOutcome, ProposalKind
from api.types.meeting import Meeting
from api.types.proposal import Proposal
from api.types.workflow import SidePosition
from models.decision import Decision as DecisionRow

if TYPE_CHECKING:
    from api.types.committee import JointCommittee
    from api.types.subject import ProposalSubject


@strawberry.type(description="A decision of a Joint Committee, public once taken.")
class Decision(Node):
    row: strawberry.Private[DecisionRow]
    reference: str = strawberry.field(
        description="JC-{CC}-{YYYY}-{NNN}: per committee and year of decidedOn, from 001, without gaps."
    )
    kind: ProposalKind  # type: ignore[valid-type]
    outcome: DecisionOutcome  # type: ignore[valid-type]
    title: str
    summary: str | None
    decided_on: date
    mode: DecisionMode  # type: ignore[valid-type]

    @classmethod
    def from_row(cls, row: DecisionRow) -> Self:
        return cls(
            id=strawberry.ID(to_global_id("Decision", row.id)),
            row=row,
            reference=row.reference,
            kind=row.kind,
            outcome=row.outcome,
            title=row.title,
            summary=row.summary,
            decided_on=row.decided_on,
            mode=row.mode,
        )

    @strawberry.field(description="The committee that decided.")
    async def committee(self, info: Info) -> Annotated["JointCommittee", strawberry.lazy("api.types.committee")]:
        from api.types.committee import JointCommittee

        return JointCommittee.from_row(await info.context.loaders.committee.load(self.row.committee_id))

    @strawberry.field(description="The meeting that decided it, in mode MEETING.")
    async def meeting(self, info: Info) -> Meeting | None:
        if self.row.meeting_id is None:
            return None
        return Meeting.from_row(await info.context.loaders.meeting.load(self.row.meeting_id))

    @strawberry.field(description="The proposal decided on.")
    async def proposal(self, info: Info) -> Proposal:
        return Proposal.from_row(await info.context.loaders.proposal.load(self.row.proposal_id))

    @strawberry.field(description="Both sides' positions that made the decision; an objection carries its reason.")
    async def positions(self, info: Info) -> list[SidePosition]:
        rows = await info.context.loaders.positions.load((self.row.proposal_id, self.row.round))
        return [SidePosition.from_row(row) for row in rows]

    @strawberry.field(description="What the decision changed; null for kind OTHER.")
    async def subject(self, info: Info) -> Annotated["ProposalSubject", strawberry.lazy("api.types.subject")] | None:
        from api.types.subject import load_subject

        proposal = await info.context.loaders.proposal.load(self.row.proposal_id)
        return await load_subject(info, proposal.subject_type, proposal.subject_id)
