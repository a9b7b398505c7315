"""Schema assembly: the roots of every area, with limits and error masking on by default."""

from collections.abc import AsyncIterator, Iterator
from functools import partial

import strawberry
from strawberry.extensions import (
    AddValidationRules,
    DisableIntrospection,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    SchemaExtension,
    ValidationCache,
)
from strawberry.types.graphql import OperationType

from api.errors import MaskUnexpectedErrors, Schema, logger
from api.limits import OperationLimits, refusal_rule
from api.mutations.committees import CommitteeMutations
from api.mutations.methodologies import MethodologyMutations
from api.mutations.proposals import ProposalMutations
from api.mutations.rules import RuleMutations
from api.mutations.tpes import TpeMutations
from api.settings import Settings
from api.storable_text import RefuseUnstorableText
from api.subscriptions import Subscription
from api.types.audit import AuditQueries
from api.types.committee import CommitteeQueries
from api.types.decision import DecisionQueries
from api.types.methodology import MethodologyQueries
from api.types.node import NodeQueries
from api.types.proposal import ProposalQueries
from api.types.rows import node_types
from api.types.search import SearchQueries
from api.types.statistics import StatisticsQueries
from api.types.tpe import TpeQueries
from api.types.viewer import ViewerQueries


# Each area brings its own roots; the schema is their union, one base class per area. The order of
# the bases is the order of the fields in schema.graphql (clients and the committed file rely on it).
@strawberry.type
class Query(
    ViewerQueries,
    NodeQueries,
    CommitteeQueries,
    DecisionQueries,
    ProposalQueries,
    AuditQueries,
    MethodologyQueries,
    TpeQueries,
    StatisticsQueries,
    SearchQueries,
):
    pass


@strawberry.type(description="Every expected failure comes back in `userErrors` and changes nothing.")
class Mutation(
    ProposalMutations,
    RuleMutations,
    MethodologyMutations,
    TpeMutations,
    CommitteeMutations,
):
    pass


class CloseSession(SchemaExtension):
    """Tells the operation's session that a query only reads, before any resolver runs, and returns
    its database connection to the pool when the operation ends."""

    def on_execute(self) -> Iterator[None]:
        if self.execution_context.operation_type is OperationType.QUERY:
            self.execution_context.context.db.reads_only()
        yield

    async def on_operation(self) -> AsyncIterator[None]:
        yield
        try:
            await self.execution_context.context.db.close()
        except Exception:
            # The result stands; a connection that broke (a field failed mid-query and its
            # siblings were cancelled) is discarded by the pool.
            logger.warning("closing the operation's session failed", exc_info=True)


def build_schema(settings: Settings) -> strawberry.Schema:
    # Validation rules are built once: the validation cache only hits when an operation is
    # validated against the very same rule classes as before.
    rules = [
        *QueryDepthLimiter(max_depth=settings.max_query_depth).validation_rules,
        *MaxAliasesLimiter(max_alias_count=settings.max_aliases).validation_rules,
    ]
    if not settings.introspection:
        rules += DisableIntrospection().validation_rules
    extensions: list = [
        CloseSession,
        MaskUnexpectedErrors,
        # Before the parser cache: the token limit is a parse option.
        partial(MaxTokensLimiter, max_token_count=settings.max_tokens),
        ParserCache,
        partial(AddValidationRules, rules),
        # Before the validation cache: a document too large once expanded skips the other rules.
        # Then, per request before any resolver: the cost, and the running time.
        partial(OperationLimits, settings=settings, refusal=refusal_rule(settings.max_query_cost)),
        ValidationCache,
        RefuseUnstorableText,  # after ValidationCache, which sets the validation errors it adds to
    ]
    return Schema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        types=node_types(),  # as registered by each area's type module, so that `node(id)` may return them
        extensions=extensions,
    )


def schema_sdl() -> str:
    """The schema as committed in schema.graphql (settings do not change its shape)."""
    return build_schema(Settings()).as_str() + "\n"
