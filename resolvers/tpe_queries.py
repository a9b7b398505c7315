"""Reading entities and designations: "which entities may verify scope 3 in Viet Nam today?"."""

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.db import dialect_name
from models.enums import DesignationStatus, TpeFunction
from models.principal import Principal
from models.tpe import DesignationScope, ThirdPartyEntity, TpeDesignation
from models.visibility import visible_designations
from resolvers.committees import of_committee
from resolvers.pagination import Page, paginate_by_id
from resolvers.reads import one_record, records, select_records
from resolvers.search import matches


async def find_designation(session: AsyncSession, reference: str) -> TpeDesignation | None:
    statement = select_records(TpeDesignation).where(col(TpeDesignation.reference) == reference.strip().upper())
    return await one_record(session, TpeDesignation, statement)


async def list_entities(session: AsyncSession) -> list[ThirdPartyEntity]:
    statement = select_records(ThirdPartyEntity).order_by(col(ThirdPartyEntity.name))
    return await records(session, ThirdPartyEntity, statement)


async def list_designations(
    session: AsyncSession,
    principal: Principal,
    *,
    first: int | None,
    after: str | None,
    max_page_size: int,
    last: int | None = None,
    before: str | None = None,
    committee_code: str | None = None,
    function: TpeFunction | None = None,
    sectoral_scope: int | None = None,
    statuses: list[DesignationStatus] | None = None,
    search: str | None = None,
) -> Page[TpeDesignation]:
    """Designations the principal may see, newest first.

    With a function or a scope, the statuses apply to the matching scopes: `function: VERIFICATION,
    sectoralScope: 3, status: [DESIGNATED]` lists the entities that may verify scope 3. Without,
    they apply to the designations.
    """
    statement = select(TpeDesignation).where(visible_designations(principal))
    statement = of_committee(statement, col(TpeDesignation.committee_id), committee_code)
    if function is not None or sectoral_scope is not None:
        matching = select(DesignationScope.designation_id)
        if function is not None:
            matching = matching.where(col(DesignationScope.function) == function)
        if sectoral_scope is not None:
            matching = matching.where(col(DesignationScope.scope) == sectoral_scope)
        if statuses:
            matching = matching.where(col(DesignationScope.status).in_(statuses))
        statement = statement.where(col(TpeDesignation.id).in_(matching))
    elif statuses:
        statement = statement.where(col(TpeDesignation.status).in_(statuses))
    if (found := matches(dialect_name(session), ThirdPartyEntity, search)) is not None:
        statement = statement.where(col(TpeDesignation.entity_id).in_(select(ThirdPartyEntity.id).where(found)))
    return await paginate_by_id(
        session,
        statement,
        TpeDesignation,
        first=first,
        after=after,
        max_page_size=max_page_size,
        last=last,
        before=before,
    )
