"""Query.node and Query.nodes: any object by its global id, through the loader its type registered
(`api.types.rows`), which answers None where the asking principal may not see the object."""

from typing import Annotated, Any

import strawberry

from api.context import Info
from api.ids import from_global_id
from api.types.common import Node
from api.types.rows import load_node, load_nodes
from models.errors import invalid


@strawberry.type
class NodeQueries:
    @strawberry.field(description="Any object by its global id; null when there is none (or you may not see it).")
    async def node(
        self,
        info: Info,
        id: Annotated[
            strawberry.ID,
            strawberry.argument(description="A global id as the API gave it in some object's `id` field."),
        ],
    ) -> Node | None:
        decoded = from_global_id(id)
        if decoded is None:
            return None
        return await load_node(info, decoded[0], decoded[1])

    @strawberry.field(
        description="Several objects by their global ids, of any types, in the order asked: each null where "
        "`node(id:)` would be null (no such object, an id this API did not make, or one you may not see). "
        "Objects of one type load in one batch."
    )
    async def nodes(
        self,
        info: Info,
        ids: Annotated[
            list[strawberry.ID],
            strawberry.argument(
                description="Global ids as the API gave them; at most the server's maximum page size (100 by "
                "default). The same id may appear more than once."
            ),
        ],
    ) -> list[Node | None]:
        cap = info.context.settings.max_page_size
        if len(ids) > cap:
            raise invalid("ids", f"ids takes at most {cap} ids; {len(ids)} were given.")
        found: list[Any] = await load_nodes(info, [from_global_id(each) for each in ids])
        return found
