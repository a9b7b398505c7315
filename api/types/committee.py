from typing import TYPE_CHECKING, Annotated, Self

import strawberry

from api.context import Info
from api.ids import to_global_id
from api.types.common import LocalizedText, Node
from api.types.country import Country
from api.types.enums import ProjectStatus, ProposalStatus, Region, Side
from api.types.meeting import Meeting
from api.types.member import CommitteeMember
from api.types.methodology import Methodology, MethodologyFilter, methodology_page
from api.types.pagination import After, Before, Connection, First, Last, Paging, connection, page_args, visible_page
from api.types.project import Project, project_page
from api.types.relations import relation
from api.types.rows import render, render_all, renders
from api.types.scope import SectoralScope
from api.types.tpe import TpeDesignation, TpeFilter, tpe_page
from models import JointCommittee as CommitteeRow
from models import enums
from models.types import saved_id
from resolvers import committees, decisions, proposal_queries
from resolvers.loaders import MembersKey

if TYPE_CHECKING:
    from api.types.decision import Decision
    from api.types.proposal import Proposal
    from api.types.rules import RuleDocument


@renders(CommitteeRow, node=lambda loaders: loaders.committee)
@strawberry.type(
    description="The Joint Committee of Japan and one partner country, deciding only when both sides agree."
)
class JointCommittee(Node):
    pk: strawberry.Private[int]
    country_pk: strawberry.Private[int]
    code: str = strawberry.field(description="The partner's ISO code, used in every reference: VN in JC-VN-2026-001.")
    name: LocalizedText = strawberry.field(description='"Japan–Viet Nam Joint Committee" / "日本・ベトナム合同委員会".')
    partner = relation(
        Country,
        lambda loaders: loaders.country,
        lambda committee: committee.country_pk,
        description="The partner country.",
    )

    @classmethod
    def from_row(cls, row: CommitteeRow) -> Self:
        return cls(
            id=strawberry.ID(to_global_id("JointCommittee", saved_id(row))),
            pk=saved_id(row),
            country_pk=row.country_id,
            code=row.code,
            name=LocalizedText(en=row.name_en, ja=row.name_ja),
        )

    @strawberry.field(
        description="Members, Japan's side first and co-chairs first; serving members only unless includeFormer."
    )
    async def members(
        self,
        info: Info,
        side: Annotated[
            Side | None,
            strawberry.argument(description="Only this side's members (JAPAN or PARTNER); both sides when null."),
        ] = None,
        include_former: Annotated[
            bool | None,
            strawberry.argument(
                description="Also members whose term has ended, in the same order (Japan's side first, co-chairs first, then by start); serving members only when false."
            ),
        ] = False,
    ) -> list[CommitteeMember]:
        return render_all(await info.context.loaders.members.load(MembersKey(self.pk, side, bool(include_former))))

    @strawberry.field(description="The co-chair of that side serving today, if any.")
    async def co_chair(
        self, info: Info, side: Annotated[Side, strawberry.argument(description="Whose co-chair: JAPAN or PARTNER.")]
    ) -> CommitteeMember | None:
        return render(await info.context.loaders.co_chair.load((self.pk, enums.Side(side))))

    @strawberry.field(description="This committee's decisions, newest first.")
    async def decisions(
        self, info: Info, first: First = 20, after: After = None, last: Last = None, before: Before = None
    ) -> Connection[Annotated["Decision", strawberry.lazy("api.types.decision")]]:
        page = await info.context.db.run(
            decisions.list_decisions, committee_code=self.code, **page_args(info, Paging(first, after, last, before))
        )
        return await connection(info, page)

    @strawberry.field(description="This committee's proposals you may see, newest first, optionally by status.")
    async def proposals(
        self,
        info: Info,
        first: First = 20,
        after: After = None,
        last: Last = None,
        before: Before = None,
        status: Annotated[
            list[ProposalStatus] | None,
            strawberry.argument(description="Only proposals in these statuses; all when null or empty."),
        ] = None,
        open_for_comment: Annotated[
            bool,
            strawberry.argument(
                description="Only those open for public comments today: in public input, within their window (both end days included), as submitPublicComment(proposalId:) takes them."
            ),
        ] = False,
    ) -> Connection[Annotated["Proposal", strawberry.lazy("api.types.proposal")]]:
        return await visible_page(
            info,
            proposal_queries.list_proposals,
            Paging(first, after, last, before),
            committee_code=self.code,
            statuses=status,
            open_for_comment=open_for_comment,
        )

    rules = relation(
        list[Annotated["RuleDocument", strawberry.lazy("api.types.rules")]],
        lambda loaders: loaders.rule_documents,
        lambda committee: committee.pk,
        description="The committee's rules, guidelines and forms, each with its version history.",
    )

    @strawberry.field(description="This committee's methodologies you may see, newest first.")
    async def methodologies(
        self,
        info: Info,
        first: First = 20,
        after: After = None,
        last: Last = None,
        before: Before = None,
        filter: Annotated[
            MethodologyFilter | None,
            strawberry.argument(
                description="Filters that apply together; its committeeCode is ignored here (this committee)."
            ),
        ] = None,
    ) -> Connection[Methodology]:
        return await methodology_page(info, Paging(first, after, last, before), filter, committee_code=self.code)

    @strawberry.field(description="Third-party entities designated (or proposed) in this committee.")
    async def tpe_designations(
        self,
        info: Info,
        first: First = 20,
        after: After = None,
        last: Last = None,
        before: Before = None,
        filter: Annotated[
            TpeFilter | None,
            strawberry.argument(
                description="Filters that apply together; its committeeCode is ignored here (this committee)."
            ),
        ] = None,
    ) -> Connection[TpeDesignation]:
        return await tpe_page(info, Paging(first, after, last, before), filter, committee_code=self.code)

    @strawberry.field(description="This committee's projects you may see, newest first, optionally by status.")
    async def projects(
        self,
        info: Info,
        first: First = 20,
        after: After = None,
        last: Last = None,
        before: Before = None,
        status: Annotated[
            list[ProjectStatus] | None,
            strawberry.argument(
                description="Only projects in these statuses, as you are shown them; all when null or empty."
            ),
        ] = None,
        open_for_comment: Annotated[
            bool,
            strawberry.argument(
                description="Only PLANNED projects whose design document is open for public comments today (within its window, both end days included), as submitPublicComment(projectId:) takes them."
            ),
        ] = False,
    ) -> Connection[Project]:
        return await project_page(info, Paging(first, after, last, before), self.code, status, open_for_comment)

    meetings = relation(
        list[Meeting],
        lambda loaders: loaders.meetings,
        lambda committee: committee.pk,
        description="Meetings in order: number 1 is the inaugural meeting.",
    )


@strawberry.type
class CommitteeQueries:
    @strawberry.field(description="Japan first, then the 30 partner countries in signing order.")
    async def countries(self, info: Info) -> list[Country]:
        return [Country.from_row(row) for row in await info.context.db.run(committees.list_countries)]

    @strawberry.field(description="The Joint Committees in the order their partners signed, optionally of one region.")
    async def committees(
        self,
        info: Info,
        region: Annotated[
            Region | None,
            strawberry.argument(description="Only the committees of partners in this region; all 30 when null."),
        ] = None,
    ) -> list[JointCommittee]:
        rows = await info.context.db.run(committees.list_committees, region)
        return [JointCommittee.from_row(row) for row in rows]

    @strawberry.field(description="One committee by the partner's ISO code (case-insensitive): VN, id, Mn ...")
    async def committee(
        self,
        info: Info,
        code: Annotated[str, strawberry.argument(description="The partner's ISO code: VN, MN ... (any case).")],
    ) -> JointCommittee | None:
        row = await info.context.db.run(committees.find_committee, code)
        return JointCommittee.from_row(row) if row else None

    @strawberry.field(description="The 15 sectoral scopes, by number.")
    async def sectoral_scopes(self, info: Info) -> list[SectoralScope]:
        return [SectoralScope.from_row(row) for row in await info.context.db.run(committees.list_sectoral_scopes)]
