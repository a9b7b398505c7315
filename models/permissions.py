"""What each role may do: the one place that answers "may this principal do that here?".

Each action names the roles that may perform it and, for a government, how far its reach goes:
the Japanese government sits on every committee, a partner only on its own, and where a side is
involved (appointing a member of the partner side, say) a government acts for its own side only.
"""

from enum import StrEnum

from models.enums import Role, Side
from models.errors import DomainError, ErrorCode
from models.principal import Principal


class Action(StrEnum):
    APPOINT_MEMBER = "appointMember"
    END_MEMBERSHIP = "endMembership"
    SCHEDULE_MEETING = "scheduleMeeting"


class Reach(StrEnum):
    SECRETARIAT_ONLY = "secretariat only"
    OWN_SIDE = "the secretariat, or the government of that side"


POLICY: dict[Action, Reach] = {
    Action.APPOINT_MEMBER: Reach.OWN_SIDE,
    Action.END_MEMBERSHIP: Reach.OWN_SIDE,
    Action.SCHEDULE_MEETING: Reach.SECRETARIAT_ONLY,
}


def speaks_for(principal: Principal, committee_code: str, side: Side) -> bool:
    """True when the principal is the government of `side` in that committee."""
    if principal.role is Role.JAPAN:
        return side is Side.JAPAN
    if principal.role is Role.PARTNER:
        return side is Side.PARTNER and principal.country_code == committee_code
    return False


def ensure_authenticated(principal: Principal) -> None:
    if principal.role is Role.PUBLIC:
        raise DomainError(ErrorCode.UNAUTHENTICATED, "Sign in with a bearer token to do this.")


def ensure_allowed(
    principal: Principal, action: Action, committee_code: str, side: Side | None = None
) -> None:
    """Raise UNAUTHENTICATED or FORBIDDEN unless `principal` may perform `action` there."""
    ensure_authenticated(principal)
    if principal.role is Role.SECRETARIAT:
        return
    reach = POLICY[action]
    if reach is Reach.OWN_SIDE and side is not None and speaks_for(principal, committee_code, side):
        return
    raise DomainError(
        ErrorCode.FORBIDDEN,
        f"{action.value} in the {committee_code} committee"
        + (f" for the {side.value} side" if side else "")
        + f" is for {reach.value}.",
    )
