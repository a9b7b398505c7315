"""The rules area's Mutation root. Rules, guidelines and forms: new versions go through the committee."""

import strawberry

from api.mutations.propose_rule_version import propose_rule_version


@strawberry.type
class RuleMutations:
    propose_rule_version = propose_rule_version
