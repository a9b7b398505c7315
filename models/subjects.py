"""What a proposal can be about: the one registry of subject kinds.

A proposal about an object (a rule version, a methodology, a designation ...) stores the kind of
that object in `Proposal.subject_type` as the value of `SubjectType`, which is also the GraphQL
type name of the object (and the type name in its global id). A new kind of subject is one member
here; its area registers, from its own module, what a decision or a withdrawal does to it
(`resolvers.effects`) and how it is loaded and shown (`api.types.subject`).
"""

from enum import StrEnum


class SubjectType(StrEnum):
    RULE_VERSION = "RuleVersion"
    METHODOLOGY = "Methodology"
    TPE_DESIGNATION = "TpeDesignation"
