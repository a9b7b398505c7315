"""Relay connections. A page's rows are rendered through the registry (`api.types.rows`) and the
relations selected on its nodes are prefetched (`api.types.relations`), so that one helper serves
every list of every area.

Every connection field takes the same four paging arguments, declared once here (`First`,
`After`, `Last`, `Before`) so that their descriptions and defaults agree across the schema."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, Any, Generic, TypeVar

import strawberry
from graphql import GraphQLNamedType, GraphQLObjectType, GraphQLSchema, NullValueNode, VariableNode

from api.context import Info
from api.types.relations import prefetch
from api.types.rows import render_all
from resolvers.pagination import Page

T = TypeVar("T")

DEFAULT_PAGE_SIZE = 20

First = Annotated[
    int | None,
    strawberry.argument(
        description="Page forward: at most this many items from the start of the list, or after `after`. "
        "1 to the server's maximum page size (100 by default); 20 when neither `first` nor `last` is given. "
        "Not together with `last`."
    ),
]
After = Annotated[
    str | None,
    strawberry.argument(
        description="Start after this item: an edge's `cursor` (or `pageInfo.endCursor`) from this same list."
    ),
]
Last = Annotated[
    int | None,
    strawberry.argument(
        description="Page backward: at most this many items from the end of the list, or before `before`, "
        "still in the list's order. 1 to the server's maximum page size. Not together with `first`."
    ),
]
Before = Annotated[
    str | None,
    strawberry.argument(
        description="End before this item: an edge's `cursor` (or `pageInfo.startCursor`) from this same list. "
        "With `after` too, the page lies between the two."
    ),
]


@dataclass(frozen=True)
class Paging:
    """A connection field's paging arguments, as given."""

    first: int | None = DEFAULT_PAGE_SIZE
    after: str | None = None
    last: int | None = None
    before: str | None = None


@strawberry.type(description="Where a page sits in its list (Relay cursor connections).")
class PageInfo:
    has_next_page: bool = strawberry.field(
        description="Whether items follow this page: when paging forward, the list goes on past it; when "
        "paging backward, the page ended before a `before` cursor."
    )
    has_previous_page: bool = strawberry.field(
        description="Whether items precede this page: when paging backward, the list goes on before it; when "
        "paging forward, the page started after an `after` cursor."
    )
    start_cursor: str | None = strawberry.field(
        description="The first edge's cursor: pass it as `before` for the page before this one. Null on an empty page."
    )
    end_cursor: str | None = strawberry.field(
        description="The last edge's cursor: pass it as `after` for the page after this one. Null on an empty page."
    )


@strawberry.type
class Edge(Generic[T]):
    cursor: str = strawberry.field(
        description="This item's place in the list, opaque: pass it as `after` to continue after this item or as "
        "`before` to page back from it. Valid only for the list (and filters) it came from."
    )
    node: T = strawberry.field(description="The item itself.")


@strawberry.type
class Connection(Generic[T]):
    edges: list[Edge[T]] = strawberry.field(description="The page's items with their cursors, in the list's order.")
    page_info: PageInfo = strawberry.field(description="Cursors and whether there is more before or after this page.")
    total_count: int = strawberry.field(description="Items in the whole list with these filters, not just this page.")


def describe_connections(schema: GraphQLSchema) -> None:
    """Each specialised connection and edge type (`DecisionConnection`, `DecisionEdge` ...) says what
    it holds. strawberry gives every specialisation of a generic type the same description (none
    here), which would tell a reader of `ProjectEdge` nothing about projects."""
    for name, named in schema.type_map.items():
        if not isinstance(named, GraphQLObjectType) or named.description:
            continue
        node = _node_type(named)
        if node is None:
            continue
        if name == f"{node.name}Connection":
            named.description = (
                f"A page of {node.name} items (Relay cursor connection): their edges, where the page sits "
                "(`pageInfo`) and how many the whole list holds (`totalCount`)."
            )
        elif name == f"{node.name}Edge":
            named.description = f"One {node.name} of a page, with the cursor to page on from it."
            named.fields["node"].description = f"The {node.name} at this place in the list."


def _node_type(named: GraphQLObjectType) -> GraphQLNamedType | None:
    """The item type of a connection (through its `edges`) or of an edge (its `node`)."""
    fields = named.fields
    if set(fields) == {"edges", "pageInfo", "totalCount"}:
        edge = _named(fields["edges"].type)
        return _node_type(edge) if isinstance(edge, GraphQLObjectType) else None
    if set(fields) == {"cursor", "node"}:
        return _named(fields["node"].type)
    return None


def _named(graphql_type: Any) -> GraphQLNamedType:
    while hasattr(graphql_type, "of_type"):
        graphql_type = graphql_type.of_type
    return graphql_type


async def connection(info: Info, page: Page[Any]) -> Any:
    """A Connection of `page`, each row rendered by its registered type, with the relations
    selected on the nodes loaded up front, one batch each."""
    nodes = render_all(page.rows)
    await prefetch(info, nodes, "edges", "node")
    return Connection(
        edges=[Edge(cursor=cursor, node=node) for node, cursor in zip(nodes, page.cursors, strict=True)],
        page_info=PageInfo(
            has_next_page=page.has_next,
            has_previous_page=page.has_previous,
            start_cursor=page.cursors[0] if page.cursors else None,
            end_cursor=page.cursors[-1] if page.cursors else None,
        ),
        total_count=page.total,
    )


def page_args(info: Info, paging: Paging) -> dict[str, Any]:
    """The paging arguments of a list field, with the configured cap.

    `first` defaults to 20 in the schema (clients rely on it), so `last: 5` alone arrives with
    `first: 20` too: that default gives way to `last`, while a `first` the document itself gives
    (a literal or a variable with a value) is refused beside `last` by `resolvers.pagination`."""
    first = paging.first
    if paging.last is not None and first is not None and not _given(info, "first"):
        first = None
    if first is None and paging.last is None:
        first = DEFAULT_PAGE_SIZE
    return {
        "first": first,
        "after": paging.after,
        "last": paging.last,
        "before": paging.before,
        "max_page_size": info.context.settings.max_page_size,
    }


def _given(info: Info, name: str) -> bool:
    """Whether the document gives argument `name` of this field a value (not its default).

    Read from graphql-core's resolve info, which strawberry keeps as `_raw_info` (its public
    `selected_fields` would convert the whole selection below the field); asked only when `last`
    is given."""
    for argument in info._raw_info.field_nodes[0].arguments or ():
        if argument.name.value == name:
            value = argument.value
            if isinstance(value, VariableNode):
                return info.variable_values.get(value.name.value) is not None
            return not isinstance(value, NullValueNode)
    return False


async def visible_page(info: Info, list_fn: Callable[..., Awaitable[Page[Any]]], paging: Paging, **filters: Any) -> Any:
    """A connection of what `list_fn(session, principal, ...)` lets the asking principal see."""
    page = await info.context.db.run(list_fn, info.context.principal, **filters, **page_args(info, paging))
    return await connection(info, page)
