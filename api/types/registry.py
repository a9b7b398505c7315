"""The JCM registries as GraphQL types: registries, accounts, unit blocks, transfers, and the area's
Query root.

Who sees what (models.visibility, in SQL): account numbers, kinds, holder names and balances of the
government, nullification and cancellation accounts are public, and so are nullifications. A
PARTICIPANT_HOLDING account is seen by the secretariat and by its registry's government (Japan for
JP's, a partner for its own) only; to everyone else it does not exist: `account(number)` and
`node(id)` answer null, `Registry.accounts` leaves it out, `unit(serial)` answers null for units it
holds. Transfers touching such an account are seen by the secretariat and the governments of the
registries of both its accounts; everyone sees nullifications (with `from` null when they may not
see the source account) and the transfers between accounts they may see.
"""

from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Self

import strawberry

from api.context import Info
from api.ids import from_global_id, to_global_id
from api.loaders import now_or_later
from api.types.common import Node
from api.types.pagination import After, Before, Connection, First, Last, Paging, connection, page_args, visible_page
from api.types.relations import relation
from api.types.rows import render, render_all, renders
from models import enums
from models.errors import invalid
from models.registry import Registry as RegistryRow
from models.registry import RegistryAccount as AccountRow
from models.registry import Transfer as TransferRow
from models.registry import UnitBlock as BlockRow
from models.registry import serial, serial_range
from models.types import saved_id
from models.visibility import sees_participants_of
from resolvers import registry_queries

if TYPE_CHECKING:
    from api.types.country import Country
    from api.types.project import CreditIssuance


@renders(RegistryRow)
@strawberry.type(description="A national registry: JP (operated by the JCMA) or a partner's (run by its government).")
class Registry:
    row: strawberry.Private[RegistryRow]
    code: str = strawberry.field(description="The country's code: JP, VN, MN ...")
    country = relation(
        Annotated["Country", strawberry.lazy("api.types.country")],
        lambda loaders: loaders.country,
        lambda registry: registry.row.country_id,
        description="Whose registry it is.",
    )

    @classmethod
    def from_row(cls, row: RegistryRow) -> Self:
        return cls(row=row, code=row.code)

    @strawberry.field(
        description="Its accounts you may see, by kind code then number: the government, nullification and "
        "cancellation accounts to everyone, participant accounts to the secretariat and this registry's government."
    )
    async def accounts(
        self,
        info: Info,
        kind: Annotated[
            list[enums.RegistryAccountKind] | None,
            strawberry.argument(description="Only accounts of these kinds; all you may see when null or empty."),
        ] = None,
    ) -> list["RegistryAccount"]:
        rows = await info.context.db.run(
            registry_queries.registry_accounts, info.context.principal, saved_id(self.row), kind
        )
        return render_all(rows)


@renders(AccountRow, node=lambda loaders: loaders.visible_account)
@strawberry.type(
    description="An account of a registry, numbered {registry}-{kind code}-{nnnn} (JP-100-0001). Participant "
    "accounts exist only for the secretariat and the registry's government (Japan for JP, a partner for its own)."
)
class RegistryAccount(Node):
    row: strawberry.Private[AccountRow]
    number: str = strawberry.field(description="JP-100-0001: registry, kind code, sequence.")
    kind: enums.RegistryAccountKind = strawberry.field(
        description="What the account is for: government holding, participant holding, nullification or cancellation."
    )
    holder_name: str = strawberry.field(description="Whose account it is; public for all but participant accounts.")
    opened_on: date = strawberry.field(description="The day it was opened.")
    closed_on: date | None = strawberry.field(
        description="The day it was closed; null while open. A closed account receives and sends nothing."
    )
    registry = relation(
        Registry,
        lambda loaders: loaders.registry,
        lambda account: account.row.registry_id,
        description="The registry it belongs to.",
    )

    @classmethod
    def from_row(cls, row: AccountRow) -> Self:
        return cls(
            id=strawberry.ID(to_global_id("RegistryAccount", saved_id(row))),
            row=row,
            number=row.number,
            kind=row.kind,
            holder_name=row.holder_name,
            opened_on=row.opened_on,
            closed_on=row.closed_on,
        )

    @strawberry.field(
        description="Units held now. Public for government, nullification and cancellation accounts; a participant "
        "account's to the secretariat and its registry's government (0 to anyone else who reaches it through a "
        "transfer they see)."
    )
    def balance(self, info: Info) -> int:
        return now_or_later(info.context.loaders.balance, saved_id(self.row), lambda total: total)

    @strawberry.field(
        description="Its blocks of units by issuance then serial, lowest first (empty where its balance is "
        "hidden from you, as `balance`)."
    )
    async def holdings(
        self, info: Info, first: First = 20, after: After = None, last: Last = None, before: Before = None
    ) -> Connection["UnitBlock"]:
        page = await info.context.db.run(
            registry_queries.list_holdings,
            info.context.principal,
            account_id=saved_id(self.row),
            **page_args(info, Paging(first, after, last, before)),
        )
        return await connection(info, page)


@renders(BlockRow)
@strawberry.type(description="A run of consecutive serial numbers of one issuance, held by one account.")
class UnitBlock:
    row: strawberry.Private[BlockRow]
    quantity: int = strawberry.field(
        description="Units in the block, serialStart to serialEnd inclusive; one unit is one t-CO2e."
    )
    issuance = relation(
        Annotated["CreditIssuance", strawberry.lazy("api.types.project")],
        lambda loaders: loaders.issued_issuance,
        lambda block: block.row.issuance_id,
        description="The issuance its units were issued from.",
    )
    account = relation(
        RegistryAccount,
        lambda loaders: loaders.account,
        lambda block: block.row.account_id,
        description="The account holding it now.",
    )

    @classmethod
    def from_row(cls, row: BlockRow) -> Self:
        return cls(row=row, quantity=row.last_unit - row.first_unit + 1)

    @strawberry.field(description="Its first unit's serial: VN051-0001-000000001 (project, issuance number, unit).")
    def serial_start(self, info: Info) -> str:
        row = self.row
        return now_or_later(
            info.context.loaders.serial_prefix, row.issuance_id, lambda p: serial(p[0], p[1], row.first_unit)
        )

    @strawberry.field(description="Its last unit's serial.")
    def serial_end(self, info: Info) -> str:
        row = self.row
        return now_or_later(
            info.context.loaders.serial_prefix, row.issuance_id, lambda p: serial(p[0], p[1], row.last_unit)
        )

    @strawberry.field(
        description="Whether these units may count toward Japan's NDC: both governments authorized the issuance "
        "and both named NDC among its use purposes."
    )
    async def authorized_for_ndc(self, info: Info) -> bool:
        rows = await info.context.loaders.authorizations.load(self.row.issuance_id)
        return {row.side for row in rows} == set(enums.Side) and all(
            enums.UsePurpose.NDC.value in row.use_purposes for row in rows
        )


@renders(TransferRow, node=lambda loaders: loaders.visible_transfer)
@strawberry.type(
    description="One movement of units of one issuance; never changed once written. Seen by the secretariat and "
    "the governments of the registries of its accounts; by everyone when it is a NULLIFICATION or touches no "
    "participant account."
)
class Transfer(Node):
    row: strawberry.Private[TransferRow]
    kind: enums.TransferKind = strawberry.field(
        description="ISSUANCE into an account, INTERNAL within a registry, INTERNATIONAL from a partner's registry to Japan's, NULLIFICATION or CANCELLATION."
    )
    quantity: int = strawberry.field(description="Units moved; one unit is one t-CO2e.")
    purpose: enums.NullificationPurpose | None = strawberry.field(description="NULLIFICATION only.")
    beneficiary: str | None = strawberry.field(
        description="NULLIFICATION: on whose behalf (a company for SHK_OFFSET); null for the NDC unless named."
    )
    reason: str | None = strawberry.field(description="CANCELLATION: why the units were cancelled.")
    at: datetime = strawberry.field(description="When it was recorded (UTC).")
    recorded_by: str = strawberry.field(description="Who recorded it (the token's holder).")
    to = relation(
        RegistryAccount,
        lambda loaders: loaders.account,
        lambda transfer: transfer.row.to_account_id,
        description="Where the units went.",
    )
    issuance = relation(
        Annotated["CreditIssuance", strawberry.lazy("api.types.project")],
        lambda loaders: loaders.issued_issuance,
        lambda transfer: transfer.row.issuance_id,
        description="The issuance whose units moved.",
    )

    @classmethod
    def from_row(cls, row: TransferRow) -> Self:
        return cls(
            id=strawberry.ID(to_global_id("Transfer", saved_id(row))),
            row=row,
            kind=row.kind,
            quantity=row.quantity,
            purpose=row.purpose,
            beneficiary=row.beneficiary,
            reason=row.reason,
            at=row.at,
            recorded_by=row.recorded_by,
        )

    @strawberry.field(
        name="from",
        description="Where the units came from: null for ISSUANCE, and for a NULLIFICATION from a participant "
        "account you may not see.",
    )
    def from_(self, info: Info) -> RegistryAccount | None:
        row = self.row
        if row.from_account_id is None:
            return None
        principal = info.context.principal

        def seen(account: AccountRow) -> RegistryAccount | None:
            # Whoever sees the transfer sees its source, but for a nullification seen by everyone: its
            # participant source only as models.visibility.visible_accounts allows (one loader either way).
            hidden = (
                row.kind is enums.TransferKind.NULLIFICATION
                and account.kind is enums.RegistryAccountKind.PARTICIPANT_HOLDING
                and not sees_participants_of(principal, account.number.partition("-")[0])
            )
            return None if hidden else render(account)

        return now_or_later(info.context.loaders.account, row.from_account_id, seen)

    @strawberry.field(description='The serials moved: "VN051-0001-000000001..VN051-0001-000000500", lowest first.')
    def serial_ranges(self, info: Info) -> list[str]:
        ranges = self.row.ranges
        return now_or_later(
            info.context.loaders.serial_prefix,
            self.row.issuance_id,
            lambda p: [serial_range(p[0], p[1], first, last) for first, last in ranges],
        )


def decode_issuance(issuance_id: str | None) -> int | None:
    if issuance_id is None:
        return None
    decoded = from_global_id(issuance_id)
    if decoded is None or decoded[0] != "CreditIssuance":
        raise invalid("issuanceId", "issuanceId is not the id of a CreditIssuance.")
    return decoded[1]


@strawberry.type
class RegistryQueries:
    @strawberry.field(description="A registry by its code: JP, or a partner country's code.")
    async def registry(
        self,
        info: Info,
        code: Annotated[
            str, strawberry.argument(description="The registry's country code: JP, or a partner's (VN, MN ...).")
        ],
    ) -> Registry | None:
        return render(await info.context.db.run(registry_queries.find_registry, code))

    @strawberry.field(
        description="An account by number (JP-100-0001); null when there is none or it is a participant account "
        "you may not see."
    )
    async def account(
        self,
        info: Info,
        number: Annotated[str, strawberry.argument(description="{registry}-{kind code}-{nnnn}: JP-100-0001.")],
    ) -> RegistryAccount | None:
        row = await info.context.db.run(registry_queries.find_account, info.context.principal, number)
        return render(row)

    @strawberry.field(
        description="Transfers you may see, newest first; of one account (from or into it) and of one issuance."
    )
    async def transfers(
        self,
        info: Info,
        first: First = 20,
        after: After = None,
        last: Last = None,
        before: Before = None,
        account_number: Annotated[
            str | None, strawberry.argument(description="Only transfers from or into this account: JP-100-0001.")
        ] = None,
        issuance_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(
                description="Only transfers of this issuance's units: the global id of a CreditIssuance."
            ),
        ] = None,
    ) -> Connection[Transfer]:
        return await visible_page(
            info,
            registry_queries.list_transfers,
            Paging(first, after, last, before),
            account_number=account_number,
            issuance_id=decode_issuance(issuance_id),
        )

    @strawberry.field(
        description="The block holding this serial now (VN051-0001-000000001); null when no unit has it or it is "
        "held by a participant account you may not see."
    )
    async def unit(
        self,
        info: Info,
        serial: Annotated[
            str,
            strawberry.argument(
                description="One unit's serial: {project}-{issuance number}-{unit}, VN051-0001-000000001."
            ),
        ],
    ) -> UnitBlock | None:
        row = await info.context.db.run(registry_queries.find_unit, info.context.principal, serial)
        return render(row)
