"""`jcm registry reconcile`: the unit blocks agree with what was issued and with the transfers, or
the first discrepancy is named (exit 1). Rows are corrupted by hand (SQL UPDATE) to see each check
name what it finds; a ledger after a burst of parallel transfers reconciles."""

import asyncio
from collections.abc import Iterator

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from models.db import new_session
from models.errors import DomainError
from resolvers.reconcile import Reconciliation, reconcile
from resolvers.unit_moves import transfer_units
from tests.support.cli import Jcm, Run, jcm_on
from tests.support.db import Database
from tests.support.ndc import an_ndc_ledger
from tests.support.registry import account_ids
from tests.support.tokens import principal


@pytest.fixture
def jcm(database: Database, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Iterator[Jcm]:
    """`jcm` pointed at the test's database through JCM_* variables (as in tests/test_cli.py)."""
    with jcm_on(database, monkeypatch, capsys) as jcm:
        yield jcm


@pytest.fixture
async def ledger(projects, frozen_clock, prebuilt):
    """tests/support/ndc.py: three issuances of VN051, units issued, moved and nullified."""
    return await prebuilt(an_ndc_ledger, projects, frozen_clock)


def block_id(jcm: Jcm, account: str, first_unit: int) -> int:
    """The id of the block of `account` starting at `first_unit`."""
    ids = jcm.on_db(account_ids)
    rows = jcm.rows("unit_block")["unit_block"]  # id, issuance_id, account_id, first_unit, last_unit
    return next(row[0] for row in rows if row[2] == ids[account] and row[3] == first_unit)


def international_transfer(jcm: Jcm) -> int:
    """The id of the ledger's one INTERNATIONAL transfer (200 units, 501–700, VN-200-0001 to JP-200-0001)."""
    return next(row[0] for row in jcm.rows("transfer")["transfer"] if row[1] == "INTERNATIONAL")


def refused(jcm: Jcm, first: str) -> None:
    """`jcm registry reconcile` exits 1 naming `first` as the first discrepancy."""
    run = jcm("registry", "reconcile")
    assert (run.code, run.out) == (1, ""), run
    assert run.err.startswith(f"registry NOT reconciled: {first}"), run.err


def test_an_empty_registry_reconciles(jcm, engine):
    assert jcm("registry", "reconcile") == Run(
        0, "", "registry reconciled: 0 issuances, 0 unit blocks and 0 transfers agree\n"
    )


def test_a_ledger_of_issuance_transfers_and_nullifications_reconciles(jcm, ledger):
    # Given the ledger (3 issuances; 9 blocks; 4 + 1 + 2 issuance, 1 international and 4 nullification transfers)
    counts = {table: len(rows) for table, rows in jcm.rows("unit_block", "transfer").items()}

    # When
    run = jcm("registry", "reconcile")

    # Then
    assert run == Run(
        0,
        "",
        f"registry reconciled: 3 issuances, {counts['unit_block']} unit blocks and {counts['transfer']} transfers agree\n",
    )


def test_a_block_widened_over_its_neighbour_is_named_as_units_in_two_blocks(jcm, ledger):
    # Given JP-100-0001's block 301–400 widened by hand to 301–420 (VN-100-0001 holds 401–500)
    widened, neighbour = block_id(jcm, "JP-100-0001", 301), block_id(jcm, "VN-100-0001", 401)
    jcm.execute("UPDATE unit_block SET last_unit = 420 WHERE id = :id", id=widened)

    # When / Then
    refused(
        jcm,
        f"issuance VN051-0001: units 401–420 are in two blocks (block {widened} in JP-100-0001, "
        f"block {neighbour} in VN-100-0001) (and ",
    )


def test_a_unit_number_beyond_the_issued_is_named(jcm, ledger):
    # Given VN-200-0001's block 701–1000 stretched to unit 1,005 of 1,000 issued
    stretched = block_id(jcm, "VN-200-0001", 701)
    jcm.execute("UPDATE unit_block SET last_unit = 1005 WHERE id = :id", id=stretched)

    refused(jcm, f"issuance VN051-0001: block {stretched} in VN-200-0001 holds units 701–1005, outside 1–1000 issued")


def test_an_issued_amount_the_blocks_do_not_hold_is_named(jcm, ledger):
    # Given Japan's share recorded as 450 issued while its blocks hold 400
    jcm.execute(
        "UPDATE credit_allocation SET issued_amount = 450 WHERE issuance_id = :id AND holder = 'JAPAN_GOVERNMENT'",
        id=ledger["issuance_pk"],
    )

    refused(jcm, "issuance VN051-0001: the accounts hold 1,000 units, 1,050 were issued")


def test_a_holding_that_is_not_what_the_blocks_hold_is_named(jcm, ledger):
    # Given Japan's government account said to hold 450 units of the issuance while its blocks hold 100
    ids = jcm.on_db(account_ids)
    jcm.execute(
        "UPDATE account_holding SET units = 450 WHERE account_id = :a AND issuance_id = :i",
        a=ids["JP-100-0001"],
        i=ledger["issuance_pk"],
    )

    refused(jcm, "issuance VN051-0001: JP-100-0001 is kept as holding 450 units, its blocks hold 100")


def test_a_block_moved_to_another_account_by_hand_disagrees_with_the_transfers(jcm, ledger):
    # Given VN-100-0001's block 401–500 put into JP-200-0001 without a transfer
    ids = jcm.on_db(account_ids)
    jcm.execute(
        "UPDATE unit_block SET account_id = :to WHERE id = :id",
        to=ids["JP-200-0001"],
        id=block_id(jcm, "VN-100-0001", 401),
    )

    refused(
        jcm, "issuance VN051-0001: JP-200-0001 holds units 401–500, 651–700 by its blocks, 651–700 by the transfers"
    )


def test_a_transfer_out_of_the_nullification_account_is_named(jcm, ledger):
    # Given the international transfer rewritten as leaving JP-300-0001
    transfer, ids = international_transfer(jcm), jcm.on_db(account_ids)
    jcm.execute("UPDATE transfer SET from_account_id = :from_ WHERE id = :id", from_=ids["JP-300-0001"], id=transfer)

    refused(
        jcm,
        f"issuance VN051-0001: transfer {transfer} moves units out of JP-300-0001 (NULLIFICATION), "
        "whose units never move again",
    )


def test_a_transfer_of_units_its_source_did_not_hold_is_named(jcm, ledger):
    # Given the international transfer's ranges rewritten to units 1–200 (Japan's, nullified since)
    transfer = international_transfer(jcm)
    jcm.execute("UPDATE transfer SET ranges = '[[1, 200]]' WHERE id = :id", id=transfer)

    refused(
        jcm, f"issuance VN051-0001: transfer {transfer} moves units 1–200, which its source account did not all hold"
    )


def test_a_transfer_whose_ranges_do_not_add_up_to_its_quantity_is_named(jcm, ledger):
    transfer = international_transfer(jcm)
    jcm.execute("UPDATE transfer SET quantity = 250 WHERE id = :id", id=transfer)

    refused(
        jcm, f"issuance VN051-0001: transfer {transfer} is of 250 units but its ranges (501–700) hold another number"
    )


def test_a_burst_of_parallel_transfers_leaves_a_ledger_that_reconciles(jcm, ledger):
    # Given the ledger's accounts
    ids = jcm.on_db(account_ids)
    issuance = ledger["issuance_pk"]

    async def burst(engine: AsyncEngine) -> list[object]:
        async def move(source: str, target: str, quantity: int) -> object:
            async with new_session(engine) as session:
                return await transfer_units(
                    session,
                    principal("VN"),
                    from_account_id=ids[source],
                    to_account_id=ids[target],
                    issuance_id=issuance,
                    quantity=quantity,
                )

        moves = [move("VN-200-0001", "VN-100-0001", 10) for _ in range(8)]
        moves += [move("VN-100-0001", "VN-200-0001", 7) for _ in range(8)]
        moves += [move("VN-200-0001", "JP-200-0001", 11) for _ in range(4)]
        return await asyncio.gather(*moves, return_exceptions=True)

    # When twenty transfers run at once, in both directions and to Japan
    results = jcm.on_db(burst)

    # Then any refusal is a domain error (too few units at that instant), and the ledger reconciles
    assert all(not isinstance(r, Exception) or isinstance(r, DomainError) for r in results), results
    assert sum(not isinstance(r, Exception) for r in results) >= 10
    run = jcm("registry", "reconcile")
    assert (run.code, run.out) == (0, ""), run
    assert run.err.startswith("registry reconciled: 3 issuances, "), run.err


def test_a_block_inside_a_wider_one_is_found_beyond_its_neighbour(jcm, ledger):
    # Given JP-300-0001's block 1–300 widened to 1–600: it covers JP-100-0001's 301–400 and VN-100-0001's 401–500
    wide = block_id(jcm, "JP-300-0001", 1)
    jcm.execute("UPDATE unit_block SET last_unit = 600 WHERE id = :id", id=wide)
    result = jcm.on_db(reconciled)

    # Then each block it covers is named, not only the next one
    inner = [block_id(jcm, "JP-100-0001", 301), block_id(jcm, "VN-100-0001", 401)]
    overlaps = [d for d in result.discrepancies if "in two blocks" in d]
    assert [f"block {wide} in JP-300-0001, block {id_} in" in d for d, id_ in zip(overlaps, inner, strict=False)] == [
        True,
        True,
    ]
    assert len(overlaps) == 3  # also 501–600 of JP-300-0001's own block 501–650


async def reconciled(engine: AsyncEngine) -> Reconciliation:
    async with new_session(engine) as session:
        return await reconcile(session)
