"""Reading methodologies: by reference, and the filtered, paginated list."""

import re

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.db import dialect_name
from models.enums import MethodologyStatus
from models.methodology import Methodology, MethodologyScope
from models.principal import Principal
from models.visibility import visible_methodologies
from resolvers.committees import of_committee
from resolvers.pagination import Page, paginate_by_id
from resolvers.reads import as_records, records
from resolvers.search import matches

APPROVED = re.compile(r"^[A-Z]{2}_AM\d+$")


async def find_methodology(session: AsyncSession, principal: Principal, reference: str) -> Methodology | None:
    """By AM reference: the valid version (else the newest); by PM reference: the proposal as first made."""
    reference = reference.strip().upper()
    statement = visible_methodologies(principal)
    if APPROVED.match(reference):
        statement = statement.where(col(Methodology.reference) == reference).order_by(
            (col(Methodology.status) == MethodologyStatus.VALID).desc(), col(Methodology.major).desc()
        )
    else:
        statement = statement.where(col(Methodology.proposed_reference) == reference).order_by(col(Methodology.id))
    found = await records(session, Methodology, as_records(Methodology, statement.limit(1)))
    return found[0] if found else None


async def list_methodologies(
    session: AsyncSession,
    principal: Principal,
    *,
    first: int | None,
    after: str | None,
    max_page_size: int,
    last: int | None = None,
    before: str | None = None,
    committee_code: str | None = None,
    statuses: list[MethodologyStatus] | None = None,
    sectoral_scope: int | None = None,
    search: str | None = None,
) -> Page[Methodology]:
    """Methodologies the principal may see, newest first."""
    statement = visible_methodologies(principal)
    statement = of_committee(statement, col(Methodology.committee_id), committee_code)
    if statuses:
        statement = statement.where(col(Methodology.status).in_(statuses))
    if sectoral_scope is not None:
        in_scope = select(MethodologyScope.methodology_id).where(col(MethodologyScope.scope) == sectoral_scope)
        statement = statement.where(col(Methodology.id).in_(in_scope))
    if (found := matches(dialect_name(session), Methodology, search)) is not None:
        statement = statement.where(found)
    return await paginate_by_id(
        session, statement, Methodology, first=first, after=after, max_page_size=max_page_size, last=last, before=before
    )
