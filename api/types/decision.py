from datetime import date
from typing import TYPE_CHECKING, Annotated, Self

import strawberry

from api.context import Info
from api.ids import to_global_id
from api.types.common import Node
from api.types.enums import DecisionMode, DecisionOutcome, ProposalKind
from api.types.meeting import Meeting
from api.types.pagination import After, Before, Connection, First, Last, Paging, connection, page_args
from api.types.proposal import Proposal
from api.types.relations import prefetch, relation
from api.types.rows import load_subject, render, renders
from api.types.workflow import SidePosition
from models.decision import Decision as DecisionRow
from models.types import saved_id
from resolvers import decisions

if TYPE_CHECKING:
    from api.types.committee import JointCommittee
    from api.types.subject import ProposalSubject


@renders(DecisionRow, node=lambda loaders: loaders.decision)
@strawberry.type(description="A decision of a Joint Committee, public once taken.")
class Decision(Node):
    row: strawberry.Private[DecisionRow]
    reference: str = strawberry.field(
        description="JC-{CC}-{YYYY}-{NNN}: per committee and year of decidedOn, from 001, without gaps."
    )
    kind: ProposalKind = strawberry.field(
        description="What kind of item was decided: a rule version, a methodology, a TPE designation, a project ..."
    )
    outcome: DecisionOutcome = strawberry.field(
        description="APPROVED when both sides consented; NOT_APPROVED on an objection (a decision on objection)."
    )
    title: str = strawberry.field(description="The item's title, as published in the register.")
    summary: str | None = strawberry.field(
        description="What was decided, in a few sentences; null when none was given."
    )
    decided_on: date = strawberry.field(
        description="The day the decision was taken: the meeting day, or the day the last consent or the objection came."
    )
    mode: DecisionMode = strawberry.field(description="At a meeting or electronically between meetings.")
    # A list of decisions prefetches the relations its nodes select, and these answer at once.
    committee = relation(
        Annotated["JointCommittee", strawberry.lazy("api.types.committee")],
        lambda loaders: loaders.committee,
        lambda decision: decision.row.committee_id,
        description="The committee that decided.",
    )
    meeting = relation(
        Meeting | None,
        lambda loaders: loaders.meeting,
        lambda decision: decision.row.meeting_id,
        description="The meeting that decided it, in mode MEETING.",
    )
    proposal = relation(
        Proposal,
        lambda loaders: loaders.proposal,
        lambda decision: decision.row.proposal_id,
        description="The proposal decided on.",
    )
    positions = relation(
        list[SidePosition],
        lambda loaders: loaders.positions,
        lambda decision: (decision.row.proposal_id, decision.row.round),
        description="Both sides' positions that made the decision; an objection carries its reason.",
    )

    @classmethod
    def from_row(cls, row: DecisionRow) -> Self:
        return cls(
            id=strawberry.ID(to_global_id("Decision", saved_id(row))),
            row=row,
            reference=row.reference,
            kind=row.kind,
            outcome=row.outcome,
            title=row.title,
            summary=row.summary,
            decided_on=row.decided_on,
            mode=row.mode,
        )

    @strawberry.field(description="What the decision changed; null for kind OTHER.")
    async def subject(self, info: Info) -> Annotated["ProposalSubject", strawberry.lazy("api.types.subject")] | None:
        proposal = await info.context.loaders.proposal.load(self.row.proposal_id)
        assert proposal is not None  # its proposal_id is a foreign key
        return await load_subject(info, proposal.subject_type, proposal.subject_id)


@strawberry.input(description="Filters of the decision register; all given filters apply together.")
class DecisionFilter:
    committee_code: str | None = strawberry.field(
        default=None, description="Only this committee's decisions: its code (VN, MN ...), any case."
    )
    kind: list[ProposalKind] | None = strawberry.field(default=None, description="Only decisions of these kinds.")
    outcome: DecisionOutcome | None = strawberry.field(default=None, description="Only decisions with this outcome.")
    decided_from: date | None = strawberry.field(default=None, description="On or after this day.")
    decided_to: date | None = strawberry.field(default=None, description="On or before this day.")
    search: str | None = strawberry.field(
        default=None, description="Words that must all appear in title, summary or reference."
    )


@strawberry.type
class DecisionQueries:
    @strawberry.field(description="The public decision register across committees, newest first.")
    async def decisions(
        self,
        info: Info,
        first: First = 20,
        after: After = None,
        last: Last = None,
        before: Before = None,
        filter: Annotated[
            DecisionFilter | None,
            strawberry.argument(description="Filters of the register, all applying together; none when null."),
        ] = None,
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
            **page_args(info, Paging(first, after, last, before)),
        )
        return await connection(info, page)

    @strawberry.field(description="One decision by its reference: JC-VN-2026-001.")
    async def decision(
        self,
        info: Info,
        reference: Annotated[str, strawberry.argument(description="JC-{CC}-{YYYY}-{NNN}: JC-VN-2026-001 (any case).")],
    ) -> Decision | None:
        row = await info.context.db.run(decisions.find_by_reference, reference)
        if row is None:
            return None
        decision = render(row)
        await prefetch(info, [decision])
        return decision
