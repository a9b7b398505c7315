"""The registries' operations that create: opening participant accounts, and recording the units a
registry issued for one allocation of a notified issuance. Moving units is in resolvers/unit_moves.py.

Every write holds the one write lock (models.db), so account sequences and unit numbers taken as
"the last one plus one" inside the transaction are gapless and never taken twice.
"""

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models import clock
from models.db import write_transaction
from models.enums import CreditHolder, IssuanceStatus, RegistryAccountKind
from models.errors import DomainError, ErrorCode, invalid, not_found
from models.permissions import ensure_authenticated
from models.principal import Principal
from models.project import CreditAllocation, CreditIssuance
from models.registry import (
    JAPAN,
    AccountHolding,
    Registry,
    RegistryAccount,
    Transfer,
    TransferKind,
    UnitBlock,
    account_number,
    operates,
    operator_name,
)
from models.types import saved_id
from models.validation import clean_required
from resolvers import audit
from resolvers.committees import lock_in_committee

K = RegistryAccountKind
HOLDER_MAX = 300


@dataclass(frozen=True)
class Issued:
    """The issuance whose share was issued, and the ISSUANCE transfer that put the units in their account."""

    issuance: CreditIssuance
    transfer: Transfer


def ensure_operates(principal: Principal, registry_code: str, moving_from: K | None = None) -> None:
    ensure_authenticated(principal)
    if not operates(principal, registry_code, moving_from):
        what = "Moving units out of this account" if moving_from is not None else "This"
        raise DomainError(
            ErrorCode.FORBIDDEN,
            f"{what} in registry {registry_code} is for {operator_name(registry_code, moving_from)} only.",
        )


async def registry_by_code(session: AsyncSession, code: str, field: str = "registryCode") -> Registry:
    registry = (await session.exec(select(Registry).where(col(Registry.code) == code.strip().upper()))).one_or_none()
    if registry is None:
        raise not_found(field, f"No registry has the code {code!r}: JP, or a partner country's code.")
    return registry


async def account_of(session: AsyncSession, registry: Registry, kind: K) -> RegistryAccount:
    """A registry's seeded account of that kind (government, nullification, cancellation)."""
    statement = select(RegistryAccount).where(
        col(RegistryAccount.registry_id) == registry.id, col(RegistryAccount.kind) == kind
    )
    return (await session.exec(statement.order_by(col(RegistryAccount.sequence)).limit(1))).one()


async def open_account(
    session: AsyncSession, principal: Principal, *, registry_code: str, kind: K, holder_name: str
) -> RegistryAccount:
    """A PARTICIPANT_HOLDING account, numbered `{registry}-200-{nnnn}` without gaps; opened by the
    registry's operator (the secretariat in JP, the partner government in its own)."""
    async with write_transaction(session):
        registry = await registry_by_code(session, registry_code)
        ensure_operates(principal, registry.code)
        if kind is not K.PARTICIPANT_HOLDING:
            raise invalid(
                "kind",
                f"Every registry has its one {kind.value} account from the start; openAccount opens "
                "PARTICIPANT_HOLDING accounts.",
            )
        holder = clean_required("holderName", holder_name, max_length=HOLDER_MAX)
        last = (
            await session.exec(
                select(sa.func.max(RegistryAccount.sequence)).where(
                    col(RegistryAccount.registry_id) == registry.id, col(RegistryAccount.kind) == kind
                )
            )
        ).one()
        sequence = (last or 0) + 1
        account = RegistryAccount(
            registry_id=saved_id(registry),
            kind=kind,
            sequence=sequence,
            number=account_number(registry.code, kind, sequence),
            holder_name=holder,
            opened_on=clock.today(),
        )
        session.add(account)
        await session.flush()
        await audit.record(session, principal, "accountOpened", account, committee_id=None)
    return account


async def close_account(session: AsyncSession, principal: Principal, *, account_id: int) -> RegistryAccount:
    """Close an empty PARTICIPANT_HOLDING account, today, by its registry's operator: it then receives
    and sends nothing. Its number is never given again; its history stays readable."""
    async with write_transaction(session):
        account = (
            await session.exec(select(RegistryAccount).where(col(RegistryAccount.id) == account_id).with_for_update())
        ).one_or_none()
        if account is None:
            raise not_found("accountId", "No registry account has this id.")
        registry = await session.get_one(Registry, account.registry_id)
        ensure_operates(principal, registry.code)
        if account.kind is not K.PARTICIPANT_HOLDING:
            raise invalid(
                "accountId", f"{account.number} is the registry's {account.kind.value} account; it stays open."
            )
        if account.closed_on is not None:
            raise DomainError(
                ErrorCode.INVALID_TRANSITION, f"{account.number} was closed on {account.closed_on}.", "accountId"
            )
        units = (
            await session.exec(
                select(sa.func.coalesce(sa.func.sum(AccountHolding.units), 0)).where(
                    col(AccountHolding.account_id) == account.id
                )
            )
        ).one()
        if units:
            raise DomainError(
                ErrorCode.INVALID_TRANSITION,
                f"{account.number} still holds {units:,} units: transfer, nullify or cancel them first.",
                "accountId",
            )
        await audit.change(session, principal, "accountClosed", account, committee_id=None, closed_on=clock.today())
    return account


async def record_issued(
    session: AsyncSession,
    principal: Principal,
    *,
    issuance_id: int,
    holder: CreditHolder,
    issued_amount: int,
    issued_on: date,
    account_number_given: str | None = None,
) -> Issued:
    """Issue one allocation's units into its account: Japan's share into JP's government account,
    the partner's into its registry's, the participants' into the participant account named. Once
    per allocation, never more than notified, by the operator of the issuing registry."""
    async with write_transaction(session):
        locked = await lock_in_committee(
            session,
            CreditIssuance,
            col(CreditIssuance.id) == issuance_id,
            "issuanceId",
            "No credit issuance has this id.",
        )
        issuance, committee = locked.row, locked.committee
        # Only the operators of the two registries that can issue this share get past here, so that
        # nobody else learns from the answers which participant accounts exist.
        if not any(operates(principal, code) for code in (JAPAN, committee.code)):
            ensure_operates(principal, committee.code)
        account = await _issuing_account(session, holder, committee.code, account_number_given)
        registry = await session.get_one(Registry, account.registry_id)
        ensure_operates(principal, registry.code)
        if issuance.status is not IssuanceStatus.NOTIFIED:
            raise DomainError(
                ErrorCode.INVALID_TRANSITION,
                f"This issuance is {issuance.status.value}: units are issued once the committee notified them.",
                "issuanceId",
            )
        allocation = (
            await session.exec(
                select(CreditAllocation).where(
                    col(CreditAllocation.issuance_id) == issuance.id, col(CreditAllocation.holder) == holder
                )
            )
        ).one_or_none()
        if allocation is None or not allocation.notified_amount:
            raise invalid("holder", f"This issuance notified no share for {holder.value}.")
        if allocation.issued_amount is not None:
            raise DomainError(
                ErrorCode.INVALID_TRANSITION,
                f"The {holder.value} share was issued on {allocation.issued_on} ({allocation.issued_amount:,} units); "
                "a share is issued once.",
                "holder",
            )
        if not 0 < issued_amount <= allocation.notified_amount:
            raise invalid(
                "issuedAmount",
                f"issuedAmount must be above 0 and at most the {allocation.notified_amount:,} notified for {holder.value}.",
            )
        if issued_on > clock.today():
            raise invalid("issuedOn", f"issuedOn ({issued_on}) is in the future.")
        if account.closed_on is not None:
            raise invalid("accountNumber", f"Account {account.number} was closed on {account.closed_on}.")
        last = (
            await session.exec(
                select(sa.func.max(UnitBlock.last_unit)).where(col(UnitBlock.issuance_id) == issuance.id)
            )
        ).one()
        first = (last or 0) + 1
        block = UnitBlock(
            issuance_id=saved_id(issuance),
            account_id=saved_id(account),
            first_unit=first,
            last_unit=first + issued_amount - 1,
        )
        transfer = Transfer(
            kind=TransferKind.ISSUANCE,
            issuance_id=saved_id(issuance),
            to_account_id=saved_id(account),
            quantity=issued_amount,
            ranges=[[block.first_unit, block.last_unit]],
            at=clock.now(),
            recorded_by=principal.label,
        )
        session.add_all([block, transfer])
        await add_units(session, saved_id(account), saved_id(issuance), issued_amount)
        allocation.issued_amount, allocation.issued_on, allocation.issued_account_id = (
            issued_amount,
            issued_on,
            account.id,
        )
        session.add(allocation)
        await session.flush()
        await audit.record(
            session,
            principal,
            "unitsIssued",
            transfer,
            committee_id=committee.id,
            after=audit.snapshot(transfer) | {"holder": holder.value, "account": account.number},
        )
    return Issued(issuance, transfer)


async def _issuing_account(
    session: AsyncSession, holder: CreditHolder, committee_code: str, given: str | None
) -> RegistryAccount:
    """Where a holder's share is issued: the governments' shares into their government accounts
    (an account number, if given, must be that one), the participants' into the participant
    account named."""
    if holder is CreditHolder.PROJECT_PARTICIPANTS:
        if not given:
            raise invalid("accountNumber", "Name the participants' account (accountNumber) to issue their share into.")
        account = await account_by_number(session, given, "accountNumber")
        registry = await session.get_one(Registry, account.registry_id)
        if account.kind is not K.PARTICIPANT_HOLDING or registry.code not in (JAPAN, committee_code):
            raise invalid(
                "accountNumber",
                f"{account.number} is no participant account of registry JP or {committee_code}.",
            )
        return account
    code = JAPAN if holder is CreditHolder.JAPAN_GOVERNMENT else committee_code
    account = await account_of(session, await registry_by_code(session, code), K.GOVERNMENT_HOLDING)
    if given and given.strip().upper() != account.number:
        raise invalid("accountNumber", f"The {holder.value} share is issued into {account.number}, not {given!r}.")
    return account


async def held(session: AsyncSession, account_id: int, issuance_id: int) -> AccountHolding | None:
    """The account's holding of that issuance, locked for the transaction; None when it never held any."""
    statement = select(AccountHolding).where(
        col(AccountHolding.account_id) == account_id, col(AccountHolding.issuance_id) == issuance_id
    )
    return (await session.exec(statement.with_for_update())).one_or_none()


async def add_units(session: AsyncSession, account_id: int, issuance_id: int, units: int) -> None:
    """Keep the account's holding of the issuance with its blocks: `units` more (fewer when negative)."""
    holding = await held(session, account_id, issuance_id)
    if holding is None:
        holding = AccountHolding(account_id=account_id, issuance_id=issuance_id, units=0)
    holding.units += units
    session.add(holding)


async def account_by_number(session: AsyncSession, number: str, field: str) -> RegistryAccount:
    statement = select(RegistryAccount).where(col(RegistryAccount.number) == number.strip().upper())
    account = (await session.exec(statement)).one_or_none()
    if account is None:
        raise not_found(field, f"No registry account has the number {number!r}.")
    return account
