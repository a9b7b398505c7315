from datetime import date

import strawberry

from api.context import Info
from api.mutations.appoint_member import MemberPayload
from api.mutations.base import decode_id, mutate
from api.types.member import CommitteeMember
from resolvers import members


@strawberry.input(description="The end of a member's term; the record stays as history.")
class EndMembershipInput:
    member_id: strawberry.ID = strawberry.field(description="The CommitteeMember's id.")
    until: date = strawberry.field(description="Last day of the term; not before its first day.")


@strawberry.mutation(description="End a member's term: that side's government or the secretariat.")
async def end_membership(info: Info, input: EndMembershipInput) -> MemberPayload:
    return await mutate(
        info,
        lambda session, principal: members.end_membership(
            session,
            principal,
            member_id=decode_id(input.member_id, "CommitteeMember", "memberId"),
            until=input.until,
        ),
        MemberPayload,
        lambda member: {"member": CommitteeMember.from_row(member)},
    )
