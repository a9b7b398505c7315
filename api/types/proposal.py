from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Self

import strawberry

from api.context import Info
from api.ids import to_global_id
from api.types.common import Node
from api.types.enums import DecisionMode, ProposalKind, ProposalStatus, Side
from api.types.meeting import Meeting
from api.types.pagination import After, Before, Connection, First, Last, Paging, visible_page
from api.types.relations import relation
from api.types.rows import load_subject, render_all, renders
from api.types.workflow import PublicInputWindow, SidePosition, WorkflowEvent
from models import clock
from models.enums import ProposalStatus as Status
from models.proposal import Proposal as ProposalRow
from models.types import saved_id
from models.visibility import sees_all_committees, sees_positions
from models.workflow import DECIDED, Due, Step, due, is_lapsed
from resolvers import proposal_queries

if TYPE_CHECKING:
    from api.types.committee import JointCommittee
    from api.types.decision import Decision
    from api.types.subject import ProposalSubject

POSITION_STEPS = {Step.CONSENT.value, Step.OBJECT.value}


@renders(ProposalRow, node=lambda loaders: loaders.visible_proposal)
@strawberry.type(description="An agenda item of one committee on its way to a decision of both sides.")
class Proposal(Node):
    row: strawberry.Private[ProposalRow]
    kind: ProposalKind = strawberry.field(
        description="What is to be decided: a rule version, a methodology, a TPE designation, a project, an issuance ..."
    )
    title: str = strawberry.field(description="What the item is called in the register.")
    summary: str | None = strawberry.field(description="What is proposed and why; null when none was given.")
    status: ProposalStatus = strawberry.field(
        description="The current status; LAPSED as soon as an electronic deadline has passed."
    )
    submitted_at: datetime | None = strawberry.field(
        description="When it was submitted to the secretariat (UTC); null while a draft."
    )
    created_at: datetime = strawberry.field(description="When it was created (UTC).")
    mode: DecisionMode | None = strawberry.field(description="Set when circulated.")
    deadline: date | None = strawberry.field(description="Electronic decisions only: the last day for positions.")
    proposer_side: Side | None = strawberry.field(
        description="The side that proposed it; null when the secretariat did. That side may submit and withdraw it."
    )

    @classmethod
    def from_row(cls, row: ProposalRow) -> Self:
        lapsed = is_lapsed(row.status, row.mode, row.deadline, clock.today())
        return cls(
            id=strawberry.ID(to_global_id("Proposal", saved_id(row))),
            row=row,
            kind=row.kind,
            title=row.title,
            summary=row.summary,
            status=Status.LAPSED if lapsed else row.status,
            submitted_at=row.submitted_at,
            created_at=row.created_at,
            mode=row.mode,
            deadline=row.deadline,
            proposer_side=row.proposer_side,
        )

    @strawberry.field(
        description="Increases on every change; send it back as expectedVersion. A side's position counts from "
        "when you may see it (see positions), so that an unseen position cannot be inferred from the version."
    )
    async def version(self, info: Info) -> int:
        if await self._sees_positions(info):
            return self.row.version
        # Every step adds one; the steps of positions this reader may not see are not counted.
        rows = await info.context.loaders.history.load(saved_id(self.row))
        return self.row.version - sum(row.action in POSITION_STEPS for row in rows)

    async def _sees_positions(self, info: Info) -> bool:
        decided = self.row.status in DECIDED
        if decided or sees_all_committees(info.context.principal):  # no need to load the committee
            return True
        committee = await info.context.loaders.committee.load(self.row.committee_id)
        assert committee is not None  # its committee_id is a foreign key
        return sees_positions(info.context.principal, committee.code, decided)

    committee = relation(
        Annotated["JointCommittee", strawberry.lazy("api.types.committee")],
        lambda loaders: loaders.committee,
        lambda proposal: proposal.row.committee_id,
        description="The committee that decides it.",
    )

    @strawberry.field(description="The public-input period, once opened.")
    def public_input(self) -> PublicInputWindow | None:
        # Public input opens and closes on days set together: both or neither.
        opens, closes = self.row.public_input_opens_on, self.row.public_input_closes_on
        if opens is None or closes is None:
            return None
        return PublicInputWindow(opens_on=opens, closes_on=closes, proposal_pk=saved_id(self.row))

    meeting = relation(
        Meeting | None,
        lambda loaders: loaders.meeting,
        lambda proposal: proposal.row.meeting_id,
        description="The meeting it is circulated to, in mode MEETING.",
    )

    @strawberry.field(
        description="The sides' positions in the current round of consideration. The public, and partners of "
        "other committees, see them only once decided."
    )
    async def positions(self, info: Info) -> list[SidePosition]:
        if not await self._sees_positions(info):
            return []
        return render_all(await info.context.loaders.positions.load((saved_id(self.row), self.row.round)))

    decision = relation(
        Annotated["Decision", strawberry.lazy("api.types.decision")] | None,
        lambda loaders: loaders.decision_of_proposal,
        lambda proposal: proposal.row.id,
        description="The decision taken on it, once decided.",
    )

    @strawberry.field(
        description="Every step with actor and note, oldest first. Positions appear to those who may see them."
    )
    async def history(self, info: Info) -> list[WorkflowEvent]:
        hide_positions = not await self._sees_positions(info)
        rows = await info.context.loaders.history.load(saved_id(self.row))
        return render_all(row for row in rows if not (hide_positions and row.action in POSITION_STEPS))

    @strawberry.field(description="What the proposal would change; null for kind OTHER.")
    async def subject(self, info: Info) -> Annotated["ProposalSubject", strawberry.lazy("api.types.subject")] | None:
        return await load_subject(info, self.row.subject_type, self.row.subject_id)

    @strawberry.field(
        description="When the current stage is due: the completeness check 7 days after submission, public input "
        "at closesOn, consideration at the deadline or the meeting date; null when nothing is pending."
    )
    async def due_on(self, info: Info) -> date | None:
        return (await self._due(info)).on

    @strawberry.field(description="True once the current stage's due date has passed.")
    async def overdue(self, info: Info) -> bool:
        return (await self._due(info)).overdue

    async def _due(self, info: Info) -> Due:
        meeting = await info.context.loaders.meeting.load(self.row.meeting_id) if self.row.meeting_id else None
        return due(
            self.status,
            submitted_on=self.row.submitted_at.date() if self.row.submitted_at else None,
            public_input_closes_on=self.row.public_input_closes_on,
            deadline=self.row.deadline,
            meeting_on=meeting.held_on if meeting else None,
            today=clock.today(),
        )


@strawberry.type
class ProposalQueries:
    @strawberry.field(
        description="Proposals you may see, newest first: the public sees them from public input on; "
        "the secretariat and Japan everything; a partner also its own committee's drafts."
    )
    async def proposals(
        self,
        info: Info,
        first: First = 20,
        after: After = None,
        last: Last = None,
        before: Before = None,
        committee_code: Annotated[
            str | None,
            strawberry.argument(
                description="Only this committee's: its code, the partner's ISO code (VN, MN ...), any case."
            ),
        ] = None,
        status: Annotated[
            list[ProposalStatus] | None,
            strawberry.argument(description="Only proposals in these statuses; all when null or empty."),
        ] = None,
    ) -> Connection[Proposal]:
        return await visible_page(
            info,
            proposal_queries.list_proposals,
            Paging(first, after, last, before),
            committee_code=committee_code,
            statuses=status,
        )
