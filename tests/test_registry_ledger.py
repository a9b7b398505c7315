"""The registry's ledger rules, through the resolvers (the GraphQL layer of the registry comes
next): seeded accounts, participant accounts, issuing a notified share as serial-numbered units,
moving units within a registry and from a partner's to Japan's, nullification and cancellation;
every refusal writes nothing; two transfers racing for the same units."""

import asyncio
from datetime import timedelta

import pytest
import sqlalchemy as sa

from models.db import new_session
from models.enums import CreditHolder, NullificationPurpose, RegistryAccountKind
from models.errors import DomainError
from models.registry import serial_range
from resolvers.registry import open_account, record_issued
from resolvers.unit_moves import cancel_units, nullify_for_ndc, nullify_units, transfer_units
from tests.support.db import snapshot
from tests.support.registry import REGISTRY_TABLES, account_ids, an_issued_issuance, balances, holdings
from tests.support.tokens import principal
from tests.support.workflow import pk


@pytest.fixture
async def issued(projects, frozen_clock, prebuilt):
    return await prebuilt(an_issued_issuance, projects, frozen_clock)


async def run(engine, who, resolver, **arguments):
    async with new_session(engine) as session:
        return await resolver(session, principal(who), **arguments)


async def refused(engine, who, resolver, code, field, **arguments) -> str:
    """`resolver` as `who` raises a domain error of `code` naming `field`, and wrote nothing."""
    before = await snapshot(engine, *REGISTRY_TABLES)
    with pytest.raises(DomainError) as raised:
        await run(engine, who, resolver, **arguments)
    assert (raised.value.code, raised.value.field) == (code, None if field is None else [field]), raised.value.message
    assert await snapshot(engine, *REGISTRY_TABLES) == before
    return raised.value.message


async def test_every_registry_has_its_three_accounts_from_the_seed(engine):
    # When the seeded database is read
    async with engine.connect() as connection:
        rows = (await connection.execute(sa.text("SELECT number, holder_name FROM registry_account"))).all()

    # Then Japan and the 30 partners each have a government, a nullification and a cancellation account
    numbers = {number for number, _ in rows}
    assert len(numbers) == 31 * 3
    assert {"JP-100-0001", "JP-300-0001", "JP-400-0001", "VN-100-0001", "VN-300-0001", "MN-400-0001"} <= numbers
    assert dict(rows)["JP-100-0001"] == "Government of Japan"


async def test_participant_accounts_are_numbered_without_gaps_by_their_registrys_operator(engine):
    # Given a refused opening (another registry's partner) and a refused kind
    await refused(
        engine,
        "MN",
        open_account,
        "FORBIDDEN",
        None,
        registry_code="VN",
        kind=RegistryAccountKind.PARTICIPANT_HOLDING,
        holder_name="X",
    )
    await refused(
        engine,
        "VN",
        open_account,
        "INVALID_INPUT",
        "kind",
        registry_code="VN",
        kind=RegistryAccountKind.NULLIFICATION,
        holder_name="X",
    )

    # When Viet Nam opens two participant accounts and the secretariat one in Japan's registry
    first = await run(
        engine,
        "VN",
        open_account,
        registry_code="vn",
        kind=RegistryAccountKind.PARTICIPANT_HOLDING,
        holder_name="A JSC",
    )
    second = await run(
        engine,
        "VN",
        open_account,
        registry_code="VN",
        kind=RegistryAccountKind.PARTICIPANT_HOLDING,
        holder_name="B JSC",
    )
    japanese = await run(
        engine,
        "secretariat",
        open_account,
        registry_code="JP",
        kind=RegistryAccountKind.PARTICIPANT_HOLDING,
        holder_name="C Co.",
    )

    # Then they are numbered per registry and kind, without gaps
    assert (first.number, second.number, japanese.number) == ("VN-200-0001", "VN-200-0002", "JP-200-0001")


async def test_each_share_is_issued_once_as_consecutive_serials_never_more_than_notified(issued, engine, frozen_clock):
    # Then the three shares hold consecutive units of the issuance across its allocations
    assert await holdings(engine) == {
        "JP-100-0001": [(1, 400)],
        "VN-100-0001": [(401, 500)],
        "VN-200-0001": [(501, 1000)],
    }
    assert serial_range("VN051", 1, 1, 400) == "VN051-0001-000000001..VN051-0001-000000400"
    today = frozen_clock.at.date()

    # And a share is issued once, by the issuing registry's operator, never more than notified
    again = {"issuance_id": issued["issuance_pk"], "issued_amount": 1, "issued_on": today}
    await refused(
        engine,
        "secretariat",
        record_issued,
        "INVALID_TRANSITION",
        "holder",
        holder=CreditHolder.JAPAN_GOVERNMENT,
        **again,
    )
    await refused(engine, "japan", record_issued, "FORBIDDEN", None, holder=CreditHolder.JAPAN_GOVERNMENT, **again)


async def test_a_share_above_its_notified_amount_or_in_the_future_is_refused(projects, engine, frozen_clock):
    # Given a notified issuance nothing of which was issued
    notified = await projects.notified(frozen_clock)
    issuance, today = pk(notified["issuance"]), frozen_clock.at.date()
    share = {"issuance_id": issuance, "holder": CreditHolder.JAPAN_GOVERNMENT}

    # Then
    await refused(
        engine,
        "secretariat",
        record_issued,
        "INVALID_INPUT",
        "issuedAmount",
        issued_amount=401,
        issued_on=today,
        **share,
    )
    await refused(
        engine, "secretariat", record_issued, "INVALID_INPUT", "issuedAmount", issued_amount=0, issued_on=today, **share
    )
    await refused(
        engine,
        "secretariat",
        record_issued,
        "INVALID_INPUT",
        "issuedOn",
        issued_amount=400,
        issued_on=today + timedelta(days=1),
        **share,
    )
    await refused(
        engine,
        "VN",
        record_issued,
        "INVALID_INPUT",
        "accountNumber",
        issuance_id=issuance,
        holder=CreditHolder.PROJECT_PARTICIPANTS,
        issued_amount=500,
        issued_on=today,
    )


async def test_units_move_within_a_registry_and_to_japan_then_are_nullified_and_cancelled(issued, engine):
    ids = await account_ids(engine)
    issuance = issued["issuance_pk"]

    # When the participants' units go partly to their Japanese account (the Article 6 first transfer)
    moved = await run(
        engine,
        "VN",
        transfer_units,
        from_account_id=ids["VN-200-0001"],
        to_account_id=ids["JP-200-0001"],
        issuance_id=issuance,
        quantity=300,
    )
    # and a company's offset, the government's NDC share and a cancellation follow
    shk = await run(
        engine,
        "secretariat",
        nullify_units,
        from_account_id=ids["JP-200-0001"],
        issuance_id=issuance,
        quantity=120,
        purpose=NullificationPurpose.SHK_OFFSET,
        beneficiary="Example Corp.",
    )
    ndc = await run(engine, "japan", nullify_for_ndc, issuance_id=issuance, amount=150)
    cancelled = await run(
        engine,
        "VN",
        cancel_units,
        from_account_id=ids["VN-100-0001"],
        issuance_id=issuance,
        quantity=30,
        reason="Voluntary cancellation.",
    )

    # Then every movement is a transfer with its ranges, lowest serials first, blocks split where taken in part
    assert (moved.kind.value, moved.ranges) == ("INTERNATIONAL", [[501, 800]])
    assert (shk.kind.value, shk.ranges, shk.purpose.value, shk.beneficiary) == (
        "NULLIFICATION",
        [[501, 620]],
        "SHK_OFFSET",
        "Example Corp.",
    )
    assert (ndc.purpose.value, ndc.ranges) == ("NDC", [[1, 150]])
    assert (cancelled.kind.value, cancelled.ranges) == ("CANCELLATION", [[401, 430]])
    held = await holdings(engine)
    assert balances(held) == {
        "JP-100-0001": 250,
        "JP-200-0001": 180,
        "JP-300-0001": 270,
        "VN-100-0001": 70,
        "VN-200-0001": 200,
        "VN-400-0001": 30,
    }
    assert sum(balances(held).values()) == 1000
    assert held["JP-300-0001"] == [(1, 150), (501, 620)]


NDC, GX, VOLUNTARY = NullificationPurpose.NDC, NullificationPurpose.GX_ETS, NullificationPurpose.VOLUNTARY_OFFSET
# (who, operation, code, field, source account, destination account or None, quantity, more arguments)
BAD_MOVES = {
    "wrong-operator-jp-government": (
        "secretariat",
        transfer_units,
        "FORBIDDEN",
        None,
        "JP-100-0001",
        "JP-200-0001",
        1,
        {},
    ),
    "wrong-operator-other-registry": ("MN", transfer_units, "FORBIDDEN", None, "VN-200-0001", "JP-200-0001", 1, {}),
    "same-account": ("VN", transfer_units, "INVALID_INPUT", "toAccountId", "VN-200-0001", "VN-200-0001", 1, {}),
    "quantity-zero": ("VN", transfer_units, "INVALID_INPUT", "quantity", "VN-200-0001", "VN-100-0001", 0, {}),
    "too-many": ("VN", transfer_units, "INSUFFICIENT_UNITS", "quantity", "VN-200-0001", "VN-100-0001", 501, {}),
    "into-a-final-account": ("VN", transfer_units, "INVALID_INPUT", "toAccountId", "VN-200-0001", "VN-400-0001", 1, {}),
    "international-not-into-jp": (
        "japan",
        transfer_units,
        "INVALID_INPUT",
        "toAccountId",
        "JP-100-0001",
        "VN-100-0001",
        1,
        {},
    ),
    # more than both governments authorized (800) in all, internationally
    "beyond-the-authorized": ("VN", transfer_units, "INVALID_INPUT", "quantity", "VN-200-0001", "JP-200-0001", 801, {}),
    # nullification: for the NDC only from the government's account; a company's needs its name
    "ndc-from-a-company": (
        "secretariat",
        nullify_units,
        "INVALID_INPUT",
        "purpose",
        "JP-200-0001",
        None,
        1,
        {"purpose": NDC},
    ),
    "no-beneficiary": ("japan", nullify_units, "INVALID_INPUT", "beneficiary", "JP-100-0001", None, 1, {"purpose": GX}),
    "nullified-outside-jp": (
        "VN",
        nullify_units,
        "INVALID_INPUT",
        "fromAccountId",
        "VN-100-0001",
        None,
        1,
        {"purpose": VOLUNTARY, "beneficiary": "X"},
    ),
    "blank-reason": ("VN", cancel_units, "INVALID_INPUT", "reason", "VN-100-0001", None, 1, {"reason": " "}),
}


@pytest.mark.parametrize("case", BAD_MOVES.values(), ids=BAD_MOVES.keys())
async def test_every_bad_movement_is_refused_and_writes_nothing(issued, engine, case):
    who, operation, code, field, source, target, quantity, more = case
    ids = await account_ids(engine)
    arguments = {"from_account_id": ids[source], "issuance_id": issued["issuance_pk"], "quantity": quantity} | more
    if target is not None:
        arguments["to_account_id"] = ids[target]
    await refused(engine, who, operation, code, field, **arguments)


async def test_two_transfers_racing_for_the_same_units_one_wins(issued, engine):
    # Given VN-200-0001 holds 500 units
    ids = await account_ids(engine)
    move = {
        "from_account_id": ids["VN-200-0001"],
        "to_account_id": ids["VN-100-0001"],
        "issuance_id": issued["issuance_pk"],
        "quantity": 400,
    }

    # When two transfers of 400 start at the same moment, each in its own session
    results = await asyncio.gather(
        *(run(engine, "VN", transfer_units, **move) for _ in range(2)), return_exceptions=True
    )

    # Then exactly one moved the units; the other was told the account holds too few; no balance is negative
    errors = [r for r in results if isinstance(r, Exception)]
    assert len(errors) == 1 and isinstance(errors[0], DomainError) and errors[0].code.value == "INSUFFICIENT_UNITS", (
        results
    )
    assert balances(await holdings(engine))["VN-200-0001"] == 100


async def test_a_transfer_gathers_as_many_blocks_as_it_needs_lowest_serials_first(issued, engine):
    # Given VN-100-0001 holding its own 100 units (401–500) and 30 blocks of 10 received one by one
    ids = await account_ids(engine)
    move = {"issuance_id": issued["issuance_pk"]}
    for _ in range(30):
        await run(
            engine,
            "VN",
            transfer_units,
            from_account_id=ids["VN-200-0001"],
            to_account_id=ids["VN-100-0001"],
            quantity=10,
            **move,
        )
    assert len((await holdings(engine))["VN-100-0001"]) == 31

    # When 250 units leave it in one transfer
    moved = await run(
        engine,
        "VN",
        transfer_units,
        from_account_id=ids["VN-100-0001"],
        to_account_id=ids["VN-200-0001"],
        quantity=250,
        **move,
    )

    # Then the lowest serials went, the first block whole and the received ones after it, the last in part
    assert moved.ranges == [[401, 500], *[[first, first + 9] for first in range(501, 641, 10)], [641, 650]]
    assert balances(await holdings(engine)) == {"JP-100-0001": 400, "VN-100-0001": 150, "VN-200-0001": 450}
