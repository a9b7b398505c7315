"""What each role may do: the one place that answers "may this principal do that here?".

Every action names its reach. The Japanese government sits on every committee, a partner only on
its own; where a side is involved (appointing a member of the partner side, submitting a partner's
proposal) a government acts for its own side only. The secretariat prepares and records everywhere
but never takes a side's position.
"""

from enum import StrEnum

from models.enums import Role, Side
from models.errors import DomainError, ErrorCode
from models.principal import Principal


class Reach(StrEnum):
    SECRETARIAT = "the secretariat"
    SIDE = "the secretariat or the government of that side"
    PROPOSER = "the secretariat or the proposer's side"
    COMMITTEE = "the secretariat, the Japanese government or that committee's partner"
    GOVERNMENTS = "the Japanese government or that committee's partner"
    ANYONE = "anyone"


class Action(StrEnum):
    """Actions outside the proposal workflow (whose reach lives in models.workflow.TRANSITIONS)."""

    APPOINT_MEMBER = "appointMember"
    END_MEMBERSHIP = "endMembership"
    SCHEDULE_MEETING = "scheduleMeeting"
    CREATE_PROPOSAL = "createProposal"
    PROPOSE_RULE_VERSION = "proposeRuleVersion"
    PROPOSE_METHODOLOGY = "proposeMethodology"
    PROPOSE_METHODOLOGY_REVISION = "proposeMethodologyRevision"
    COMMENT = "submitPublicComment"
    REGISTER_ENTITY = "registerEntity"
    PROPOSE_TPE_DESIGNATION = "proposeTpeDesignation"
    PROPOSE_TPE_SUSPENSION = "proposeTpeSuspension"
    PROPOSE_TPE_WITHDRAWAL = "proposeTpeWithdrawal"
    RECORD_VOLUNTARY_WITHDRAWAL = "recordVoluntaryWithdrawal"
    PROPOSE_PLANNED_PROJECT = "proposePlannedProject"
    RECORD_PROJECT_DESIGN_DOCUMENT = "recordProjectDesignDocument"
    PROPOSE_REGISTRATION = "proposeRegistration"
    PROPOSE_PROJECT_WITHDRAWAL = "proposeProjectWithdrawal"
    REQUEST_ISSUANCE = "requestIssuance"
    AUTHORIZE_CREDITS = "authorizeCredits"


POLICY: dict[Action, Reach] = {
    Action.APPOINT_MEMBER: Reach.SIDE,
    Action.END_MEMBERSHIP: Reach.SIDE,
    Action.SCHEDULE_MEETING: Reach.SECRETARIAT,
    Action.CREATE_PROPOSAL: Reach.COMMITTEE,
    Action.PROPOSE_RULE_VERSION: Reach.COMMITTEE,
    Action.PROPOSE_METHODOLOGY: Reach.COMMITTEE,
    Action.PROPOSE_METHODOLOGY_REVISION: Reach.COMMITTEE,
    Action.COMMENT: Reach.ANYONE,
    Action.REGISTER_ENTITY: Reach.SECRETARIAT,
    Action.PROPOSE_TPE_DESIGNATION: Reach.SECRETARIAT,
    Action.PROPOSE_TPE_SUSPENSION: Reach.COMMITTEE,
    Action.PROPOSE_TPE_WITHDRAWAL: Reach.COMMITTEE,
    Action.RECORD_VOLUNTARY_WITHDRAWAL: Reach.SECRETARIAT,
    Action.PROPOSE_PLANNED_PROJECT: Reach.COMMITTEE,
    Action.RECORD_PROJECT_DESIGN_DOCUMENT: Reach.SECRETARIAT,
    Action.PROPOSE_REGISTRATION: Reach.SECRETARIAT,
    Action.PROPOSE_PROJECT_WITHDRAWAL: Reach.COMMITTEE,
    Action.REQUEST_ISSUANCE: Reach.SECRETARIAT,
    # Article 6.3: each government for its own side, the side taken from the token.
    Action.AUTHORIZE_CREDITS: Reach.GOVERNMENTS,
}


def sits_on(principal: Principal, committee_code: str) -> bool:
    """True for a government with a side in that committee."""
    return principal.role is Role.JAPAN or (principal.role is Role.PARTNER and principal.country_code == committee_code)


def speaks_for(principal: Principal, committee_code: str, side: Side | None) -> bool:
    """True when the principal is the government of `side` in that committee."""
    return side is not None and sits_on(principal, committee_code) and principal.side is side


def may(principal: Principal, reach: Reach, committee_code: str, side: Side | None = None) -> bool:
    secretariat = principal.role is Role.SECRETARIAT
    match reach:
        case Reach.ANYONE:
            return True
        case Reach.SECRETARIAT:
            return secretariat
        case Reach.SIDE | Reach.PROPOSER:
            return secretariat or speaks_for(principal, committee_code, side)
        case Reach.COMMITTEE:
            return secretariat or sits_on(principal, committee_code)
        case Reach.GOVERNMENTS:
            return sits_on(principal, committee_code)


def ensure_authenticated(principal: Principal) -> None:
    if principal.role is Role.PUBLIC:
        raise DomainError(ErrorCode.UNAUTHENTICATED, "Sign in with a bearer token to do this.")


def ensure_may(
    principal: Principal, reach: Reach, what: str, committee_code: str | None, side: Side | None = None
) -> None:
    """Raise UNAUTHENTICATED or FORBIDDEN unless `principal` is within `reach` in that committee
    (no committee: an act outside any one committee, such as registering an entity)."""
    if reach is not Reach.ANYONE:
        ensure_authenticated(principal)
    if not may(principal, reach, committee_code or "", side):
        where = f"In the {committee_code} committee, {what}" if committee_code else what
        raise DomainError(ErrorCode.FORBIDDEN, f"{where} is for {reach.value} only.")


def ensure_allowed(
    principal: Principal, action: Action, committee_code: str | None = None, side: Side | None = None
) -> None:
    what = action.value + (f" for the {side.value} side" if side is not None and POLICY[action] is Reach.SIDE else "")
    ensure_may(principal, POLICY[action], what, committee_code, side)
