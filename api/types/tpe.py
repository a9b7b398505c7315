from datetime import date
from typing import TYPE_CHECKING, Annotated, Any, Self

import strawberry

from api.context import Info
from api.ids import to_global_id
from api.types.common import Node
from api.types.country import Country
from api.types.enums import AccreditationBasis, DesignationStatus, TpeFunction
from api.types.pagination import After, Before, Connection, First, Last, Paging, visible_page
from api.types.relations import relation
from api.types.rows import render_all, renders
from api.types.scope import SectoralScope
from models.subjects import SubjectType
from models.tpe import DesignationScope as ScopeRow
from models.tpe import ThirdPartyEntity as EntityRow
from models.tpe import TpeDesignation as DesignationRow
from models.types import saved_id
from resolvers import tpe_queries

if TYPE_CHECKING:
    from api.types.committee import JointCommittee
    from api.types.decision import Decision


@renders(EntityRow, node=lambda loaders: loaders.entity)
@strawberry.type(description="A validation and verification body.")
class ThirdPartyEntity(Node):
    row: strawberry.Private[EntityRow]
    name: str = strawberry.field(description="The entity's registered name: Example Verification Ltd.")
    accreditation: AccreditationBasis = strawberry.field(
        description="What makes it eligible: ISO 14065 accreditation, CDM Designated Operational Entity status, or PROVISIONAL while accreditation is under way."
    )
    accreditation_body: str | None = strawberry.field(
        description="The body that accredited it (for ISO 14065); null when not given."
    )
    accreditation_expires_on: date | None = strawberry.field(
        description="The last day its accreditation is valid; null when it does not expire or was not given."
    )
    country = relation(
        Country | None,
        lambda loaders: loaders.country_by_code,
        lambda entity: entity.row.country_code,
        description="Where it is established.",
    )
    designations = relation(
        list["TpeDesignation"],
        lambda loaders: loaders.entity_designations,
        lambda entity: entity.row.id,
        description="Its designations, one per committee.",
    )

    @classmethod
    def from_row(cls, row: EntityRow) -> Self:
        return cls(
            id=strawberry.ID(to_global_id("ThirdPartyEntity", saved_id(row))),
            row=row,
            name=row.name,
            accreditation=row.accreditation,
            accreditation_body=row.accreditation_body,
            accreditation_expires_on=row.accreditation_expires_on,
        )


@renders(ScopeRow)
@strawberry.type(description="One sectoral scope of a designation, for one function, with its own status.")
class DesignatedScope:
    function: TpeFunction = strawberry.field(
        description="VALIDATION (of a project's design) or VERIFICATION (of its monitored reductions)."
    )
    status: DesignationStatus = strawberry.field(
        description="This scope's own status for this function: PROPOSED until decided, then DESIGNATED, SUSPENDED, WITHDRAWN, VOLUNTARILY_WITHDRAWN or NOT_APPROVED."
    )
    since: date = strawberry.field(description="The day this scope took its current status.")
    number: strawberry.Private[int]
    scope = relation(
        SectoralScope,
        lambda loaders: loaders.scope,
        lambda designated: designated.number,
        description="The sectoral scope.",
    )

    @classmethod
    def from_row(cls, row: ScopeRow) -> Self:
        return cls(function=row.function, status=row.status, since=row.since, number=row.scope)


@renders(
    DesignationRow,
    node=lambda loaders: loaders.visible_designation,
    subject=SubjectType.TPE_DESIGNATION,
    subject_loader=lambda loaders: loaders.designation,
)
@strawberry.type(description="An entity's designation as a third-party entity in one committee.")
class TpeDesignation(Node):
    row: strawberry.Private[DesignationRow]
    reference: str | None = strawberry.field(
        description="TPE-VN-003, given on the first designation in that committee."
    )
    status: DesignationStatus = strawberry.field(
        description="DESIGNATED while any scope is; else SUSPENDED while any is; else how the last scope ended."
    )
    designated_on: date | None = strawberry.field(
        description="The day the committee first designated it; null until then."
    )
    committee = relation(
        Annotated["JointCommittee", strawberry.lazy("api.types.committee")],
        lambda loaders: loaders.committee,
        lambda designation: designation.row.committee_id,
        description="The committee that designated it.",
    )
    entity = relation(
        ThirdPartyEntity,
        lambda loaders: loaders.entity,
        lambda designation: designation.row.entity_id,
        description="The entity designated.",
    )

    @classmethod
    def from_row(cls, row: DesignationRow) -> Self:
        return cls(
            id=strawberry.ID(to_global_id("TpeDesignation", saved_id(row))),
            row=row,
            reference=row.reference,
            status=row.status,
            designated_on=row.designated_on,
        )

    @strawberry.field(description="Validation scopes, then verification scopes, each by number.")
    async def scopes(self, info: Info) -> list[DesignatedScope]:
        rows = await info.context.loaders.designation_scopes.load(saved_id(self.row))
        return render_all(sorted(rows, key=lambda r: (r.function.value, r.scope)))

    decisions = relation(
        list[Annotated["Decision", strawberry.lazy("api.types.decision")]],
        lambda loaders: loaders.designation_decisions,
        lambda designation: designation.row.id,
        description="Decisions on it, oldest first: designation, extra scopes, suspension, withdrawal.",
    )


@strawberry.input(
    description="Filters of the TPE list. With function or sectoralScope, status applies to the matching scopes."
)
class TpeFilter:
    committee_code: str | None = strawberry.field(
        default=None, description="Only this committee's designations: its code (VN, MN ...)."
    )
    function: TpeFunction | None = strawberry.field(
        default=None, description="Only designations with a scope for this function."
    )
    sectoral_scope: int | None = strawberry.field(
        default=None, description="Only designations covering this sectoral scope (1–15)."
    )
    status: list[DesignationStatus] | None = strawberry.field(
        default=None,
        description="Only these statuses: of the matching scopes with function or sectoralScope, else of the designations.",
    )
    search: str | None = strawberry.field(default=None, description="Words of the entity's name.")


async def tpe_page(info: Info, paging: Paging, filter: TpeFilter | None, committee_code: str | None = None) -> Any:
    """The list behind Query.tpes and JointCommittee.tpeDesignations."""
    f = filter or TpeFilter()
    return await visible_page(
        info,
        tpe_queries.list_designations,
        paging,
        committee_code=committee_code or f.committee_code,
        function=f.function,
        sectoral_scope=f.sectoral_scope,
        statuses=f.status,
        search=f.search,
    )


@strawberry.type
class TpeQueries:
    @strawberry.field(description="One designation by its reference: TPE-VN-003.")
    async def tpe(
        self, info: Info, reference: Annotated[str, strawberry.argument(description="TPE-{CC}-{nnn}: TPE-VN-003.")]
    ) -> TpeDesignation | None:
        row = await info.context.db.run(tpe_queries.find_designation, reference)
        return TpeDesignation.from_row(row) if row else None

    @strawberry.field(
        description='Designations you may see. `tpes(filter: {committeeCode: "VN", function: VERIFICATION, '
        "sectoralScope: 3, status: [DESIGNATED]})` lists the entities that may verify scope 3 in Viet Nam today."
    )
    async def tpes(
        self,
        info: Info,
        first: First = 20,
        after: After = None,
        last: Last = None,
        before: Before = None,
        filter: Annotated[
            TpeFilter | None, strawberry.argument(description="Filters that apply together; none when null.")
        ] = None,
    ) -> Connection[TpeDesignation]:
        return await tpe_page(info, Paging(first, after, last, before), filter)

    @strawberry.field(description="Every registered validation and verification body, by name.")
    async def entities(self, info: Info) -> list[ThirdPartyEntity]:
        return [ThirdPartyEntity.from_row(row) for row in await info.context.db.run(tpe_queries.list_entities)]
