"""Schema assembly: the roots of every area, with limits and error masking on by default."""

from functools import partial

import strawberry
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
    return schema


def schema_sdl() -> str:
    """The schema as committed in schema.graphql (settings do not change its shape)."""
    return build_schema(Settings()).as_str() + "\n"
