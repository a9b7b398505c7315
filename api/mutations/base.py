"""The one way a mutation runs: authenticate, call the resolver, turn domain errors into userErrors."""

from collections.abc import Awaitable, Callable
from typing import TypeVar

from sqlmodel.ext.asyncio.session import AsyncSession

from api.context import Info
from api.ids import from_global_id
from api.types.common import UserError
from models.errors import DomainError, invalid
from models.permissions import ensure_authenticated
from models.principal import Principal

T = TypeVar("T")

Operation = Callable[[AsyncSession, Principal], Awaitable[T]]


async def mutate(info: Info, operation: Operation[T], *, public: bool = False) -> tuple[T | None, list[UserError]]:
    """Run `operation(session, principal)` in the operation's session.

    Authentication is checked before anything else, so an anonymous caller learns only that it
    must sign in; `operation` decodes its inputs itself (see `decode_id`) after that.
    """
    context = info.context
    try:
        if not public:
            ensure_authenticated(context.principal)
        result = await context.db.run(operation, context.principal)
    except DomainError as error:
        return None, [UserError(code=error.code, message=error.message, field=error.field)]
    finally:
        context.forget_loaded()
    return result, []


def decode_id(global_id: str, type_name: str, field: str) -> int:
    decoded = from_global_id(global_id)
    if decoded is None or decoded[0] != type_name:
        raise invalid(field, f"{field} is not the id of a {type_name}.")
    return decoded[1]
