"""Public comments during a proposal's public-input window."""

from sqlmodel.ext.asyncio.session import AsyncSession

from models import clock
from models.db import write_transaction
from models.enums import ProposalStatus
from models.errors import DomainError, ErrorCode
from models.permissions import Action, ensure_allowed
from models.principal import Principal
from models.proposal import PublicComment
from models.types import saved_id
from models.validation import clean_required, clean_text
from resolvers import audit
from resolvers.workflow import lock_and_lapse

AUTHOR_MAX, AFFILIATION_MAX, BODY_MAX = 200, 200, 10_000


async def submit_public_comment(
    session: AsyncSession,
    principal: Principal,
    *,
    proposal_id: int,
    author: str,
    body: str,
    affiliation: str | None = None,
) -> PublicComment:
    """Anyone may comment, token or not, while the window is open (both end days included)."""
    async with write_transaction(session):
        loaded = await lock_and_lapse(session, principal, proposal_id, field="proposalId")
        ensure_allowed(principal, Action.COMMENT, loaded.committee.code)
        proposal, today = loaded.proposal, clock.today()
        opens, closes = proposal.public_input_opens_on, proposal.public_input_closes_on
        if (
            proposal.status is not ProposalStatus.PUBLIC_INPUT
            or opens is None
            or closes is None
            or not opens <= today <= closes
        ):
            when = f" It closed on {closes}." if closes and closes < today else ""
            raise DomainError(
                ErrorCode.WINDOW_CLOSED, f"This proposal is not open for public input.{when}", "proposalId"
            )
        comment = PublicComment(
            proposal_id=saved_id(proposal),
            author=clean_required("author", author, max_length=AUTHOR_MAX),
            affiliation=clean_text("affiliation", affiliation, max_length=AFFILIATION_MAX, required=False),
            body=clean_required("body", body, max_length=BODY_MAX),
            submitted_at=clock.now(),
        )
        session.add(comment)
        await session.flush()
        await audit.record(session, principal, "publicCommentSubmitted", comment, committee_id=loaded.committee.id)
    return comment
