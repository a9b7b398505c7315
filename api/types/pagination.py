"""Relay connections. A page's rows are rendered through the registry (`api.types.rows`) and the
relations selected on its nodes are prefetched (`api.types.relations`), so that one helper serves
every list of every area."""

from collections.abc import Awaitable, Callable
from typing import Any, Generic, TypeVar

import strawberry

from api.context import Info
from api.types.relations import prefetch
from api.types.rows import render_all
from resolvers.pagination import Page

T = TypeVar("T")


@strawberry.type(description="Where a page sits in its list (Relay cursor connections).")
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type
class Edge(Generic[T]):
    cursor: str = strawberry.field(description="Pass it as `after` to continue after this item.")
    node: T


@strawberry.type
class Connection(Generic[T]):
    edges: list[Edge[T]]
    page_info: PageInfo
    total_count: int = strawberry.field(description="Items in the whole list with these filters, not just this page.")


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


def page_args(info: Info, first: int | None, after: str | None) -> dict[str, Any]:
    """The paging arguments of a list field, with the configured cap."""
    return {
        "first": 20 if first is None else first,
        "after": after,
        "max_page_size": info.context.settings.max_page_size,
    }


async def visible_page(
    info: Info, list_fn: Callable[..., Awaitable[Page[Any]]], first: int | None, after: str | None, **filters: Any
) -> Any:
    """A connection of what `list_fn(session, principal, ...)` lets the asking principal see."""
    page = await info.context.db.run(list_fn, info.context.principal, **filters, **page_args(info, first, after))
    return await connection(info, page)
