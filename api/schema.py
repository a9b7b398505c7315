"""Schema assembly: the roots of every area, with limits and error masking on by default."""

from collections.abc import AsyncIterator
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

from api.errors import MaskUnexpectedErrors, Schema, logger
from api.limits import OperationLimits, refusal_rule
from api.mutations.appoint_member import appoint_member
from api.mutations.circulate_proposal import circulate_proposal
from api.mutations.create_proposal import create_proposal
from api.mutations.end_membership import end_membership
from api.mutations.open_public_input import open_public_input
from api.mutations.positions import give_consent, raise_objection
from api.mutations.propose_methodology import propose_methodology, propose_methodology_revision
from api.mutations.propose_rule_version import propose_rule_version
from api.mutations.register_entity import register_entity
from api.mutations.return_proposal import return_proposal
from api.mutations.schedule_meeting import schedule_meeting
from api.mutations.submit_proposal import submit_proposal
from api.mutations.submit_public_comment import submit_public_comment
from api.mutations.tpe_designation import (
    propose_tpe_designation,
    propose_tpe_suspension,
    propose_tpe_withdrawal,
    record_voluntary_withdrawal,
)
from api.mutations.withdraw_proposal import withdraw_proposal
from api.queries import Query
from api.settings import Settings
from api.storable_text import RefuseUnstorableText
from api.subscriptions import Subscription
from api.types.committee import JointCommittee
from api.types.country import Country
from api.types.decision import Decision
from api.types.meeting import Meeting
from api.types.member import CommitteeMember
from api.types.methodology import Methodology
from api.types.proposal import Proposal
from api.types.rules import RuleDocument, RuleVersion
from api.types.tpe import ThirdPartyEntity, TpeDesignation


@strawberry.type(description="Every expected failure comes back in `userErrors` and changes nothing.")
class Mutation:
    create_proposal = create_proposal
    submit_proposal = submit_proposal
    return_proposal = return_proposal
    open_public_input = open_public_input
    submit_public_comment = submit_public_comment
    circulate_proposal = circulate_proposal
    give_consent = give_consent
    raise_objection = raise_objection
    withdraw_proposal = withdraw_proposal
    propose_rule_version = propose_rule_version
    propose_methodology = propose_methodology
    propose_methodology_revision = propose_methodology_revision
    register_entity = register_entity
    propose_tpe_designation = propose_tpe_designation
    propose_tpe_suspension = propose_tpe_suspension
    propose_tpe_withdrawal = propose_tpe_withdrawal
    record_voluntary_withdrawal = record_voluntary_withdrawal
    appoint_member = appoint_member
    end_membership = end_membership
    schedule_meeting = schedule_meeting


class CloseSession(SchemaExtension):
    """Returns the operation's database connection to the pool when the operation ends."""

    async def on_operation(self) -> AsyncIterator[None]:  # type: ignore[override]
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
        types=[
            Country,
            JointCommittee,
            CommitteeMember,
            Meeting,
            Proposal,
            Decision,
            RuleDocument,
            RuleVersion,
            Methodology,
            TpeDesignation,
            ThirdPartyEntity,
        ],
        extensions=extensions,
    )


def schema_sdl() -> str:
    """The schema as committed in schema.graphql (settings do not change its shape)."""
    return build_schema(Settings()).as_str() + "\n"
