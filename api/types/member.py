from datetime import date
from typing import TYPE_CHECKING, Annotated, Self

import strawberry

from api.ids import to_global_id
from api.types.common import Node
from api.types.enums import MemberRole, Side
from api.types.relations import relation
from api.types.rows import renders
from models import CommitteeMember as MemberRow
from models.types import saved_id

if TYPE_CHECKING:
    from api.types.committee import JointCommittee


@renders(MemberRow, node=lambda loaders: loaders.member)
@strawberry.type(description="One term of one person on one side of a committee. Ended terms are kept as history.")
class CommitteeMember(Node):
    pk: strawberry.Private[int]
    committee_pk: strawberry.Private[int]
    side: Side = strawberry.field(description="The government the member represents.")
    role: MemberRole = strawberry.field(description="Co-chair, member or observer.")
    name: str = strawberry.field(description="The member's name.")
    title: str | None = strawberry.field(description="Position or title, as the appointing side gives it.")
    organization: str = strawberry.field(description="Ministry, embassy or agency the member belongs to.")
    since: date = strawberry.field(description="First day of the term.")
    until: date | None = strawberry.field(description="Last day of the term; null while serving without an end date.")
    committee = relation(
        Annotated["JointCommittee", strawberry.lazy("api.types.committee")],
        lambda loaders: loaders.committee,
        lambda member: member.committee_pk,
        description="The committee this term is on.",
    )

    @classmethod
    def from_row(cls, row: MemberRow) -> Self:
        return cls(
            id=strawberry.ID(to_global_id("CommitteeMember", saved_id(row))),
            pk=saved_id(row),
            committee_pk=row.committee_id,
            side=row.side,
            role=row.role,
            name=row.name,
            title=row.title,
            organization=row.organization,
            since=row.since,
            until=row.until,
        )
