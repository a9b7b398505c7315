from datetime import date

import strawberry

from api.context import Info
from api.mutations.base import mutate
from api.types.common import UserError
from api.types.enums import MemberRole, Side
from api.types.member import CommitteeMember
from resolvers import members


@strawberry.input(description="A new term on one side of a committee.")
class AppointMemberInput:
    committee_code: str = strawberry.field(description="The partner's ISO code: VN.")
    side: Side = strawberry.field(description="The side the member represents.")
    role: MemberRole = strawberry.field(
        description="A new CO_CHAIR ends the sitting one's term the day before `since`."
    )
    name: str = strawberry.field(description="At most 200 characters.")
    title: str | None = strawberry.field(default=None, description="At most 200 characters.")
    organization: str = strawberry.field(description="At most 200 characters.")
    since: date = strawberry.field(description="First day of the term.")


@strawberry.type(
    description="What appointMember and endMembership return: the membership as it now is, or why nothing changed."
)
class MemberPayload:
    member: CommitteeMember | None = strawberry.field(description="The member as now recorded; null on error.")
    user_errors: list[UserError] = strawberry.field(description="Why nothing changed; empty on success.")


@strawberry.mutation(
    description="Appoint a member to one side of a committee: that side's government or the secretariat."
)
async def appoint_member(info: Info, input: AppointMemberInput) -> MemberPayload:
    return await mutate(
        info,
        lambda session, principal: members.appoint_member(
            session,
            principal,
            committee_code=input.committee_code,
            side=input.side,
            role=input.role,
            name=input.name,
            title=input.title,
            organization=input.organization,
            since=input.since,
        ),
        MemberPayload,
        lambda member: {"member": CommitteeMember.from_row(member)},
    )
