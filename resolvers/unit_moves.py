"""Moving units: transfers within a registry or from a partner's registry to Japan's (the Article 6
first transfer), nullification into Japan's NULLIFICATION account, cancellation into a registry's
CANCELLATION account. Each is one Transfer with the serial ranges it moved, in the audit chain.

Units are taken from the source account's blocks of that issuance, lowest serials first; a block
taken in part is split, so no unit is ever in two accounts. Units in a NULLIFICATION or
CANCELLATION account never move again.
"""

from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models import clock
from models.db import write_transaction
from models.enums import NullificationPurpose, RegistryAccountKind, Side, TransferKind, UsePurpose
from models.errors import DomainError, ErrorCode, invalid, not_found
from models.principal import Principal
from models.project import CreditAuthorization, CreditIssuance
from models.registry import FINAL, JAPAN, Registry, RegistryAccount, Transfer, UnitBlock
from models.types import saved_id
from models.validation import clean_required, clean_text
from resolvers import audit
from resolvers.registry import account_of, add_units, ensure_operates, held, registry_by_code

K = RegistryAccountKind
BENEFICIARY_MAX, REASON_MAX = 300, 5_000
ACTIONS = {
    TransferKind.INTERNAL: "unitsTransferred",
    TransferKind.INTERNATIONAL: "unitsTransferredInternationally",
    TransferKind.NULLIFICATION: "unitsNullified",
    TransferKind.CANCELLATION: "unitsCancelled",
}


@dataclass(frozen=True)
class Source:
    account: RegistryAccount
    registry: Registry
    issuance: CreditIssuance


async def _source(
    session: AsyncSession, principal: Principal, account_id: int, issuance_id: int, quantity: int
) -> Source:
    """The source account (open, not final), operated by `principal`, the issuance, and a quantity above 0."""
    account = (await session.exec(select(RegistryAccount).where(col(RegistryAccount.id) == account_id))).one_or_none()
    if account is None:
        raise not_found("fromAccountId", "No registry account has this id.")
    registry = await session.get_one(Registry, account.registry_id)
    ensure_operates(principal, registry.code, account.kind)
    issuance = await session.get(CreditIssuance, issuance_id)
    if issuance is None:
        raise not_found("issuanceId", "No credit issuance has this id.")
    if account.kind in FINAL:
        raise invalid("fromAccountId", f"Units in {account.number} ({account.kind.value}) never move again.")
    if account.closed_on is not None:
        raise invalid("fromAccountId", f"Account {account.number} was closed on {account.closed_on}.")
    if quantity <= 0:
        raise invalid("quantity", "quantity is whole units and must be above 0.")
    return Source(account, registry, issuance)


async def _move(session: AsyncSession, source: Source, to: RegistryAccount, quantity: int) -> list[list[int]]:
    """Move `quantity` units of the issuance from the source account to `to`, lowest serials first;
    the ranges moved. INSUFFICIENT_UNITS when the account holds fewer.

    An account may hold many blocks of one issuance (every partial transfer splits one): its total
    comes from its holding (models.registry.AccountHolding, kept with the blocks), and only the
    blocks needed are read, in growing batches, never all of them."""
    account, issuance = saved_id(source.account), saved_id(source.issuance)
    holding = (col(UnitBlock.account_id) == account, col(UnitBlock.issuance_id) == issuance)
    kept = await held(session, account, issuance)
    held_units = kept.units if kept is not None else 0
    if held_units < quantity:
        raise DomainError(
            ErrorCode.INSUFFICIENT_UNITS,
            f"{source.account.number} holds {held_units:,} units of this issuance; {quantity:,} cannot be moved.",
            "quantity",
        )
    ranges: list[list[int]] = []
    left, after, batch = quantity, 0, 16
    while left > 0:
        statement = (
            select(UnitBlock)
            .where(*holding, col(UnitBlock.first_unit) > after)
            .order_by(col(UnitBlock.first_unit))
            .limit(batch)
            .with_for_update()
        )
        blocks = (await session.exec(statement)).all()
        for block in blocks:
            if left == 0:
                break
            after = block.first_unit
            if block.quantity <= left:
                block.account_id = saved_id(to)
                session.add(block)
                ranges.append([block.first_unit, block.last_unit])
                left -= block.quantity
                continue
            moved = UnitBlock(
                issuance_id=block.issuance_id,
                account_id=saved_id(to),
                first_unit=block.first_unit,
                last_unit=block.first_unit + left - 1,
            )
            block.first_unit += left
            session.add_all([block, moved])
            ranges.append([moved.first_unit, moved.last_unit])
            left = 0
        batch *= 4
    await add_units(session, account, issuance, -quantity)
    await add_units(session, saved_id(to), issuance, quantity)
    await session.flush()
    return ranges


async def _record(
    session: AsyncSession,
    principal: Principal,
    kind: TransferKind,
    source: Source,
    to: RegistryAccount,
    quantity: int,
    ranges: list[list[int]],
    **more: object,
) -> Transfer:
    transfer = Transfer(
        kind=kind,
        issuance_id=saved_id(source.issuance),
        from_account_id=source.account.id,
        to_account_id=saved_id(to),
        quantity=quantity,
        ranges=ranges,
        at=clock.now(),
        recorded_by=principal.label,
        **more,  # type: ignore[arg-type]
    )
    session.add(transfer)
    await session.flush()
    await audit.record(session, principal, ACTIONS[kind], transfer, committee_id=source.issuance.committee_id)
    return transfer


async def authorized_amount(session: AsyncSession, issuance_id: int) -> tuple[int | None, bool]:
    """(the amount both governments authorized, None unless both have; whether both named NDC)."""
    rows = (
        await session.exec(select(CreditAuthorization).where(col(CreditAuthorization.issuance_id) == issuance_id))
    ).all()
    if {row.side for row in rows} != set(Side):
        return None, False
    return min(row.amount for row in rows), all(UsePurpose.NDC.value in row.use_purposes for row in rows)


async def transfer_units(
    session: AsyncSession,
    principal: Principal,
    *,
    from_account_id: int,
    to_account_id: int,
    issuance_id: int,
    quantity: int,
) -> Transfer:
    """Within a registry (INTERNAL), or from a partner's registry to Japan's (INTERNATIONAL: only units
    both governments authorized, never more than the authorized amount in all)."""
    async with write_transaction(session):
        source = await _source(session, principal, from_account_id, issuance_id, quantity)
        to = (await session.exec(select(RegistryAccount).where(col(RegistryAccount.id) == to_account_id))).one_or_none()
        if to is None:
            raise not_found("toAccountId", "No registry account has this id.")
        if to.id == source.account.id:
            raise invalid("toAccountId", "The units are already in that account: name another one.")
        if to.kind in FINAL:
            raise invalid("toAccountId", f"{to.number} is a {to.kind.value} account: use nullifyUnits or cancelUnits.")
        if to.closed_on is not None:
            raise invalid("toAccountId", f"Account {to.number} was closed on {to.closed_on}.")
        kind = TransferKind.INTERNAL
        if to.registry_id != source.account.registry_id:
            kind = TransferKind.INTERNATIONAL
            target = await session.get_one(Registry, to.registry_id)
            if target.code != JAPAN:
                raise invalid("toAccountId", "An international transfer goes from a partner's registry into Japan's.")
            await _within_authorization(session, source.issuance, quantity)
        ranges = await _move(session, source, to, quantity)
        return await _record(session, principal, kind, source, to, quantity, ranges)


async def _within_authorization(session: AsyncSession, issuance: CreditIssuance, quantity: int) -> None:
    authorized, _ = await authorized_amount(session, saved_id(issuance))
    if authorized is None:
        raise DomainError(
            ErrorCode.INVALID_TRANSITION,
            "Units leave a partner's registry for Japan's only once both governments authorized them (authorizeCredits).",
            "issuanceId",
        )
    sent = (
        await session.exec(
            select(sa.func.coalesce(sa.func.sum(Transfer.quantity), 0)).where(
                col(Transfer.issuance_id) == issuance.id, col(Transfer.kind) == TransferKind.INTERNATIONAL
            )
        )
    ).one()
    if sent + quantity > authorized:
        raise invalid(
            "quantity",
            f"Both governments authorized {authorized:,} units of this issuance and {sent:,} were transferred "
            f"internationally already: at most {authorized - sent:,} more.",
        )


async def nullify_units(
    session: AsyncSession,
    principal: Principal,
    *,
    from_account_id: int,
    issuance_id: int,
    quantity: int,
    purpose: NullificationPurpose,
    beneficiary: str | None = None,
) -> Transfer:
    """Into Japan's NULLIFICATION account, from an account of Japan's registry, of units both
    governments authorized: for the NDC by the government (from its account), or on behalf of a
    named company for SHK_OFFSET, GX_ETS or VOLUNTARY_OFFSET."""
    async with write_transaction(session):
        source = await _source(session, principal, from_account_id, issuance_id, quantity)
        if source.registry.code != JAPAN:
            raise invalid(
                "fromAccountId", "Units are nullified from an account of Japan's registry; transfer them there first."
            )
        if purpose is NullificationPurpose.NDC:
            if source.account.kind is not K.GOVERNMENT_HOLDING:
                raise invalid(
                    "purpose", "Nullification for the NDC is the Japanese government's, from its own account."
                )
            who = clean_text("beneficiary", beneficiary, max_length=BENEFICIARY_MAX, required=False)
        else:
            who = clean_required("beneficiary", beneficiary or "", max_length=BENEFICIARY_MAX)
        authorized, _ = await authorized_amount(session, saved_id(source.issuance))
        if authorized is None:
            raise DomainError(
                ErrorCode.INVALID_TRANSITION,
                "Units are nullified only once both governments authorized them under Article 6.3.",
                "issuanceId",
            )
        to = await account_of(session, source.registry, K.NULLIFICATION)
        ranges = await _move(session, source, to, quantity)
        return await _record(
            session,
            principal,
            TransferKind.NULLIFICATION,
            source,
            to,
            quantity,
            ranges,
            purpose=purpose,
            beneficiary=who,
        )


async def nullify_for_ndc(session: AsyncSession, principal: Principal, *, issuance_id: int, amount: int) -> Transfer:
    """The government's shorthand: nullify for the NDC from Japan's government account."""
    japan = await registry_by_code(session, JAPAN)
    government = await account_of(session, japan, K.GOVERNMENT_HOLDING)
    return await nullify_units(
        session,
        principal,
        from_account_id=saved_id(government),
        issuance_id=issuance_id,
        quantity=amount,
        purpose=NullificationPurpose.NDC,
    )


async def cancel_units(
    session: AsyncSession, principal: Principal, *, from_account_id: int, issuance_id: int, quantity: int, reason: str
) -> Transfer:
    """Into the source registry's CANCELLATION account, with a reason: made non-transferable for
    purposes other than Japan's NDC."""
    async with write_transaction(session):
        source = await _source(session, principal, from_account_id, issuance_id, quantity)
        why = clean_required("reason", reason, max_length=REASON_MAX)
        to = await account_of(session, source.registry, K.CANCELLATION)
        ranges = await _move(session, source, to, quantity)
        return await _record(session, principal, TransferKind.CANCELLATION, source, to, quantity, ranges, reason=why)
