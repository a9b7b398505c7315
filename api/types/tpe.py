from datetime import date
from typing import TYPE_CHECKING, Annotated, Any, Self

import strawberry

from api.context import Info
from api.ids import to_global_id
from api.types.common import Node
from api.types.country import Country
from api.types.enums import AccreditationBasis, DesignationStatus, TpeFunction
from api.types.pagination import Connection, visible_page
from api.types.scope import SectoralScope
from models.tpe import DesignationScope as ScopeRow
from models.tpe import ThirdPartyEntity as EntityRow
from models.tpe import TpeDesignation as DesignationRow
from resolvers import tpe_queries

if TYPE_CHECKING:
    from api.types.committee import JointCommittee
    from api.types.decision import Decision


@strawberry.type(description="A validation and verification body.")
class ThirdPartyEntity(Node):
    row: strawberry.Private[EntityRow]
    name: str
    accreditation: AccreditationBasis  # type: ignore[valid-type]
    accreditation_body: str | None
    accreditation_expires_on: date | None

    @classmethod
    def from_row(cls, row: EntityRow) -> Self:
        return cls(
            id=strawberry.ID(to_global_id("ThirdPartyEntity", row.id)),
            row=row,
            name=row.name,
            accreditation=row.accreditation,
            accreditation_body=row.accreditation_body,
            accreditation_expires_on=row.accreditation_expires_on,
        )

    @strawberry.field(description="Where it is established.")
    async def country(self, info: Info) -> Country | None:
        if self.row.country_code is None:
            return None
        return Country.from_row(await info.context.loaders.country_by_code.load(self.row.country_code))

    @strawberry.field(description="Its designations, one per committee.")
    async def designations(self, info: Info) -> list["TpeDesignation"]:
        return [
            TpeDesignation.from_row(row) for row in await info.context.loaders.entity_designations.load(self.row.id)
        ]


@strawberry.type(description="One sectoral scope of a designation, for one function, with its own status.")
class DesignatedScope:
    function: TpeFunction  # type: ignore[valid-type]
    status: DesignationStatus  # type: ignore[valid-type]
    since: date = strawberry.field(description="The day this scope took its current status.")
    number: strawberry.Private[int]

    @strawberry.field(description="The sectoral scope.")
    async def scope(self, info: Info) -> SectoralScope:
        return SectoralScope.from_row(await info.context.loaders.scope.load(self.number))

    @classmethod
    def from_row(cls, row: ScopeRow) -> Self:
        return cls(function=row.function, status=row.status, since=row.since, number=row.scope)


@strawberry.type(description="An entity's designation as a third-party entity in one committee.")
class TpeDesignation(Node):
    row: strawberry.Private[DesignationRow]
    reference: str | None = strawberry.field(
        description="TPE-VN-003, given on the first designation in that committee."
    )
    status: DesignationStatus = strawberry.field(  # type: ignore[valid-type]
        description="DESIGNATED while any scope is; else SUSPENDED while any is; else how the last scope ended."
    )
    designated_on: date | None

    @classmethod
    def from_row(cls, row: DesignationRow) -> Self:
        return cls(
            id=strawberry.ID(to_global_id("TpeDesignation", row.id)),
            row=row,
            reference=row.reference,
            status=row.status,
            designated_on=row.designated_on,
        )

    @strawberry.field(description="The committee that designated it.")
    async def committee(self, info: Info) -> Annotated["JointCommittee", strawberry.lazy("api.types.committee")]:
        from api.types.committee import JointCommittee

        return JointCommittee.from_row(await info.context.loaders.committee.load(self.row.committee_id))

    @strawberry.field(description="The entity designated.")
    async def entity(self, info: Info) -> ThirdPartyEntity:
        return ThirdPartyEntity.from_row(await info.context.loaders.entity.load(self.row.entity_id))

    @strawberry.field(description="Validation scopes, then verification scopes, each by number.")
    async def scopes(self, info: Info) -> list[DesignatedScope]:
        rows = await info.context.loaders.designation_scopes.load(self.row.id)
        return [DesignatedScope.from_row(row) for row in sorted(rows, key=lambda r: (r.function.value, r.scope))]

    @strawberry.field(description="Decisions on it, oldest first: designation, extra scopes, suspension, withdrawal.")
    async def decisions(self, info: Info) -> list[Annotated["Decision", strawberry.lazy("api.types.decision")]]:
        from api.types.decision import Decision

        return [Decision.from_row(row) for row in await info.context.loaders.designation_decisions.load(self.row.id)]


@strawberry.input(
    description="Filters of the TPE list. With function or sectoralScope, status applies to the matching scopes."
)
class TpeFilter:
    committee_code: str | None = None
    function: TpeFunction | None = None  # type: ignore[valid-type]
    sectoral_scope: int | None = None
    status: list[DesignationStatus] | None = None  # type: ignore[valid-type]
    search: str | None = strawberry.field(default=None, description="Words of the entity's name.")


async def tpe_page(
    info: Info, first: int | None, after: str | None, filter: TpeFilter | None, committee_code: str | None = None
) -> Any:
    """The list behind Query.tpes and JointCommittee.tpeDesignations."""
    f = filter or TpeFilter()
    return await visible_page(
        info,
        tpe_queries.list_designations,
        TpeDesignation.from_row,
        first,
        after,
        committee_code=committee_code or f.committee_code,
        function=f.function,
        sectoral_scope=f.sectoral_scope,
        statuses=f.status,
        search=f.search,
    )


@strawberry.type
class TpeQueries:
    @strawberry.field(description="One designation by its reference: TPE-VN-003.")
    async def tpe(self, info: Info, reference: str) -> TpeDesignation | None:
        row = await info.context.db.run(tpe_queries.find_designation, reference)
        return TpeDesignation.from_row(row) if row else None

    @strawberry.field(
        description='Designations you may see. `tpes(filter: {committeeCode: "VN", function: VERIFICATION, '
        "sectoralScope: 3, status: [DESIGNATED]})` lists the entities that may verify scope 3 in Viet Nam today."
    )
    async def tpes(
        self, info: Info, first: int | None = 20, after: str | None = None, filter: TpeFilter | None = None
    ) -> Connection[TpeDesignation]:
        return await tpe_page(info, first, after, filter)

    @strawberry.field(description="Every registered validation and verification body, by name.")
    async def entities(self, info: Info) -> list[ThirdPartyEntity]:
        return [ThirdPartyEntity.from_row(row) for row in await info.context.db.run(tpe_queries.list_entities)]
