"""Public comments during a public-input window: a proposal's, or a project design document's."""

from datetime import date

from sqlmodel.ext.asyncio.session import AsyncSession

from models import clock
from models.db import write_transaction
from models.enums import ProjectStatus, ProposalStatus
from models.errors import DomainError, ErrorCode, invalid
from models.permissions import Action, ensure_allowed
from models.principal import Principal
from models.proposal import PublicComment
from models.validation import clean_required, clean_text
from resolvers import audit
from resolvers.projects import project_for_update
from resolvers.workflow import lock_and_lapse

AUTHOR_MAX, AFFILIATION_MAX, BODY_MAX = 200, 200, 10_000


async def submit_public_comment(
    session: AsyncSession,
    principal: Principal,
    *,
    proposal_id: int | None = None,
    project_id: int | None = None,
    author: str,
    body: str,
    affiliation: str | None = None,
) -> PublicComment:
    """Anyone may comment, token or not, while the window is open (both end days included): a
    proposal's in public input, or a project design document's (exactly one of the two)."""
    if (proposal_id is None) == (project_id is None):
        raise invalid(
            "proposalId", "Give exactly one of proposalId (a proposal in public input) and projectId (a PDD)."
        )
    async with write_transaction(session):
        today = clock.today()
        if proposal_id is not None:
            loaded = await lock_and_lapse(session, principal, proposal_id, field="proposalId")
            committee, proposal = loaded.committee, loaded.proposal
            _check_open(
                proposal.status is ProposalStatus.PUBLIC_INPUT,
                proposal.public_input_opens_on,
                proposal.public_input_closes_on,
                today,
                "This proposal",
                "proposalId",
            )
        else:
            assert project_id is not None
            locked = await project_for_update(session, principal, project_id)
            committee, project = locked.committee, locked.row
            _check_open(
                project.status is ProjectStatus.PLANNED,
                project.pdd_opens_on,
                project.pdd_closes_on,
                today,
                f"The design document of {project.pin_reference}",
                "projectId",
            )
        ensure_allowed(principal, Action.COMMENT, committee.code)
        comment = PublicComment(
            proposal_id=proposal_id,
            project_id=project_id,
            author=clean_required("author", author, max_length=AUTHOR_MAX),
            affiliation=clean_text("affiliation", affiliation, max_length=AFFILIATION_MAX, required=False),
            body=clean_required("body", body, max_length=BODY_MAX),
            submitted_at=clock.now(),
        )
        session.add(comment)
        await session.flush()
        await audit.record(session, principal, "publicCommentSubmitted", comment, committee_id=committee.id)
    return comment


def _check_open(
    in_window_status: bool, opens: date | None, closes: date | None, today: date, what: str, field: str
) -> None:
    """The one rule of every public-input window: open from its first to its last day, both included."""
    if not in_window_status or opens is None or closes is None or not opens <= today <= closes:
        when = f" It closed on {closes}." if closes and closes < today else ""
        raise DomainError(ErrorCode.WINDOW_CLOSED, f"{what} is not open for public input.{when}", field)
