"""Schema assembly: the roots of every area, with limits and error masking on by default."""

from functools import partial

import strawberry
from graphql import GraphQLSchema, get_named_type
from strawberry.extensions import (
    DisableIntrospection,
    MaxAliasesLimiter,
    QueryDepthLimiter,
)

from api.compiled.execute import CompiledReads
from api.errors import Schema
from api.extension import OperationSteps, Steps
from api.limits import refusal_rule
from api.mutations.committees import CommitteeMutations
from api.mutations.methodologies import MethodologyMutations
from api.mutations.projects import ProjectMutations
from api.mutations.proposals import ProposalMutations
from api.mutations.registry import RegistryMutations
from api.mutations.rules import RuleMutations
from api.mutations.tpes import TpeMutations
from api.settings import Settings
from api.subscriptions import Subscription
from api.types.audit import AuditQueries
from api.types.certificate import CertificateQueries
from api.types.committee import CommitteeQueries
from api.types.decision import DecisionQueries
from api.types.methodology import MethodologyQueries
from api.types.ndc import NdcQueries
from api.types.node import NodeQueries
from api.types.pagination import describe_connections
from api.types.project import ProjectQueries
from api.types.proposal import ProposalQueries
from api.types.registry import RegistryQueries
from api.types.rows import node_types
from api.types.search import SearchQueries
from api.types.statistics import StatisticsQueries
from api.types.tpe import TpeQueries
from api.types.viewer import ViewerQueries


# Each area brings its own roots; the schema is their union, one base class per area. The order of
# the bases is the order of the fields in schema.graphql (clients and the committed file rely on it).
@strawberry.type(
    description="Reads. Everything published is public; a token (Authorization: Bearer) shows also what its "
    "holder may see: drafts of its committee, participant accounts of its registry ..."
)
class Query(
    ViewerQueries,
    NodeQueries,
    CommitteeQueries,
    DecisionQueries,
    ProposalQueries,
    AuditQueries,
    MethodologyQueries,
    TpeQueries,
    ProjectQueries,
    RegistryQueries,
    CertificateQueries,
    StatisticsQueries,
    SearchQueries,
    NdcQueries,
):
    pass


@strawberry.type(description="Every expected failure comes back in `userErrors` and changes nothing.")
class Mutation(
    ProposalMutations,
    RuleMutations,
    MethodologyMutations,
    TpeMutations,
    ProjectMutations,
    RegistryMutations,
    CommitteeMutations,
):
    pass


def build_schema(settings: Settings) -> strawberry.Schema:
    # Validation rules are built once: the validation cache only hits when an operation is
    # validated against the very same rule classes as before.
    rules = [
        *QueryDepthLimiter(max_depth=settings.max_query_depth).validation_rules,
        *MaxAliasesLimiter(max_alias_count=settings.max_aliases).validation_rules,
    ]
    if not settings.introspection:
        rules += DisableIntrospection().validation_rules
    # One extension runs every per-operation step (limits, caches, masking, the session), in the
    # order api/extension.py documents.
    steps = Steps(settings, rules, refusal_rule(settings.max_query_cost))
    schema = Schema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        types=node_types(),  # as registered by each area's type module, so that `node(id)` may return them
        extensions=[partial(OperationSteps, steps)],
        execution_context_class=CompiledReads if settings.compiled_reads else None,
    )
    describe_connections(schema._schema)
    describe_mutation_inputs(schema._schema)
    describe_scalars(schema._schema)
    return schema


# strawberry's own words for its date scalars ("Date (isoformat)") say neither the format nor the zone.
SCALARS = {
    "Date": "A calendar day, ISO 8601 (YYYY-MM-DD): 2026-12-02. Days are as the committees publish them, no zone.",
    "DateTime": "An instant, ISO 8601 with its UTC offset: 2026-12-02T09:00:00+00:00; answers are in UTC.",
}


def describe_scalars(schema: GraphQLSchema) -> None:
    for name, description in SCALARS.items():
        schema.type_map[name].description = description


def describe_mutation_inputs(schema: GraphQLSchema) -> None:
    """Every mutation takes one argument, `input` (the Relay convention), whose type says what it
    holds field by field: the argument's description is its input type's, written once there."""
    mutation = schema.mutation_type
    assert mutation is not None
    for field in mutation.fields.values():
        for argument in field.args.values():
            if not argument.description:
                argument.description = get_named_type(argument.type).description


def schema_sdl() -> str:
    """The schema as committed in schema.graphql (settings do not change its shape)."""
    return build_schema(Settings()).as_str() + "\n"
