"""What a proposal is about: the union of the types registered as subjects, one member per
`models.subjects.SubjectType`, in the enum's order.

Each area registers its subject type in its own type module (`@renders(..., subject=...)`); no
list of them is kept here. This module is named only lazily (by `Proposal.subject` and
`Decision.subject`), so it is imported when the schema is assembled, after `api.schema` imported
every area; a kind without a registered type fails that import.
"""

import operator
from functools import reduce
from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from api.types.rows import subject_classes

if TYPE_CHECKING:  # the members are known only once the areas registered them
    ProposalSubject = Any
else:
    ProposalSubject = Annotated[
        reduce(operator.or_, subject_classes()),
        strawberry.union("ProposalSubject", description="The object a proposal is about, and a decision changed."),
    ]
