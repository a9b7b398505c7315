from typing import Any, Generic, TypeVar

import strawberry

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


def connection(page: Page[Any], render: Any) -> Any:
    """A Connection of `page`, each row rendered by `render`."""
    edges = [Edge(cursor=cursor, node=render(row)) for row, cursor in zip(page.rows, page.cursors, strict=True)]
    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=page.has_next,
            has_previous_page=page.has_previous,
            start_cursor=page.cursors[0] if page.cursors else None,
            end_cursor=page.cursors[-1] if page.cursors else None,
        ),
        total_count=page.total,
    )


def page_args(info: Any, first: int | None, after: str | None) -> dict[str, Any]:
    """The paging arguments of a list field, with the configured cap."""
    return {
        "first": 20 if first is None else first,
        "after": after,
        "max_page_size": info.context.settings.max_page_size,
    }


async def visible_page(
    info: Any, list_fn: Any, render: Any, first: int | None, after: str | None, **filters: Any
) -> Any:
    """A connection of what `list_fn(session, principal, ...)` lets the asking principal see."""
    page = await info.context.db.run(list_fn, info.context.principal, **filters, **page_args(info, first, after))
    return connection(page, render)
