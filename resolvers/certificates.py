"""What an account certificate certifies: the units an account held at an instant.

The holdings at `as_of` come from replaying the account's transfers up to that instant (units in,
units out, in the order recorded), so that a certificate of a past instant shows the past holdings,
not today's. The document is canonical JSON (models/signing.canonical_json): the same holdings
always give the same bytes, which the api layer signs.

Who may have one: the secretariat and the government operating the account's registry always;
anyone else only for a government, nullification or cancellation account (a company's participant
account stays private). Otherwise the account is not found, as if it did not exist.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlmodel import col, or_, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models import clock
from models.enums import RegistryAccountKind, Role
from models.errors import invalid
from models.principal import Principal
from models.project import CreditIssuance, Project
from models.registry import JAPAN, Registry, RegistryAccount, Transfer, UnitBlock, serial_range
from models.signing import canonical_json
from models.types import saved_id
from resolvers.reconcile import merged

K = RegistryAccountKind
# Accounts whose holdings anyone may have certified: the governments' and the final ones.
PUBLIC_KINDS = frozenset({K.GOVERNMENT_HOLDING, K.NULLIFICATION, K.CANCELLATION})
Ranges = list[tuple[int, int]]


@dataclass(frozen=True)
class Holdings:
    account: RegistryAccount
    registry_code: str
    as_of: datetime
    blocks: list[UnitBlock]  # not rows of unit_block: the account's units at as_of, adjacent ones merged
    document: str  # canonical JSON of what is certified


def may_see(principal: Principal, registry_code: str, kind: RegistryAccountKind) -> bool:
    if principal.role is Role.SECRETARIAT or kind in PUBLIC_KINDS:
        return True
    if registry_code == JAPAN:
        return principal.role is Role.JAPAN
    return principal.role is Role.PARTNER and principal.country_code == registry_code


def _utc(at: datetime) -> datetime:
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)


def _add(held: Ranges, first: int, last: int) -> Ranges:
    return merged([*held, (first, last)])


def _remove(held: Ranges, first: int, last: int) -> Ranges:
    kept: Ranges = []
    for start, end in held:
        if end < first or start > last:
            kept.append((start, end))
            continue
        if start < first:
            kept.append((start, first - 1))
        if end > last:
            kept.append((last + 1, end))
    return kept


async def holdings_at(session: AsyncSession, account_id: int, as_of: datetime) -> dict[int, Ranges]:
    """Issuance id -> the account's units at `as_of`, by replaying its transfers up to that instant."""
    transfers = (
        await session.exec(
            select(Transfer)
            .where(
                or_(col(Transfer.from_account_id) == account_id, col(Transfer.to_account_id) == account_id),
                col(Transfer.at) <= as_of,
            )
            .order_by(col(Transfer.id))
        )
    ).all()
    held: dict[int, Ranges] = defaultdict(list)
    for transfer in transfers:
        for first, last in transfer.ranges:
            if transfer.to_account_id == account_id:
                held[transfer.issuance_id] = _add(held[transfer.issuance_id], int(first), int(last))
            else:
                held[transfer.issuance_id] = _remove(held[transfer.issuance_id], int(first), int(last))
    return {issuance: ranges for issuance, ranges in held.items() if ranges}


async def account_holdings(
    session: AsyncSession, principal: Principal, number: str, as_of: datetime | None = None
) -> Holdings | None:
    """The account's holdings at `as_of` (default now) and their document; None when there is no
    such account or `principal` may not have it certified."""
    now = clock.now()
    at = now if as_of is None else _utc(as_of)
    if at > now:
        raise invalid("asOf", "asOf is in the future: a certificate states what an account held, not will hold.")
    found = (
        await session.exec(
            select(RegistryAccount, Registry)
            .join(Registry, col(Registry.id) == col(RegistryAccount.registry_id))
            .where(col(RegistryAccount.number) == number.strip().upper())
        )
    ).one_or_none()
    if found is None or not may_see(principal, found[1].code, found[0].kind):
        return None
    account, registry = found
    held = await holdings_at(session, saved_id(account), at)
    labels = await _issuances(session, list(held))
    order = sorted(held, key=lambda issuance: labels[issuance])
    blocks = [
        UnitBlock(issuance_id=issuance, account_id=saved_id(account), first_unit=first, last_unit=last)
        for issuance in order
        for first, last in held[issuance]
    ]
    document = canonical_json(
        {
            "account": account.number,
            "registry": registry.code,
            "kind": account.kind.value,
            "holder": account.holder_name,
            "asOf": at.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            "blocks": [
                {
                    "issuance": {"project": labels[b.issuance_id][0], "number": labels[b.issuance_id][1]},
                    "serials": serial_range(*labels[b.issuance_id], b.first_unit, b.last_unit),
                    "firstUnit": b.first_unit,
                    "lastUnit": b.last_unit,
                    "quantity": b.quantity,
                }
                for b in blocks
            ],
            "total": sum(b.quantity for b in blocks),
        }
    )
    return Holdings(account, registry.code, at, blocks, document)


async def _issuances(session: AsyncSession, ids: list[int]) -> dict[int, tuple[str, int]]:
    """Issuance id -> (project reference, issuance number)."""
    if not ids:
        return {}
    rows = (
        await session.exec(
            select(CreditIssuance.id, Project.reference, CreditIssuance.number)
            .join(Project, col(Project.id) == col(CreditIssuance.project_id))
            .where(col(CreditIssuance.id).in_(ids))
        )
    ).all()
    return {saved_id_ or 0: (reference or "", number) for saved_id_, reference, number in rows}
