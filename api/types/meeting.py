from datetime import date
from typing import TYPE_CHECKING, Annotated, Self

import strawberry

from api.context import Info
from api.ids import to_global_id
from api.types.common import Node
from models import Meeting as MeetingRow

if TYPE_CHECKING:
    from api.types.committee import JointCommittee
    from api.types.decision import Decision


@strawberry.type(description='A numbered meeting of a committee: "the 10th Joint Committee".')
class Meeting(Node):
    pk: strawberry.Private[int]
    committee_pk: strawberry.Private[int]
    number: int = strawberry.field(description="The meeting's number in its committee: 10 for the 10th.")
    held_on: date = strawberry.field(description="The day it is or was held.")
    venue: str | None = strawberry.field(description='Where: "Jakarta", "Online", "Tashkent and Online".')

    @classmethod
    def from_row(cls, row: MeetingRow) -> Self:
        return cls(
            id=strawberry.ID(to_global_id("Meeting", row.id)),
            pk=row.id,
            committee_pk=row.committee_id,
            number=row.number,
            held_on=row.held_on,
            venue=row.venue,
        )

    @strawberry.field(description="The committee that meets.")
    async def committee(self, info: Info) -> Annotated["JointCommittee", strawberry.lazy("api.types.committee")]:
        from api.types.committee import JointCommittee

        return JointCommittee.from_row(await info.context.loaders.committee.load(self.committee_pk))

    @strawberry.field(description="The decisions taken at this meeting.")
    async def decisions(self, info: Info) -> list[Annotated["Decision", strawberry.lazy("api.types.decision")]]:
        from api.types.decision import Decision

        return [Decision.from_row(row) for row in await info.context.loaders.meeting_decisions.load(self.pk)]
