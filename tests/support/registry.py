"""The registry's starting states, built through the resolvers: a notified, authorized issuance of
VN051 with participant accounts in Viet Nam's registry and Japan's, and helpers to read balances."""

from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from models.enums import CreditHolder, RegistryAccountKind
from resolvers.registry import open_account, record_issued
from tests.support.projects import ProjectSteps
from tests.support.tokens import principal
from tests.support.workflow import pk

# Every table a registry operation may write to, to show that a refused one wrote nothing.
REGISTRY_TABLES = ("registry_account", "unit_block", "transfer", "credit_allocation", "audit_event")


async def an_issued_issuance(projects: ProjectSteps, frozen_clock: Any) -> dict[str, Any]:
    """VN051's first issuance, 1,000 units notified (VN 100, JP 400, participants 500), authorized by
    Japan (1,000) and Viet Nam (800, both for the NDC); participant accounts VN-200-0001 and
    JP-200-0001 opened; every share issued: JP-100-0001 holds units 1–400, VN-100-0001 401–500,
    VN-200-0001 501–1000."""
    notified = await projects.notified(frozen_clock)
    issuance = pk(notified["issuance"])
    await projects.authorized_by("japan", issuance, 1000)
    await projects.authorized_by("VN", issuance, 800)
    vn = await projects.run(
        "VN",
        open_account,
        registry_code="VN",
        kind=RegistryAccountKind.PARTICIPANT_HOLDING,
        holder_name="Viet Textile JSC",
    )
    jp = await projects.run(
        "secretariat",
        open_account,
        registry_code="JP",
        kind=RegistryAccountKind.PARTICIPANT_HOLDING,
        holder_name="Example Engineering Co.",
    )
    today = frozen_clock.at.date()
    for who, holder, amount, account in (
        ("secretariat", CreditHolder.JAPAN_GOVERNMENT, 400, None),
        ("VN", CreditHolder.PARTNER_GOVERNMENT, 100, None),
        ("VN", CreditHolder.PROJECT_PARTICIPANTS, 500, vn.number),
    ):
        await projects.run(
            who,
            record_issued,
            issuance_id=issuance,
            holder=holder,
            issued_amount=amount,
            issued_on=today,
            account_number_given=account,
        )
    return notified | {"issuance_pk": issuance, "vn_participant": vn.id, "jp_participant": jp.id}


async def account_ids(engine: AsyncEngine) -> dict[str, int]:
    async with engine.connect() as connection:
        rows = (await connection.execute(sa.text("SELECT number, id FROM registry_account"))).all()
    return {number: id for number, id in rows}


async def holdings(engine: AsyncEngine) -> dict[str, list[tuple[int, int]]]:
    """Account number -> its blocks (first, last unit), in order; accounts without units left out."""
    async with engine.connect() as connection:
        rows = (
            await connection.execute(
                sa.text(
                    "SELECT a.number, b.first_unit, b.last_unit FROM unit_block b "
                    "JOIN registry_account a ON a.id = b.account_id ORDER BY a.number, b.first_unit"
                )
            )
        ).all()
    found: dict[str, list[tuple[int, int]]] = {}
    for number, first, last in rows:
        found.setdefault(number, []).append((first, last))
    return found


def balances(held: dict[str, list[tuple[int, int]]]) -> dict[str, int]:
    return {number: sum(last - first + 1 for first, last in blocks) for number, blocks in held.items()}


def as_(who: str):
    return principal(who)
