"""Schema assembly: the roots of every area, with limits and error masking on by default."""

from collections.abc import AsyncIterator
from functools import partial

import strawberry
from strawberry.extensions import (
    DisableIntrospection,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    SchemaExtension,
    ValidationCache,
)

from api.errors import MaskUnexpectedErrors
from api.mutations.appoint_member import appoint_member
from api.mutations.end_membership import end_membership
from api.mutations.schedule_meeting import schedule_meeting
from api.queries import Query
from api.settings import Settings
from api.types.committee import JointCommittee
from api.types.country import Country
from api.types.meeting import Meeting
from api.types.member import CommitteeMember


@strawberry.type(description="Every expected failure comes back in `userErrors` and changes nothing.")
class Mutation:
    appoint_member = appoint_member
    end_membership = end_membership
    schedule_meeting = schedule_meeting


class CloseSession(SchemaExtension):
    """Returns the operation's database connection to the pool when the operation ends."""

    async def on_operation(self) -> AsyncIterator[None]:  # type: ignore[override]
        yield
        await self.execution_context.context.db.close()


def build_schema(settings: Settings) -> strawberry.Schema:
    extensions: list = [
        CloseSession,
        MaskUnexpectedErrors,
        # Before the parser cache: the token limit is a parse option.
        partial(MaxTokensLimiter, max_token_count=settings.max_tokens),
        ParserCache,
        ValidationCache,
        partial(QueryDepthLimiter, max_depth=settings.max_query_depth),
        partial(MaxAliasesLimiter, max_alias_count=settings.max_aliases),
    ]
    if not settings.introspection:
        extensions.append(DisableIntrospection)
    return strawberry.Schema(
        query=Query,
        mutation=Mutation,
        types=[Country, JointCommittee, CommitteeMember, Meeting],
        extensions=extensions,
    )


def schema_sdl() -> str:
    """The schema as committed in schema.graphql (settings do not change its shape)."""
    return build_schema(Settings()).as_str() + "\n"
