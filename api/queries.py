"""The Query root of this part of the contract."""

from collections.abc import Callable
from typing import Any

import strawberry

from api.context import Info
from api.ids import from_global_id
from api.types.committee import JointCommittee
from api.types.common import Node
from api.types.country import Country
from api.types.enums import Region
from api.types.meeting import Meeting
from api.types.member import CommitteeMember
from api.types.scope import SectoralScope
from api.types.viewer import Viewer
from resolvers import committees

# Type name in a global id -> (loader on the context, how to render the row).
NODE_TYPES: dict[str, tuple[str, Callable[[Any], Node]]] = {
    "Country": ("country", Country.from_row),
    "JointCommittee": ("committee", JointCommittee.from_row),
    "CommitteeMember": ("member", CommitteeMember.from_row),
    "Meeting": ("meeting", Meeting.from_row),
}


@strawberry.type
class Query:
    @strawberry.field(description="Who is asking: the role and country of the bearer token, or PUBLIC.")
    def viewer(self, info: Info) -> Viewer:
        principal = info.context.principal
        return Viewer(role=principal.role, name=principal.name, country_code=principal.country_code)

    @strawberry.field(description="Any object by its global id; null when there is none (or you may not see it).")
    async def node(self, info: Info, id: strawberry.ID) -> Node | None:
        decoded = from_global_id(id)
        if decoded is None or decoded[0] not in NODE_TYPES:
            return None
        loader_name, render = NODE_TYPES[decoded[0]]
        row = await getattr(info.context.loaders, loader_name).load(decoded[1])
        return render(row) if row else None

    @strawberry.field(description="Japan first, then the 30 partner countries in signing order.")
    async def countries(self, info: Info) -> list[Country]:
        return [Country.from_row(row) for row in await info.context.db.run(committees.list_countries)]

    @strawberry.field(description="The Joint Committees in the order their partners signed, optionally of one region.")
    async def committees(self, info: Info, region: Region | None = None) -> list[JointCommittee]:  # type: ignore[valid-type]
        rows = await info.context.db.run(committees.list_committees, region)
        return [JointCommittee.from_row(row) for row in rows]

    @strawberry.field(description="One committee by the partner's ISO code (case-insensitive): VN, id, Mn ...")
    async def committee(self, info: Info, code: str) -> JointCommittee | None:
        row = await info.context.db.run(committees.find_committee, code)
        return JointCommittee.from_row(row) if row else None

    @strawberry.field(description="The 15 sectoral scopes, by number.")
    async def sectoral_scopes(self, info: Info) -> list[SectoralScope]:
        return [SectoralScope.from_row(row) for row in await info.context.db.run(committees.list_sectoral_scopes)]
