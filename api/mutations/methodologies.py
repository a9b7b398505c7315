"""The methodologies area's Mutation root. Methodologies: proposals of new ones and of revisions."""

import strawberry

from api.mutations.propose_methodology import propose_methodology, propose_methodology_revision


@strawberry.type
class MethodologyMutations:
    propose_methodology = propose_methodology
    propose_methodology_revision = propose_methodology_revision
