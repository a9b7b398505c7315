"""Committees with members and meetings, built through the resolvers (query-count and resilience tests)."""

from datetime import date

from models.db import new_session
from models.enums import MemberRole, Role, Side
from models.principal import Principal
from resolvers.meetings import schedule_meeting
from resolvers.members import appoint_member

SECRETARIAT = Principal(Role.SECRETARIAT, name="JCMA")

DEEPER = """
query ($region: Region) {
  committees(region: $region) {
    code
    members(includeFormer: true) { name committee { code } }
    coChair(side: PARTNER) { name }
    meetings { number committee { partner { code } } }
    partner { committee { code } }
  }
}
"""


async def given_members_and_meetings_everywhere(engine):
    async with new_session(engine) as session:
        for code in ["CR", "MX", "CL", "VN", "ID", "MN", "TZ"]:
            for side in Side:
                for role, title in ((MemberRole.CO_CHAIR, "Co-chair"), (MemberRole.MEMBER, "Member")):
                    await appoint_member(
                        session,
                        SECRETARIAT,
                        committee_code=code,
                        side=side,
                        role=role,
                        name=f"{title} {code} {side.value}",
                        organization="Ministry",
                        since=date(2025, 1, 1),
                    )
            await schedule_meeting(session, SECRETARIAT, committee_code=code, held_on=date(2025, 6, 1))
