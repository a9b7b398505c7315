from datetime import date
from typing import TYPE_CHECKING, Annotated, Any, Self

import strawberry

from api.context import Info
from api.ids import to_global_id
from api.types.common import Node
from api.types.enums import MethodologyStatus
from api.types.pagination import After, Before, Connection, First, Last, Paging, visible_page
from api.types.relations import relation
from api.types.rows import render_all, renders
from api.types.scope import SectoralScope
from api.types.workflow import PublicInputWindow
from models.methodology import Methodology as MethodologyRow
from models.subjects import SubjectType
from models.types import saved_id
from resolvers import methodology_queries

if TYPE_CHECKING:
    from api.types.committee import JointCommittee
    from api.types.decision import Decision
    from api.types.proposal import Proposal


@renders(
    MethodologyRow,
    node=lambda loaders: loaders.visible_methodology,
    subject=SubjectType.METHODOLOGY,
    subject_loader=lambda loaders: loaders.methodology,
)
@strawberry.type(
    description="A methodology, or one version of it: proposed under a PM reference, approved under its own AM reference."
)
class Methodology(Node):
    row: strawberry.Private[MethodologyRow]
    proposed_reference: str = strawberry.field(
        description="VN_PM004, given on proposal; a revision shows its original's."
    )
    reference: str | None = strawberry.field(
        description="VN_AM003, given on approval from its own sequence; kept by every version."
    )
    version: str | None = strawberry.field(description='"ver01.0" once approved; revisions count up: "ver02.0".')
    title: str = strawberry.field(
        description="What the methodology is called (English), as proposed and kept by its versions unless a revision renames it."
    )
    summary: str | None = strawberry.field(
        description="Reduction measures, reference and project emissions, monitoring parameters."
    )
    proponent: str = strawberry.field(
        description="Who proposed it: a project developer, the committee, or a body of either government."
    )
    status: MethodologyStatus = strawberry.field(
        description="PROPOSED until decided (its proposal shows the workflow), VALID once approved, SUPERSEDED by a later version, NOT_APPROVED or WITHDRAWN."
    )
    approved_on: date | None = strawberry.field(
        description="The day the committee approved this version; null until VALID."
    )
    committee = relation(
        Annotated["JointCommittee", strawberry.lazy("api.types.committee")],
        lambda loaders: loaders.committee,
        lambda methodology: methodology.row.committee_id,
        description="The committee it belongs to.",
    )

    @classmethod
    def from_row(cls, row: MethodologyRow) -> Self:
        return cls(
            id=strawberry.ID(to_global_id("Methodology", saved_id(row))),
            row=row,
            proposed_reference=row.proposed_reference,
            reference=row.reference,
            version=row.version,
            title=row.title,
            summary=row.summary,
            proponent=row.proponent,
            status=row.status,
            approved_on=row.approved_on,
        )

    @strawberry.field(description="Its sectoral scopes, by number.")
    async def sectoral_scopes(self, info: Info) -> list[SectoralScope]:
        links = await info.context.loaders.methodology_scopes.load(saved_id(self.row))
        rows = await info.context.loaders.scope.load_many([link.scope for link in links])
        return render_all(rows)

    @strawberry.field(description="The public-input window of its proposal, once opened.")
    async def public_input(self, info: Info) -> PublicInputWindow | None:
        proposal = await info.context.loaders.proposal.load(self.row.proposal_id)
        assert proposal is not None  # its proposal_id is a foreign key
        # Public input opens and closes on days set together: both or neither.
        opens, closes = proposal.public_input_opens_on, proposal.public_input_closes_on
        if opens is None or closes is None:
            return None
        return PublicInputWindow(opens_on=opens, closes_on=closes, proposal_pk=saved_id(proposal))

    decision = relation(
        Annotated["Decision", strawberry.lazy("api.types.decision")] | None,
        lambda loaders: loaders.decision_of_proposal,
        lambda methodology: methodology.row.proposal_id,
        description="The decision on it, once decided.",
    )
    proposal = relation(
        Annotated["Proposal", strawberry.lazy("api.types.proposal")],
        lambda loaders: loaders.proposal,
        lambda methodology: methodology.row.proposal_id,
        description="The proposal that carries it through the consent workflow.",
    )

    @strawberry.field(
        description="Every approved version of this methodology, newest first; just this one until approved."
    )
    async def versions(self, info: Info) -> list["Methodology"]:
        if self.row.reference is None:
            return [self]
        rows = await info.context.loaders.methodology_versions.load(self.row.reference)
        approved = sorted((row for row in rows if row.major is not None), key=lambda row: row.major or 0, reverse=True)
        return render_all(approved)


@strawberry.input(description="Filters of the methodology list; all given filters apply together.")
class MethodologyFilter:
    committee_code: str | None = strawberry.field(
        default=None, description="Only this committee's methodologies: its code (VN, MN ...)."
    )
    status: list[MethodologyStatus] | None = strawberry.field(
        default=None, description="Only methodologies in these statuses."
    )
    sectoral_scope: int | None = strawberry.field(default=None, description="Methodologies covering this scope (1–15).")
    search: str | None = strawberry.field(
        default=None, description="Words that must all appear in title, summary or references."
    )


async def methodology_page(
    info: Info,
    paging: Paging,
    filter: MethodologyFilter | None,
    committee_code: str | None = None,
) -> Any:
    """The list behind Query.methodologies and JointCommittee.methodologies."""
    f = filter or MethodologyFilter()
    return await visible_page(
        info,
        methodology_queries.list_methodologies,
        paging,
        committee_code=committee_code or f.committee_code,
        statuses=f.status,
        sectoral_scope=f.sectoral_scope,
        search=f.search,
    )


@strawberry.type
class MethodologyQueries:
    @strawberry.field(description="One methodology by its AM reference (the valid version) or its PM reference.")
    async def methodology(
        self,
        info: Info,
        reference: Annotated[
            str,
            strawberry.argument(
                description="An approved reference (VN_AM003: its valid version) or a proposed one (VN_PM004)."
            ),
        ],
    ) -> Methodology | None:
        row = await info.context.db.run(methodology_queries.find_methodology, info.context.principal, reference)
        return Methodology.from_row(row) if row else None

    @strawberry.field(description="Methodologies you may see, across committees, newest first.")
    async def methodologies(
        self,
        info: Info,
        first: First = 20,
        after: After = None,
        last: Last = None,
        before: Before = None,
        filter: Annotated[
            MethodologyFilter | None, strawberry.argument(description="Filters that apply together; none when null.")
        ] = None,
    ) -> Connection[Methodology]:
        return await methodology_page(info, Paging(first, after, last, before), filter)
