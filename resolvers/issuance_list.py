"""Credit issuances as one keyset list across projects, for the issuance export: those the
principal may see (models.visibility), newest first, optionally of one committee, one project or
some statuses. Filters are SQL, so a page costs the same statements whatever its size."""

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.committee import JointCommittee
from models.enums import IssuanceStatus
from models.principal import Principal
from models.project import CreditIssuance, Project
from models.visibility import visible_issuances
from resolvers.pagination import Page, paginate_by_id


async def list_issuances(
    session: AsyncSession,
    principal: Principal,
    *,
    first: int,
    after: str | None,
    max_page_size: int,
    committee_code: str | None = None,
    project_reference: str | None = None,
    statuses: list[IssuanceStatus] | None = None,
) -> Page[CreditIssuance]:
    """Issuances the principal may see, newest request first."""
    statement = select(CreditIssuance).where(visible_issuances(principal))
    if committee_code is not None:
        statement = statement.join(JointCommittee, col(JointCommittee.id) == col(CreditIssuance.committee_id)).where(
            col(JointCommittee.code) == committee_code.strip().upper()
        )
    if project_reference is not None:
        statement = statement.where(
            col(CreditIssuance.project_id).in_(
                select(Project.id).where(col(Project.reference) == project_reference.strip().upper())
            )
        )
    if statuses:
        statement = statement.where(col(CreditIssuance.status).in_(statuses))
    return await paginate_by_id(
        session, statement, CreditIssuance, first=first, after=after, max_page_size=max_page_size
    )
