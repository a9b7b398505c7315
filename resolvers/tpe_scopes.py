"""A designation's scopes, by function, and the status they give the designation.

Shared by the operations in `resolvers.tpes` and by what a decision does to a designation there;
every change is recorded in the designation's audit event, with all its scopes.
"""

from datetime import date

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models import clock
from models.enums import DesignationStatus, ProposalKind, TpeFunction
from models.principal import Principal
from models.tpe import DesignationScope, TpeDesignation, designation_status
from models.types import saved_id
from resolvers import audit

S = DesignationStatus
Scopes = dict[tuple[TpeFunction, int], DesignationScope]


def reached(
    current: Scopes,
    kind: ProposalKind,
    function: TpeFunction | None,
    named: list[int],
) -> list[tuple[TpeFunction, int]]:
    """The scopes a suspension (designated ones) or withdrawal (designated or suspended) reaches."""
    eligible = {S.DESIGNATED} if kind is ProposalKind.TPE_SUSPENSION else {S.DESIGNATED, S.SUSPENDED}
    return sorted(
        key
        for key, scope in current.items()
        if scope.status in eligible and (function is None or key[0] is function) and (not named or key[1] in named)
    )


async def set_scopes(
    session: AsyncSession,
    principal: Principal,
    designation: TpeDesignation,
    current: Scopes,
    targets: list[tuple[TpeFunction, int]],
    status: DesignationStatus,
    since: date,
    *,
    action: str,
    note: str | None,
) -> None:
    for function, number in targets:
        scope = current.get((function, number))
        if scope is None:
            scope = DesignationScope(
                designation_id=saved_id(designation),
                function=function,
                scope=number,
                status=status,
                since=since,
                changed_at=clock.now(),
            )
            current[(function, number)] = scope
        scope.status, scope.since, scope.changed_at = status, since, clock.now()
        session.add(scope)
    await session.flush()
    await set_status(
        session, principal, designation, current, designation.status, action=action, note=note, applying=status
    )


async def set_status(
    session: AsyncSession,
    principal: Principal,
    designation: TpeDesignation,
    current: Scopes,
    without_scopes: DesignationStatus,
    *,
    action: str | None = None,
    note: str | None = None,
    applying: DesignationStatus | None = None,
) -> None:
    before = audit.snapshot(designation)
    designation.status = designation_status(list(current.values()), without_scopes, applying)
    session.add(designation)
    await session.flush()
    # The scopes travel with the designation's event, so its trail shows every scope's change.
    scopes = sorted(f"{f.value} {n}: {s.status.value} since {s.since}" for (f, n), s in current.items())
    await audit.record(
        session,
        principal,
        action or f"designation{designation.status.title().replace('_', '')}",
        designation,
        committee_id=designation.committee_id,
        before=before,
        after=audit.snapshot(designation) | {"scopes": scopes, "note": note},
    )


async def scopes_of(session: AsyncSession, designation_id: int) -> Scopes:
    rows = (
        await session.exec(select(DesignationScope).where(col(DesignationScope.designation_id) == designation_id))
    ).all()
    return {(row.function, row.scope): row for row in rows}
