"""The conditions a registration or an issuance request names: a methodology covering the
project's scopes, and an entity designated today for a function in one of them. Each failure is
its own error, naming the input field that holds the reference."""

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
    """The VALID version of `reference`, approved by `committee`, whose scopes include all of `scopes`."""
    wanted = reference.strip().upper()
    methodology = (
        await session.exec(
            select(Methodology).where(
                col(Methodology.reference) == wanted, col(Methodology.status) == MethodologyStatus.VALID
            )
        )
    ).one_or_none()
    if methodology is None:
        raise not_found(FIELD, f"No valid approved methodology has the reference {reference!r}.")
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
    rows = (
        await session.exec(
            select(DesignationScope).where(
                col(DesignationScope.designation_id) == designation.id,
                col(DesignationScope.function) == function,
                col(DesignationScope.scope).in_(scopes),
            )
        )
    ).all()
    if any(row.status is DesignationStatus.DESIGNATED and row.since <= today for row in rows):
        return designation
    held = sorted(f"scope {row.scope}: {row.status.value}" for row in rows)
    raise invalid(
        field,
        f"{wanted} is not designated today for {function.value} in any of the project's sectoral scopes "
        f"({', '.join(map(str, scopes))})" + (f"; {', '.join(held)}." if held else "."),
    )
