"""Reading proposals: the visibility-scoped pipeline."""

from sqlalchemy import ColumnElement
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models import clock
from models.enums import ProposalStatus
from models.principal import Principal
from models.proposal import Proposal
from models.visibility import visible_proposals
from models.workflow import effective_status_sql, window_open_sql
from resolvers.committees import of_committee
from resolvers.pagination import Page, paginate_by_id


def effective_status() -> ColumnElement[str]:
    """The status a reader sees (LAPSED once an electronic deadline passed), as SQL."""
    return effective_status_sql(col(Proposal.status), col(Proposal.mode), col(Proposal.deadline), clock.today())


async def list_proposals(
    session: AsyncSession,
    principal: Principal,
    *,
    first: int | None,
    after: str | None,
    max_page_size: int,
    last: int | None = None,
    before: str | None = None,
    committee_code: str | None = None,
    statuses: list[ProposalStatus] | None = None,
    open_for_comment: bool = False,
) -> Page[Proposal]:
    """Proposals the principal may see, newest first, filtered by the status a reader sees and, with
    `open_for_comment`, to those in public input whose window includes today (what the public may
    comment on now: the committee page lists exactly these, however many older proposals there are)."""
    statement = select(Proposal).where(visible_proposals(principal))
    statement = of_committee(statement, col(Proposal.committee_id), committee_code)
    if statuses:
        statement = statement.where(effective_status().in_([s.value for s in statuses]))
    if open_for_comment:
        statement = statement.where(
            col(Proposal.status) == ProposalStatus.PUBLIC_INPUT,
            window_open_sql(col(Proposal.public_input_opens_on), col(Proposal.public_input_closes_on), clock.today()),
        )
    return await paginate_by_id(
        session, statement, Proposal, first=first, after=after, max_page_size=max_page_size, last=last, before=before
    )
