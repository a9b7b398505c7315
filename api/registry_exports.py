"""CSV and JSON export of the registry's transfers: `/exports/transfers.{csv,json}`, registered from
api/exports.py, which serves and streams it.

Like every export it shows what the public sees, whoever asks (models.visibility.visible_transfers
for the public): nullifications, with their amounts, purposes and beneficiaries, and movements
between accounts the public sees; never a company's account (a nullification from one names no
source). Columns are stable (README, held by tests/test_registry_exports.py). Each page costs the
same statements whatever its size.
"""

from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from api.export_params import Export, after_cursor, one
from models.principal import PUBLIC
from models.registry import Transfer, serial_range
from resolvers import registry_queries

BATCH = 500

TRANSFER_COLUMNS = [
    "kind",
    "at",
    "issuance",
    "from_account",
    "to_account",
    "quantity",
    "serial_ranges",
    "purpose",
    "beneficiary",
    "reason",
]


async def transfer_rows(
    session: AsyncSession, filters: dict[str, Any], after: str | None
) -> tuple[list[dict], str | None]:
    page = await registry_queries.list_transfers(
        session, PUBLIC, first=BATCH, after=after, max_page_size=BATCH, **filters
    )
    rows: list[Transfer] = page.rows
    prefixes = await registry_queries.serial_prefixes(session, [t.issuance_id for t in rows])
    account_ids = sorted({a for t in rows for a in (t.from_account_id, t.to_account_id) if a is not None})
    seen = await registry_queries.visible_accounts_by_id(session, PUBLIC, account_ids)
    numbers = {account.id: account.number for account in seen if account is not None}
    out = []
    for transfer, (project, number) in zip(rows, prefixes, strict=True):
        out.append(
            {
                "kind": transfer.kind.value,
                "at": transfer.at.isoformat(),
                "issuance": f"{project}-{number:04d}",
                "from_account": numbers.get(transfer.from_account_id) if transfer.from_account_id else None,
                "to_account": numbers.get(transfer.to_account_id),
                "quantity": transfer.quantity,
                "serial_ranges": ";".join(
                    serial_range(project, number, first, last) for first, last in transfer.ranges
                ),
                "purpose": transfer.purpose.value if transfer.purpose else None,
                "beneficiary": transfer.beneficiary,
                "reason": transfer.reason,
            }
        )
    return out, after_cursor(page)


REGISTRY_EXPORTS = [
    Export("transfers", TRANSFER_COLUMNS, lambda r: {"account_number": one(r, "account")}, transfer_rows),
]
