"""The conditions a registration or an issuance request names: a methodology covering the
project's scopes, and an entity designated today for a function in one of them. Each failure is
its own error, naming the input field that holds the reference."""

from collections.abc import Sequence
from datetime import date

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.committee import JointCommittee
from models.enums import DesignationStatus, MethodologyStatus, TpeFunction
from models.errors import invalid, not_found
from models.methodology import Methodology, MethodologyScope
from models.tpe import DesignationScope, TpeDesignation

FIELD = "methodologyReference"


async def methodology_covering(
    session: AsyncSession, committee: JointCommittee, reference: str, scopes: list[int]
) -> Methodology:
    """The VALID version of `reference`, approved by `committee`, whose scopes include all of `scopes`.

    A reference that names a methodology which is not (or no longer) VALID, or only its proposed
    (PM) reference, gets its own error saying so, apart from one that names nothing at all."""
    wanted = reference.strip().upper()
    named = (
        await session.exec(
            select(Methodology)
            .where((col(Methodology.reference) == wanted) | (col(Methodology.proposed_reference) == wanted))
            .order_by(col(Methodology.id))
        )
    ).all()
    if not named:
        raise not_found(FIELD, f"No methodology has the reference {reference!r}.")
    methodology = next((m for m in named if m.reference == wanted and m.status is MethodologyStatus.VALID), None)
    if methodology is None:
        raise invalid(FIELD, _not_valid(wanted, named))
    if methodology.committee_id != committee.id:
        raise invalid(FIELD, f"{wanted} was approved by another committee; name one of the {committee.code} committee.")
    covered = set(
        (
            await session.exec(
                select(MethodologyScope.scope).where(col(MethodologyScope.methodology_id) == methodology.id)
            )
        ).all()
    )
    if missing := [n for n in scopes if n not in covered]:
        raise invalid(
            FIELD,
            f"{wanted} does not cover sectoral scope {', '.join(map(str, missing))} of the project; "
            f"it covers {', '.join(map(str, sorted(covered)))}.",
        )
    return methodology


def _not_valid(wanted: str, named: Sequence[Methodology]) -> str:
    approved = next((m.reference for m in named if m.reference is not None and m.reference != wanted), None)
    if approved is not None:
        return f"{wanted} is a proposed reference, approved as {approved}; name the approved methodology by {approved}."
    latest = named[-1]
    return f"{wanted} is {latest.status.value}, not VALID: a registration names an approved methodology in force."


async def tpe_designated_for(
    session: AsyncSession,
    committee: JointCommittee,
    reference: str,
    function: TpeFunction,
    scopes: list[int],
    today: date,
    field: str,
) -> TpeDesignation:
    """The designation `reference` of `committee`, designated (not suspended) today for `function`
    in at least one of `scopes`."""
    wanted = reference.strip().upper()
    designation = (
        await session.exec(select(TpeDesignation).where(col(TpeDesignation.reference) == wanted))
    ).one_or_none()
    if designation is None:
        raise not_found(field, f"No designated third-party entity has the reference {reference!r}.")
    if designation.committee_id != committee.id:
        raise invalid(
            field, f"{wanted} is designated by another committee; name one of the {committee.code} committee."
        )
    held = (
        await session.exec(
            select(DesignationScope)
            .where(col(DesignationScope.designation_id) == designation.id)
            .order_by(col(DesignationScope.function), col(DesignationScope.scope))
        )
    ).all()
    rows = [row for row in held if row.function is function and row.scope in scopes]
    if any(row.status is DesignationStatus.DESIGNATED and row.since <= today for row in rows):
        return designation
    raise invalid(
        field,
        f"{wanted} is not designated today for {function.value} in any of the project's sectoral scopes "
        f"({', '.join(map(str, scopes))}): {_why_not(held, rows, function, scopes)}.",
    )


def _why_not(
    held: Sequence[DesignationScope], rows: Sequence[DesignationScope], function: TpeFunction, scopes: list[int]
) -> str:
    """What the designation holds instead: the function in those scopes in another status (or
    from a later day), the other function only, or the function in other scopes only."""
    if rows:
        return "; ".join(
            f"{function.value} in scope {row.scope} is {row.status.value} since {row.since}" for row in rows
        )
    designated = [row for row in held if row.status is DesignationStatus.DESIGNATED]
    reasons = []
    if other := sorted({row.scope for row in designated if row.function is not function and row.scope in scopes}):
        other_function = next(row.function for row in designated if row.function is not function)
        reasons.append(f"in scope {', '.join(map(str, other))} it is designated for {other_function.value} only")
    if elsewhere := sorted({row.scope for row in designated if row.function is function}):
        reasons.append(f"it is designated for {function.value} in scope {', '.join(map(str, elsewhere))} only")
    return "; ".join(reasons) or "none of its scopes is designated"
