from datetime import date
from typing import TYPE_CHECKING, Annotated, Self

import strawberry

from api.ids import to_global_id
from api.types.common import Node
from api.types.relations import relation
from api.types.rows import renders
from models import Meeting as MeetingRow
from models.types import saved_id

if TYPE_CHECKING:
    from api.types.committee import JointCommittee
    from api.types.decision import Decision


@renders(MeetingRow, node=lambda loaders: loaders.meeting)
@strawberry.type(description='A numbered meeting of a committee: "the 10th Joint Committee".')
class Meeting(Node):
    pk: strawberry.Private[int]
    committee_pk: strawberry.Private[int]
    number: int = strawberry.field(description="The meeting's number in its committee: 10 for the 10th.")
    held_on: date = strawberry.field(description="The day it is or was held.")
    venue: str | None = strawberry.field(description='Where: "Jakarta", "Online", "Tashkent and Online".')
    committee = relation(
        Annotated["JointCommittee", strawberry.lazy("api.types.committee")],
        lambda loaders: loaders.committee,
        lambda meeting: meeting.committee_pk,
        description="The committee that meets.",
    )
    decisions = relation(
        list[Annotated["Decision", strawberry.lazy("api.types.decision")]],
        lambda loaders: loaders.meeting_decisions,
        lambda meeting: meeting.pk,
        description="The decisions taken at this meeting.",
    )

    @classmethod
    def from_row(cls, row: MeetingRow) -> Self:
        return cls(
            id=strawberry.ID(to_global_id("Meeting", saved_id(row))),
            pk=saved_id(row),
            committee_pk=row.committee_id,
            number=row.number,
            held_on=row.held_on,
            venue=row.venue,
        )
