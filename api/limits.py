"""Limits on the work of one GraphQL operation, checked per request: its estimated cost before it
runs, and its running time.

Both run at the start of execution (api/extension.py), which every transport goes through (POST, GET
and WebSocket) after validation and before any resolver: the cost needs the variables (`first: $n`),
which a validation rule does not see, and validation stays cached per document. Before validation,
`refuse_oversized_document` only guards validation itself against documents whose fragments expand
past the limit.
"""

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from graphql import GraphQLError, ValidationContext, ValidationRule
from strawberry.types import ExecutionContext
from strawberry.types.graphql import OperationType

from api.cost import expanded_size, operation_cost
from api.settings import Settings

logger = logging.getLogger("jcm.api")


def too_costly(cost: int, max_cost: int) -> GraphQLError:
    return GraphQLError(
        f"This query would cost {cost:,} (the limit is {max_cost:,}): ask for fewer items with `first`, or split it.",
        extensions={"code": "QUERY_TOO_COSTLY", "cost": cost, "maxCost": max_cost},
    )


def timed_out(limit_s: float) -> GraphQLError:
    return GraphQLError(
        f"The request took longer than {limit_s:g} s, the limit for one request: "
        "ask for fewer items with `first`, or split it.",
        extensions={"code": "TIMEOUT", "limitSeconds": limit_s},
    )


def refusal_rule(max_cost: int) -> type[ValidationRule]:
    """The one validation rule of a document too large once expanded (built once per schema, so
    that the validation cache hits)."""

    class TooCostly(ValidationRule):
        def __init__(self, context: ValidationContext):
            super().__init__(context)
            context.report_error(too_costly(expanded_size(context.document), max_cost))

    return TooCostly


def refuse_oversized_document(context: ExecutionContext, max_cost: int, refusal: type[ValidationRule]) -> None:
    """Before validation: a document whose fragments expand past the limit is refused by validation
    alone (the `refusal` rule), since the other rules would expand it too."""
    assert context.graphql_document is not None
    if expanded_size(context.graphql_document) > max_cost:
        context.validation_rules = (refusal,)


def refuse_costly_operation(context: ExecutionContext, settings: Settings) -> None:
    """Before any resolver: an operation whose estimated cost is over `max_query_cost` is refused."""
    assert context.graphql_document is not None  # execution comes after parsing and validation
    cost = operation_cost(
        context.schema._schema,
        context.graphql_document,
        context.operation_name,
        context.variables,
        settings.max_page_size,
    )
    if cost > settings.max_query_cost:
        raise too_costly(cost, settings.max_query_cost)


@asynccontextmanager
async def time_limit(context: ExecutionContext, settings: Settings) -> AsyncIterator[None]:
    """Bounds a query's execution by `request_timeout_s`.

    A mutation is not cut short: its database calls run to their end anyway (api/db.py `Db`
    shields them), so a client told TIMEOUT could not know whether its write committed. Its
    statements are bounded by PostgreSQL's statement timeout instead. A subscription's limit
    covers setting it up, not the life of the stream.
    """
    limit = settings.request_timeout_s
    if not limit or context.operation_type is not OperationType.QUERY:
        yield
        return
    timeout = asyncio.timeout(limit)
    try:
        async with timeout:
            yield
    except TimeoutError:
        if not timeout.expired():
            raise
        await _close_session(context)
        raise timed_out(limit) from None


async def _close_session(context: ExecutionContext) -> None:
    """Wait for the database call under way (shielded, it is not cancelled) and close the session,
    so that the connection goes back to the pool idle, not mid-statement."""
    try:
        await context.context.db.close()
    except Exception:
        logger.warning("closing the session of a query that ran out of time failed", exc_info=True)
