"""The committees area's Mutation root. A committee's members and meetings, kept by the secretariat."""

import strawberry

from api.mutations.appoint_member import appoint_member
from api.mutations.end_membership import end_membership
from api.mutations.schedule_meeting import schedule_meeting


@strawberry.type
class CommitteeMutations:
    appoint_member = appoint_member
    end_membership = end_membership
    schedule_meeting = schedule_meeting
