from datetime import date
from typing import TYPE_CHECKING, Annotated, Any, Self

import strawberry

from api.context import Info
from api.ids import to_global_id
from api.loaders import now_or_later, prefetch, selected_under
from api.types.common import Node
from api.types.enums import DecisionMode, DecisionOutcome, ProposalKind
from api.types.meeting import Meeting
from api.types.pagination import Connection, connection, page_args
from api.types.proposal import Proposal
from api.types.workflow import SidePosition
from models.decision import Decision as DecisionRow
from resolvers import decisions

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

    # These resolvers answer at once from what a list prefetched (see `prefetch_for`), and
    # through the loaders otherwise.
    @strawberry.field(description="The committee that decided.")
    def committee(self, info: Info) -> Annotated["JointCommittee", strawberry.lazy("api.types.committee")]:
        from api.types.committee import JointCommittee

        return now_or_later(info.context.loaders.committee, self.row.committee_id, JointCommittee.from_row)

    @strawberry.field(description="The meeting that decided it, in mode MEETING.")
    def meeting(self, info: Info) -> Meeting | None:
        if self.row.meeting_id is None:
            return None
        return now_or_later(info.context.loaders.meeting, self.row.meeting_id, Meeting.from_row)

    @strawberry.field(description="The proposal decided on.")
    def proposal(self, info: Info) -> Proposal:
        return now_or_later(info.context.loaders.proposal, self.row.proposal_id, Proposal.from_row)

    @strawberry.field(description="Both sides' positions that made the decision; an objection carries its reason.")
    def positions(self, info: Info) -> list[SidePosition]:
        key = (self.row.proposal_id, self.row.round)
        return now_or_later(info.context.loaders.positions, key, lambda rows: [SidePosition.from_row(r) for r in rows])

    @strawberry.field(description="What the decision changed; null for kind OTHER.")
    async def subject(self, info: Info) -> Annotated["ProposalSubject", strawberry.lazy("api.types.subject")] | None:
        from api.types.subject import load_subject

        proposal = await info.context.loaders.proposal.load(self.row.proposal_id)
        return await load_subject(info, proposal.subject_type, proposal.subject_id)


PREFETCH = {
    "committee": ("committee", lambda d: d.committee_id),
    "meeting": ("meeting", lambda d: d.meeting_id),
    "proposal": ("proposal", lambda d: d.proposal_id),
    "positions": ("positions", lambda d: (d.proposal_id, d.round)),
}


async def decision_connection(info: Info, page: Any) -> Any:
    """A connection of decisions whose selected nested fields are loaded up front, in one batch each."""
    await prefetch(info, page.rows, PREFETCH, selected_under(info, "edges", "node"))
    return connection(page, Decision.from_row)


@strawberry.input(description="Filters of the decision register; all given filters apply together.")
class DecisionFilter:
    committee_code: str | None = None
    kind: list[ProposalKind] | None = None  # type: ignore[valid-type]
    outcome: DecisionOutcome | None = None  # type: ignore[valid-type]
    decided_from: date | None = strawberry.field(default=None, description="On or after this day.")
    decided_to: date | None = strawberry.field(default=None, description="On or before this day.")
    search: str | None = strawberry.field(
        default=None, description="Words that must all appear in title, summary or reference."
    )


@strawberry.type
class DecisionQueries:
    @strawberry.field(description="The public decision register across committees, newest first.")
    async def decisions(
        self, info: Info, first: int | None = 20, after: str | None = None, filter: DecisionFilter | None = None
    ) -> Connection[Decision]:
        f = filter or DecisionFilter()
        page = await info.context.db.run(
            decisions.list_decisions,
            committee_code=f.committee_code,
            kinds=f.kind,
            outcome=f.outcome,
            decided_from=f.decided_from,
            decided_to=f.decided_to,
            search=f.search,
            **page_args(info, first, after),
        )
        return await decision_connection(info, page)

    @strawberry.field(description="One decision by its reference: JC-VN-2026-001.")
    async def decision(self, info: Info, reference: str) -> Decision | None:
        row = await info.context.db.run(decisions.find_by_reference, reference)
        if row is None:
            return None
        await prefetch(info, [row], PREFETCH, selected_under(info))
        return Decision.from_row(row)
