"""Reading the registries: a registry and its accounts, an account by number with its balance and
holdings, transfers, and which account holds a serial now. Visibility (models.visibility) is applied
in SQL, counts included: a participant account, to a reader who may not see it, does not exist."""

import re
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.enums import RegistryAccountKind
from models.errors import invalid
from models.principal import Principal
from models.project import CreditIssuance, Project
from models.registry import KIND_CODES, AccountHolding, Registry, RegistryAccount, Transfer, UnitBlock
from models.visibility import visible_accounts, visible_transfers
from resolvers.loaders import visibility_key
from resolvers.pagination import Page, paginate, paginate_by_id
from resolvers.reads import KEYS, built_once, keys_in, one_record, records, rows, select_records

# VN051-0001-000000001: the project's reference, the issuance's number, the unit's number.
SERIAL = re.compile(r"^([A-Z]{2}\d+)-(\d{4,})-(\d{9,})$")
KIND_ORDER = sa.case({kind.value: code for kind, code in KIND_CODES.items()}, value=col(RegistryAccount.kind))


async def find_registry(session: AsyncSession, code: str) -> Registry | None:
    statement = select_records(Registry).where(col(Registry.code) == code.strip().upper())
    return await one_record(session, Registry, statement)


async def registry_accounts(
    session: AsyncSession, principal: Principal, registry_id: int, kinds: Sequence[RegistryAccountKind] | None
) -> list[RegistryAccount]:
    """A registry's accounts the principal may see, by kind code then sequence (100, 200, 300, 400)."""
    statement = select_records(RegistryAccount).where(
        col(RegistryAccount.registry_id) == registry_id, visible_accounts(principal)
    )
    if kinds:
        statement = statement.where(col(RegistryAccount.kind).in_(list(kinds)))
    return await records(session, RegistryAccount, statement.order_by(KIND_ORDER, col(RegistryAccount.sequence)))


async def find_account(session: AsyncSession, principal: Principal, number: str) -> RegistryAccount | None:
    statement = select_records(RegistryAccount).where(
        col(RegistryAccount.number) == number.strip().upper(), visible_accounts(principal)
    )
    return await one_record(session, RegistryAccount, statement)


async def visible_accounts_by_id(
    session: AsyncSession, principal: Principal, ids: Sequence[int]
) -> list[RegistryAccount | None]:
    statement = built_once(
        ("visible_accounts", visibility_key(principal)),
        lambda: select_records(RegistryAccount).where(keys_in(col(RegistryAccount.id)), visible_accounts(principal)),
    )
    found = {row.id: row for row in await records(session, RegistryAccount, statement, {KEYS: list(set(ids))})}
    return [found.get(key) for key in ids]


async def balances(session: AsyncSession, principal: Principal, ids: Sequence[int]) -> list[int]:
    """Units held now per account; 0 for an account the principal may not see the holdings of."""
    statement = built_once(
        ("balances", visibility_key(principal)),
        lambda: (
            # The holdings kept with the blocks (models.registry.AccountHolding): one row per issuance
            # held, however many blocks the account holds.
            sa.select(col(AccountHolding.account_id), sa.func.sum(col(AccountHolding.units)))
            .join(RegistryAccount, col(RegistryAccount.id) == col(AccountHolding.account_id))
            .where(keys_in(col(AccountHolding.account_id)), visible_accounts(principal))
            .group_by(col(AccountHolding.account_id))
        ),
    )
    found = {
        account: int(total) for account, total in map(tuple, await rows(session, statement, {KEYS: list(set(ids))}))
    }
    return [found.get(key, 0) for key in ids]


async def list_holdings(
    session: AsyncSession,
    principal: Principal,
    *,
    account_id: int,
    first: int | None,
    after: str | None,
    max_page_size: int,
    last: int | None = None,
    before: str | None = None,
) -> Page[UnitBlock]:
    """An account's unit blocks, by issuance then serial, lowest first; empty for an account the
    principal may not see the holdings of."""
    seen = select(RegistryAccount.id).where(col(RegistryAccount.id) == account_id, visible_accounts(principal))
    # The account's id as such (not IN a subquery) and the ascending walk let the index
    # (account_id, issuance_id, first_unit) give both the page and the count of an account of
    # 100,000 blocks without sorting them.
    statement = select(UnitBlock).where(col(UnitBlock.account_id) == account_id, seen.exists())
    return await paginate(
        session,
        statement,
        model=UnitBlock,
        sort=[col(UnitBlock.issuance_id), col(UnitBlock.first_unit)],
        key=lambda row: [row.issuance_id, row.first_unit],
        parse=lambda values: [int(values[0]), int(values[1])],
        first=first,
        after=after,
        max_page_size=max_page_size,
        last=last,
        before=before,
        ascending=True,
    )


async def list_transfers(
    session: AsyncSession,
    principal: Principal,
    *,
    first: int | None,
    after: str | None,
    max_page_size: int,
    last: int | None = None,
    before: str | None = None,
    account_number: str | None = None,
    issuance_id: int | None = None,
) -> Page[Transfer]:
    """Transfers the principal may see, newest first; of one account (from or into it), of one issuance."""
    statement = select(Transfer).where(visible_transfers(principal))
    if account_number is not None:
        account = select(RegistryAccount.id).where(col(RegistryAccount.number) == account_number.strip().upper())
        statement = statement.where(
            sa.or_(col(Transfer.from_account_id).in_(account), col(Transfer.to_account_id).in_(account))
        )
    if issuance_id is not None:
        statement = statement.where(col(Transfer.issuance_id) == issuance_id)
    return await paginate_by_id(
        session, statement, Transfer, first=first, after=after, max_page_size=max_page_size, last=last, before=before
    )


async def visible_transfers_by_id(
    session: AsyncSession, principal: Principal, ids: Sequence[int]
) -> list[Transfer | None]:
    statement = built_once(
        ("visible_transfers", visibility_key(principal)),
        lambda: select_records(Transfer).where(keys_in(col(Transfer.id)), visible_transfers(principal)),
    )
    found = {row.id: row for row in await records(session, Transfer, statement, {KEYS: list(set(ids))})}
    return [found.get(key) for key in ids]


def parse_serial(serial: str) -> tuple[str, int, int]:
    """(project reference, issuance number, unit number) of `VN051-0001-000000001`."""
    match = SERIAL.match(serial.strip().upper())
    if match is None or int(match[3]) < 1 or int(match[2]) < 1:
        raise invalid(
            "serial",
            f"serial {serial[:40]!r} is not a unit serial such as VN051-0001-000000001 (project-issuance-unit).",
        )
    return match[1], int(match[2]), int(match[3])


async def find_unit(session: AsyncSession, principal: Principal, serial: str) -> UnitBlock | None:
    """The block holding that serial now, None where no unit has it or its account is hidden."""
    reference, number, unit = parse_serial(serial)
    if unit > 2**31 - 1:
        return None
    issuance = (
        select(CreditIssuance.id)
        .join(Project, col(Project.id) == col(CreditIssuance.project_id))
        .where(col(Project.reference) == reference, col(CreditIssuance.number) == number)
    )
    statement = (
        select_records(UnitBlock)
        .join(RegistryAccount, col(RegistryAccount.id) == col(UnitBlock.account_id))
        .where(
            col(UnitBlock.issuance_id).in_(issuance),
            col(UnitBlock.first_unit) <= unit,
            col(UnitBlock.last_unit) >= unit,
            visible_accounts(principal),
        )
    )
    return await one_record(session, UnitBlock, statement)


async def serial_prefixes(session: AsyncSession, issuance_ids: Sequence[int]) -> list[tuple[str, int]]:
    """(project reference, issuance number) per issuance id: what its units' serials start with."""
    statement = built_once(
        "serial_prefixes",
        lambda: (
            sa.select(col(CreditIssuance.id), col(Project.reference), col(CreditIssuance.number))
            .join(Project, col(Project.id) == col(CreditIssuance.project_id))
            .where(keys_in(col(CreditIssuance.id)))
        ),
    )
    found: dict[int, tuple[str, int]] = defaultdict(lambda: ("", 0))
    for row in await rows(session, statement, {KEYS: list(set(issuance_ids))}):
        values: tuple[Any, ...] = tuple(row)
        found[values[0]] = (values[1] or "", values[2])
    return [found[key] for key in issuance_ids]
