"""Query.node: any object by its global id, through the loader its type registered (`api.types.rows`)."""

import strawberry

from api.context import Info
from api.ids import from_global_id
from api.types.common import Node
from api.types.rows import load_node


@strawberry.type
class NodeQueries:
    @strawberry.field(description="Any object by its global id; null when there is none (or you may not see it).")
    async def node(self, info: Info, id: strawberry.ID) -> Node | None:
        decoded = from_global_id(id)
        if decoded is None:
            return None
        return await load_node(info, decoded[0], decoded[1])
