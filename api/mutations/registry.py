"""The registry's mutations and their Mutation root: opening and closing participant accounts,
issuing a notified share as serial-numbered units (recordIssued), moving units (transferUnits),
nullifying them (nullifyUnits, nullifyForNdc) and cancelling them (cancelUnits). Each is one `mutate` call over
resolvers/registry.py or resolvers/unit_moves.py, which check who may act."""

from datetime import date
from typing import Any

import strawberry
from sqlmodel.ext.asyncio.session import AsyncSession

from api.context import Info
from api.mutations.base import decode_id, mutate
from api.mutations.project_payloads import IssuancePayload, render_issuance
from api.types.common import UserError
from api.types.enums import CreditHolder
from api.types.registry import RegistryAccount, Transfer
from models import enums
from models.errors import DomainError
from models.principal import Principal
from models.project import CreditIssuance
from models.proposal import Proposal
from models.registry import RegistryAccount as AccountRow
from models.registry import Transfer as TransferRow
from resolvers import registry, unit_moves
from resolvers.issuances import IssuanceResult


@strawberry.type(
    description="What openAccount and closeAccount return: the account as it now is, or why nothing changed."
)
class AccountPayload:
    account: RegistryAccount | None = strawberry.field(description="The account opened; null on error.")
    user_errors: list[UserError] = strawberry.field(description="Why nothing changed; empty on success.")


@strawberry.type(
    description="What transferUnits, nullifyUnits and cancelUnits return: the movement recorded (a Transfer of its kind), or why no unit moved."
)
class TransferPayload:
    transfer: Transfer | None = strawberry.field(description="The transfer recorded; null on error.")
    user_errors: list[UserError] = strawberry.field(description="Why nothing changed; empty on success.")


@strawberry.input(description="A participant account to open in a registry.")
class OpenAccountInput:
    registry_code: str = strawberry.field(description="JP, or a partner country's code.")
    kind: enums.RegistryAccountKind = strawberry.field(
        description="PARTICIPANT_HOLDING: the other kinds exist once per registry from the start."
    )
    holder_name: str = strawberry.field(description="The company or body holding it, at most 300 characters.")


@strawberry.input(description="One holder's share of a notified issuance, issued into its account.")
class RecordIssuedInput:
    issuance_id: strawberry.ID = strawberry.field(description="A NOTIFIED issuance.")
    holder: CreditHolder = strawberry.field(
        description="Whose share was issued: PARTNER_GOVERNMENT, JAPAN_GOVERNMENT or PROJECT_PARTICIPANTS."
    )
    issued_amount: int = strawberry.field(description="Units: above 0 and at most the share notified.")
    issued_on: date = strawberry.field(description="Not in the future.")
    account_number: str | None = strawberry.field(
        default=None,
        description="Required for PROJECT_PARTICIPANTS: their participant account in JP's or the partner's "
        "registry. The governments' shares go into their government accounts.",
    )


@strawberry.input(description="Units to move from one account to another.")
class TransferUnitsInput:
    from_account_id: strawberry.ID = strawberry.field(
        description="The account the units leave (global id of a RegistryAccount, open)."
    )
    to_account_id: strawberry.ID = strawberry.field(
        description="The account the units go to (global id of a RegistryAccount, open): in the same registry, or Japan's for units from a partner's."
    )
    issuance_id: strawberry.ID = strawberry.field(
        description="Whose units move: the global id of the CreditIssuance; the source must hold enough of them."
    )
    quantity: int = strawberry.field(description="Whole units, above 0; the lowest serials move first.")


@strawberry.input(description="Units to nullify into Japan's NULLIFICATION account.")
class NullifyUnitsInput:
    from_account_id: strawberry.ID = strawberry.field(description="An account of Japan's registry.")
    issuance_id: strawberry.ID = strawberry.field(
        description="Whose units are nullified: the global id of the CreditIssuance."
    )
    quantity: int = strawberry.field(description="Whole units, above 0; the lowest serials go first.")
    purpose: enums.NullificationPurpose = strawberry.field(
        description="Why: NDC (counted for Japan's NDC, only units both governments authorized for it) or another purpose."
    )
    beneficiary: str | None = strawberry.field(
        default=None, description="On whose behalf: required for every purpose but NDC."
    )


@strawberry.input(description="Units of Japan's government account to nullify for the NDC.")
class NullifyInput:
    issuance_id: strawberry.ID = strawberry.field(
        description="Whose units are nullified: the global id of a NOTIFIED CreditIssuance authorized by both governments."
    )
    amount: int = strawberry.field(description="Units, above 0.")


@strawberry.input(description="Units to cancel into the source registry's CANCELLATION account.")
class CancelUnitsInput:
    from_account_id: strawberry.ID = strawberry.field(
        description="The account the units leave (global id of a RegistryAccount)."
    )
    issuance_id: strawberry.ID = strawberry.field(
        description="Whose units are cancelled: the global id of the CreditIssuance."
    )
    quantity: int = strawberry.field(description="Whole units, above 0; the lowest serials go first.")
    reason: str = strawberry.field(description="Why, up to 5,000 characters.")


def render_account(row: AccountRow) -> dict[str, Any]:
    return {"account": RegistryAccount.from_row(row)}


def render_transfer(row: TransferRow) -> dict[str, Any]:
    return {"transfer": Transfer.from_row(row)}


async def _issuance_result(session: AsyncSession, issuance_id: int) -> IssuanceResult:
    """The issuance as it is after the write, with its proposal, for IssuancePayload."""
    issuance = await session.get_one(CreditIssuance, issuance_id, populate_existing=True)
    return IssuanceResult(issuance, await session.get_one(Proposal, issuance.proposal_id))


def _issuance(input: Any) -> int:
    return decode_id(input.issuance_id, "CreditIssuance", "issuanceId")


def _account(global_id: str, field: str) -> int:
    return decode_id(global_id, "RegistryAccount", field)


@strawberry.mutation(
    description="Open a PARTICIPANT_HOLDING account, numbered {registry}-200-{nnnn}: in JP by the secretariat, "
    "in a partner's registry by that partner."
)
async def open_account(info: Info, input: OpenAccountInput) -> AccountPayload:
    return await mutate(
        info,
        lambda session, principal: registry.open_account(
            session, principal, registry_code=input.registry_code, kind=input.kind, holder_name=input.holder_name
        ),
        AccountPayload,
        render_account,
    )


@strawberry.input(description="A participant account to close.")
class CloseAccountInput:
    account_id: strawberry.ID = strawberry.field(description="An open PARTICIPANT_HOLDING account holding no units.")


@strawberry.mutation(
    description="Close an empty PARTICIPANT_HOLDING account today: it then receives and sends nothing; its number "
    "and history stay. Its registry's operator (JP: the secretariat; a partner's: that partner)."
)
async def close_account(info: Info, input: CloseAccountInput) -> AccountPayload:
    return await mutate(
        info,
        lambda session, principal: registry.close_account(
            session, principal, account_id=_account(input.account_id, "accountId")
        ),
        AccountPayload,
        render_account,
    )


@strawberry.mutation(
    description="Issue one holder's share of a NOTIFIED issuance as serial-numbered units, once per share: by the "
    "operator of the issuing registry (JP: the secretariat; a partner's: that partner). Japan's share goes into "
    "JP-100-0001, the partner's into its government account, the participants' into the account named."
)
async def record_issued(info: Info, input: RecordIssuedInput) -> IssuancePayload:
    async def operation(session: AsyncSession, principal: Principal) -> IssuanceResult:
        issued = await registry.record_issued(
            session,
            principal,
            issuance_id=_issuance(input),
            holder=input.holder,
            issued_amount=input.issued_amount,
            issued_on=input.issued_on,
            account_number_given=input.account_number,
        )
        return await _issuance_result(session, issued.transfer.issuance_id)

    return await mutate(info, operation, IssuancePayload, render_issuance)


@strawberry.mutation(
    description="Move units between accounts, lowest serials first: within a registry, or from a partner's registry "
    "to Japan's (only units both governments authorized, at most the authorized amount in all). By the operator "
    "of the source account's registry; out of JP's government account, the Japanese government."
)
async def transfer_units(info: Info, input: TransferUnitsInput) -> TransferPayload:
    return await mutate(
        info,
        lambda session, principal: unit_moves.transfer_units(
            session,
            principal,
            from_account_id=_account(input.from_account_id, "fromAccountId"),
            to_account_id=_account(input.to_account_id, "toAccountId"),
            issuance_id=_issuance(input),
            quantity=input.quantity,
        ),
        TransferPayload,
        render_transfer,
    )


@strawberry.mutation(
    description="Nullify authorized units from an account of Japan's registry into JP-300-0001: for the NDC by the "
    "Japanese government from its own account, or on a named company's behalf (SHK_OFFSET, GX_ETS, "
    "VOLUNTARY_OFFSET) by the secretariat from a participant account."
)
async def nullify_units(info: Info, input: NullifyUnitsInput) -> TransferPayload:
    return await mutate(
        info,
        lambda session, principal: unit_moves.nullify_units(
            session,
            principal,
            from_account_id=_account(input.from_account_id, "fromAccountId"),
            issuance_id=_issuance(input),
            quantity=input.quantity,
            purpose=input.purpose,
            beneficiary=input.beneficiary,
        ),
        TransferPayload,
        render_transfer,
    )


@strawberry.mutation(
    description="The Japanese government's shorthand: nullify `amount` authorized units of the issuance from "
    "JP-100-0001 for the NDC. The transfer appears in `transfers`; the payload is the issuance."
)
async def nullify_for_ndc(info: Info, input: NullifyInput) -> IssuancePayload:
    async def operation(session: AsyncSession, principal: Principal) -> IssuanceResult:
        try:
            transfer = await unit_moves.nullify_for_ndc(
                session, principal, issuance_id=_issuance(input), amount=input.amount
            )
        except DomainError as error:
            # The resolver names nullifyUnits' fields; this input calls the quantity `amount`.
            if error.field == ["quantity"]:
                error.field = ["amount"]
            raise
        return await _issuance_result(session, transfer.issuance_id)

    return await mutate(info, operation, IssuancePayload, render_issuance)


@strawberry.mutation(
    description="Cancel units into the source registry's CANCELLATION account, with a reason: by the operator of "
    "the source account's registry (out of JP's government account, the Japanese government)."
)
async def cancel_units(info: Info, input: CancelUnitsInput) -> TransferPayload:
    return await mutate(
        info,
        lambda session, principal: unit_moves.cancel_units(
            session,
            principal,
            from_account_id=_account(input.from_account_id, "fromAccountId"),
            issuance_id=_issuance(input),
            quantity=input.quantity,
            reason=input.reason,
        ),
        TransferPayload,
        render_transfer,
    )


@strawberry.type
class RegistryMutations:
    open_account = open_account
    close_account = close_account
    record_issued = record_issued
    transfer_units = transfer_units
    nullify_units = nullify_units
    nullify_for_ndc = nullify_for_ndc
    cancel_units = cancel_units
