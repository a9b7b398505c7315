"""The one way a mutation runs: authenticate, call the resolver, build the payload, or turn a
domain error into userErrors.

Every mutation is one call: `await mutate(info, operation, XPayload, render)`. `operation(session,
principal)` is the resolver (it opens its own write transaction); `render(result)` maps its result
(a row or a small result dataclass) to the payload's fields. On a domain error the payload carries
`userErrors` and every other field is null.

A write that the database aborts through no fault of its own (PostgreSQL chose it as a deadlock
victim, or a serialization failure) is run again from the start in a fresh transaction, a few
times with a growing, jittered pause. This is safe: `models.db.write_transaction` rolled the
failed attempt back (rows it added are discarded, rows it loaded are expired and read afresh), and
nothing leaves the process before commit (events are published by `resolvers.events` once the
transaction committed, and dropped when it rolls back). Every write takes its locks in one order
(models.db), so retries are a safety net, not the expected path.
"""

import asyncio
import dataclasses
import logging
import random
from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy.exc import DBAPIError
from sqlmodel.ext.asyncio.session import AsyncSession

from api.context import Info
from api.ids import from_global_id
from api.metrics import count_user_error
from api.types.common import UserError
from models.errors import DomainError, ErrorCode, invalid
from models.permissions import ensure_authenticated
from models.principal import Principal

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

T = TypeVar("T")
# A payload type: strawberry types are dataclasses.
P = TypeVar("P", bound="DataclassInstance")

Operation = Callable[[AsyncSession, Principal], Awaitable[T]]
# The payload's fields other than `user_errors`, from the operation's result.
Render = Callable[[T], Mapping[str, Any]]

logger = logging.getLogger("jcm.api")

# Attempts in all, and the pause before the second one (it doubles each time, jittered).
RETRY_ATTEMPTS = 4
RETRY_BACKOFF = 0.05
# PostgreSQL SQLSTATEs after which the same transaction, run again, may well succeed.
RETRYABLE = {"40P01": "deadlock", "40001": "serialization failure"}


def busy() -> DomainError:
    return DomainError(
        ErrorCode.BUSY, "The database is busy with other changes and nothing was changed: try again in a moment."
    )


def retry_reason(error: DBAPIError) -> str | None:
    """Why the database aborted the transaction, if running it again may succeed."""
    state = getattr(error.orig, "sqlstate", None) or getattr(error.orig, "pgcode", None)
    return RETRYABLE.get(state) if isinstance(state, str) else None


def is_locked(error: DBAPIError) -> bool:
    """SQLite gave up waiting for the write lock (after the connection's timeout, 30 s)."""
    return "database is locked" in str(error.orig)


async def _rollback(session: AsyncSession) -> None:
    await session.rollback()


async def _run(info: Info, operation: Operation[T]) -> T:
    context = info.context
    attempt = 1
    while True:
        try:
            return await context.db.run(operation, context.principal)
        except DBAPIError as error:
            reason = retry_reason(error)
            if reason is None:
                if is_locked(error):
                    logger.warning("%s: the database stayed locked; answered BUSY", info.field_name)
                    raise busy() from error
                raise
            # Normally rolled back by write_transaction already; a no-op then.
            await context.db.run(_rollback)
            if attempt == RETRY_ATTEMPTS:
                logger.warning(
                    "%s aborted by the database (%s) %d times; answered BUSY", info.field_name, reason, attempt
                )
                raise busy() from error
            logger.info(
                "%s aborted by the database (%s); retrying (attempt %d of %d)",
                info.field_name,
                reason,
                attempt + 1,
                RETRY_ATTEMPTS,
            )
            await asyncio.sleep(random.uniform(0.5, 1.0) * RETRY_BACKOFF * 2 ** (attempt - 1))
            attempt += 1


async def mutate(
    info: Info, operation: Operation[T], payload: type[P], render: Render[T], *, public: bool = False
) -> P:
    """Run `operation(session, principal)` in the operation's session, again if the database
    aborted it as a deadlock victim or for a serialization failure (see the module's docstring),
    and answer `payload(**render(result), user_errors=[])`.

    Authentication is checked before anything else, so an anonymous caller learns only that it
    must sign in; `operation` decodes its inputs itself (see `decode_id`) after that. A domain
    error answers `payload(user_errors=[...])` with every other field null. Either way the
    request's loaders are dropped: rows they cached may be stale now.
    """
    context = info.context
    try:
        if not public:
            ensure_authenticated(context.principal)
        result = await _run(info, operation)
    except DomainError as error:
        errors = [UserError(code=error.code, message=error.message, field=error.field)]
        count_user_error(context.request, error.code)
        empty = {field.name: None for field in dataclasses.fields(payload)}
        return payload(**empty | {"user_errors": errors})
    finally:
        context.forget_loaded()
    return payload(**{**render(result), "user_errors": []})


def decode_id(global_id: str, type_name: str, field: str) -> int:
    decoded = from_global_id(global_id)
    if decoded is None or decoded[0] != type_name:
        raise invalid(field, f"{field} is not the id of a {type_name}.")
    return decoded[1]
