"""Projects and credit issuances as GraphQL types, and the area's Query root."""

from datetime import date
from typing import TYPE_CHECKING, Annotated, Any, Self

import strawberry
from strawberry.dataloader import DataLoader

from api.context import Info
from api.ids import to_global_id
from api.loaders import now_or_later
from api.types.common import Node
from api.types.enums import CreditHolder, IssuanceStatus, ProjectStatus, Side, UsePurpose
from api.types.methodology import Methodology
from api.types.pagination import After, Before, Connection, First, Last, Paging, visible_page
from api.types.relations import relation
from api.types.rows import render, render_all, renders
from api.types.scope import SectoralScope
from api.types.tpe import TpeDesignation
from api.types.workflow import PublicInputWindow
from models import enums
from models.project import CreditAllocation as AllocationRow
from models.project import CreditAuthorization as AuthorizationRow
from models.project import CreditIssuance as IssuanceRow
from models.project import Project as ProjectRow
from models.subjects import SubjectType
from models.types import saved_id
from resolvers import project_queries

if TYPE_CHECKING:
    from api.types.committee import JointCommittee
    from api.types.decision import Decision
    from api.types.proposal import Proposal


@strawberry.type(description="A project design document (PDD) as recorded, with its public-input window.")
class ProjectDesignDocument:
    uri: str = strawberry.field(description="Where the document is published.")
    sha256: str = strawberry.field(description="The SHA-256 digest of the document, 64 lower-case hex digits.")
    recorded_on: date = strawberry.field(
        description="The day the secretariat recorded it; its public input opened that day."
    )
    public_input: PublicInputWindow = strawberry.field(
        description="Opened when the PDD was recorded (30 days by default); anyone may comment with "
        "submitPublicComment(projectId:) while it is open."
    )


@renders(
    ProjectRow,
    node=lambda loaders: loaders.visible_project,
    subject=SubjectType.PROJECT,
    subject_loader=lambda loaders: loaders.visible_project,
)
@strawberry.type(
    description="A JCM project: a Project Idea Note (VN_PIN001), then, once registered, a project (VN051). "
    "Public from the committee's decision on its PIN; before that its committee's sides and the secretariat see it."
)
class Project(Node):
    row: strawberry.Private[ProjectRow]
    pin_reference: str = strawberry.field(description="VN_PIN001: given when the PIN is proposed, per committee.")
    reference: str | None = strawberry.field(
        description="VN051: given on registration, numbered after the committee's published projects."
    )
    title: str = strawberry.field(description="The project's name as in its PIN.")
    participants: list[str] = strawberry.field(description="The project participants, as named in the PIN.")
    registered_on: date | None = strawberry.field(
        description="The day its registration was decided; null until REGISTERED."
    )
    committee = relation(
        Annotated["JointCommittee", strawberry.lazy("api.types.committee")],
        lambda loaders: loaders.committee,
        lambda project: project.row.committee_id,
        description="The committee that decides on it.",
    )

    @classmethod
    def from_row(cls, row: ProjectRow) -> Self:
        return cls(
            id=strawberry.ID(to_global_id("Project", saved_id(row))),
            row=row,
            pin_reference=row.pin_reference,
            reference=row.reference,
            title=row.title,
            participants=row.participant_list,
            registered_on=row.registered_on,
        )

    @strawberry.field(description="Its sectoral scopes, by number.")
    async def sectoral_scopes(self, info: Info) -> list[SectoralScope]:
        links = await info.context.loaders.project_scopes.load(saved_id(self.row))
        rows = await info.context.loaders.scope.load_many([link.scope for link in links])
        return render_all(rows)

    @strawberry.field(
        description="Where it is in the project cycle. A registration proposal still in draft is seen as a draft "
        "is: until it is published, the public and other committees' partners see the project as PLANNED."
    )
    def status(self, info: Info) -> ProjectStatus:
        request = self._draft_request()
        if request is None:
            return self.row.status
        status = self.row.status
        return now_or_later(
            info.context.loaders.visible_proposal,
            request,
            lambda proposal: status if proposal is not None else enums.ProjectStatus.PLANNED,
        )

    @strawberry.field(
        description="The approved methodology its registration names, from the registration proposal on "
        "(seen as that proposal is while it is a draft)."
    )
    def methodology(self, info: Info) -> Methodology | None:
        return self._named(info, info.context.loaders.methodology, self.row.methodology_id)

    @strawberry.field(
        description="The designated entity that validated it, from the registration proposal on "
        "(seen as that proposal is while it is a draft)."
    )
    def validator(self, info: Info) -> TpeDesignation | None:
        return self._named(info, info.context.loaders.designation, self.row.validator_id)

    def _draft_request(self) -> int | None:
        """The registration proposal whose visibility decides what a reader is shown of the request
        (models.visibility.registration_seen); None when the project requests no registration now."""
        row = self.row
        return row.registration_proposal_id if row.status is enums.ProjectStatus.REGISTRATION_REQUESTED else None

    def _named(self, info: Info, loader: DataLoader[int, Any], key: int | None) -> Any:
        """What the registration names (`key` through `loader`), at once where nothing hides it; None
        for a reader who may not see the registration proposal."""
        if key is None:
            return None
        request = self._draft_request()
        if request is None:
            return now_or_later(loader, key, render)
        proposals = info.context.loaders.visible_proposal

        async def later() -> Any:
            return None if await proposals.load(request) is None else render(await loader.load(key))

        return later()

    @strawberry.field(description="Its PDD, once recorded.")
    def design_document(self) -> ProjectDesignDocument | None:
        row = self.row
        if row.pdd_uri is None or row.pdd_sha256 is None or row.pdd_recorded_on is None:
            return None
        assert row.pdd_opens_on is not None and row.pdd_closes_on is not None  # recorded together
        return ProjectDesignDocument(
            uri=row.pdd_uri,
            sha256=row.pdd_sha256,
            recorded_on=row.pdd_recorded_on,
            public_input=PublicInputWindow(
                opens_on=row.pdd_opens_on, closes_on=row.pdd_closes_on, project_pk=saved_id(row)
            ),
        )

    decisions = relation(
        list[Annotated["Decision", strawberry.lazy("api.types.decision")]],
        lambda loaders: loaders.project_decisions,
        lambda project: project.row.id,
        description="The committee's decisions on it, oldest first: PIN, registration, issuances, withdrawal.",
    )
    issuances = relation(
        list["CreditIssuance"],
        lambda loaders: loaders.project_issuances,
        lambda project: project.row.id,
        description="Its credit issuance requests you may see, in the order requested.",
    )
    pin_proposal = relation(
        Annotated["Proposal", strawberry.lazy("api.types.proposal")] | None,
        lambda loaders: loaders.visible_proposal,
        lambda project: project.row.pin_proposal_id,
        description="The PLANNED_PROJECT proposal that carried its PIN to the committee.",
    )


@renders(AllocationRow)
@strawberry.type(description="One holder's share of an issuance.")
class CreditAllocation:
    holder: CreditHolder = strawberry.field(
        description="Who receives this share: the partner government, the Japanese government or the project participants."
    )
    requested_amount: int = strawberry.field(description="t-CO2e, as requested.")
    notified_amount: int = strawberry.field(
        description="t-CO2e notified by the committee's decision; 0 until the issuance is NOTIFIED."
    )
    issued_amount: int | None = strawberry.field(description="Issued into a registry; null until recorded there.")
    issued_on: date | None = strawberry.field(
        description="The day it was issued into a registry; null until recorded there."
    )

    @classmethod
    def from_row(cls, row: AllocationRow) -> Self:
        return cls(
            holder=row.holder,
            requested_amount=row.requested_amount,
            notified_amount=row.notified_amount or 0,
            issued_amount=row.issued_amount,
            issued_on=row.issued_on,
        )


@renders(AuthorizationRow)
@strawberry.type(description="One government's authorization of an issuance's credits under Article 6.3.")
class Authorization:
    side: Side = strawberry.field(description="The government that authorized: JAPAN or PARTNER.")
    amount: int = strawberry.field(description="t-CO2e authorized: at most the amount notified.")
    use_purposes: list[UsePurpose] = strawberry.field(
        description="What the credits may be used for: NDC, OTHER_INTERNATIONAL_MITIGATION or both."
    )
    authorized_on: date = strawberry.field(description="The day the government authorized them.")
    recorded_by: str = strawberry.field(description="Who recorded it for the government (the token's holder).")

    @classmethod
    def from_row(cls, row: AuthorizationRow) -> Self:
        return cls(
            side=row.side,
            amount=row.amount,
            use_purposes=[enums.UsePurpose(p) for p in row.use_purposes],
            authorized_on=row.authorized_on,
            recorded_by=row.recorded_by,
        )


@renders(
    IssuanceRow,
    node=lambda loaders: loaders.visible_issuance,
    subject=SubjectType.CREDIT_ISSUANCE,
    subject_loader=lambda loaders: loaders.visible_issuance,
)
@strawberry.type(description="A request for the credits of one monitoring period of a registered project.")
class CreditIssuance(Node):
    row: strawberry.Private[IssuanceRow]
    number: int = strawberry.field(description="1, 2 … per project, in the order requested.")
    monitoring_from: date = strawberry.field(description="First day of the monitoring period.")
    monitoring_to: date = strawberry.field(description="Last day of the monitoring period.")
    requested_amount: int = strawberry.field(description="t-CO2e requested.")
    notified_amount: int | None = strawberry.field(description="t-CO2e the committee decided to notify.")
    notified_on: date | None = strawberry.field(
        description="The day the committee's decision notified the amount; null until NOTIFIED."
    )
    status: IssuanceStatus = strawberry.field(
        description="REQUESTED until the committee decides; NOTIFIED with the amount decided; NOT_APPROVED or WITHDRAWN."
    )
    project = relation(
        Project,
        lambda loaders: loaders.project,
        lambda issuance: issuance.row.project_id,
        description="The registered project.",
    )
    verifier = relation(
        TpeDesignation,
        lambda loaders: loaders.designation,
        lambda issuance: issuance.row.verifier_id,
        description="The designated entity that verified the period.",
    )
    allocations = relation(
        list[CreditAllocation],
        lambda loaders: loaders.allocations,
        lambda issuance: issuance.row.id,
        description="The split among holders, each at most once.",
    )
    decision = relation(
        Annotated["Decision", strawberry.lazy("api.types.decision")] | None,
        lambda loaders: loaders.decision_of_proposal,
        lambda issuance: issuance.row.proposal_id,
        description="The committee's decision on it, once decided.",
    )
    proposal = relation(
        Annotated["Proposal", strawberry.lazy("api.types.proposal")],
        lambda loaders: loaders.proposal,
        lambda issuance: issuance.row.proposal_id,
        description="The CREDIT_ISSUANCE proposal that carries it.",
    )
    authorizations = relation(
        list[Authorization],
        lambda loaders: loaders.authorizations,
        lambda issuance: issuance.row.id,
        description="Article 6.3: at most one per government.",
    )

    @classmethod
    def from_row(cls, row: IssuanceRow) -> Self:
        return cls(
            id=strawberry.ID(to_global_id("CreditIssuance", saved_id(row))),
            row=row,
            number=row.number,
            monitoring_from=row.monitoring_from,
            monitoring_to=row.monitoring_to,
            requested_amount=row.requested_amount,
            notified_amount=row.notified_amount,
            notified_on=row.notified_on,
            status=row.status,
        )

    @strawberry.field(description="True once both governments authorized these credits.")
    async def authorized(self, info: Info) -> bool:
        rows = await info.context.loaders.authorizations.load(saved_id(self.row))
        return {row.side for row in rows} == set(enums.Side)

    @strawberry.field(
        description="The amount both governments authorized: the smaller of the two; null until both have."
    )
    async def authorized_amount(self, info: Info) -> int | None:
        rows = await info.context.loaders.authorizations.load(saved_id(self.row))
        return min(row.amount for row in rows) if {row.side for row in rows} == set(enums.Side) else None


async def project_page(
    info: Info,
    paging: Paging,
    committee_code: str | None,
    status: list[ProjectStatus] | None,
    open_for_comment: bool = False,
) -> Any:
    """The list behind Query.projects and JointCommittee.projects."""
    return await visible_page(
        info,
        project_queries.list_projects,
        paging,
        committee_code=committee_code,
        statuses=status,
        open_for_comment=open_for_comment,
    )


@strawberry.type
class ProjectQueries:
    @strawberry.field(description="One project by its PIN reference (VN_PIN001) or project reference (VN051).")
    async def project(
        self,
        info: Info,
        reference: Annotated[
            str,
            strawberry.argument(description="A PIN reference (VN_PIN001) or a project reference (VN051), any case."),
        ],
    ) -> Project | None:
        row = await info.context.db.run(project_queries.find_project, info.context.principal, reference)
        return Project.from_row(row) if row else None

    @strawberry.field(description="Projects you may see, newest first, optionally of one committee and by status.")
    async def projects(
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
            list[ProjectStatus] | None,
            strawberry.argument(
                description="Only projects in these statuses, as you are shown them (a draft registration reads PLANNED to outsiders); all when null or empty."
            ),
        ] = None,
    ) -> Connection[Project]:
        return await project_page(info, Paging(first, after, last, before), committee_code, status)
