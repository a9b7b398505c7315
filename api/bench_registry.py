"""`jcm benchmark-registry`: an account holding 100,000 blocks of one issuance, served by uvicorn
(one worker), and two figures: the latency of reading its holdings (`account { balance holdings }`,
a page of 100) and `transferUnits` per second, each moving the account's lowest block to another
account. Medians over alternated rounds (the machine is shared and noisy), and the SQL statements
of a holdings page of 100 and of 1, which must be equal.

The register is written with bulk inserts straight into the tables, as a registry that issued a
million units in 100,000 blocks would hold them: one project, one notified and authorized issuance,
its participants' share issued into JP-200-0001.
"""

import asyncio
import statistics
import sys
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from api.bench_setup import count_statements, prepare_postgresql
from api.benchmark import _server
from api.ids import to_global_id
from models.db import create_engine, new_session

UNITS_PER_BLOCK = 10
HOLDINGS = """query ($number: String!, $first: Int) {
  account(number: $number) {
    number balance
    holdings(first: $first) { totalCount edges { node { serialStart serialEnd quantity authorizedForNdc } } }
  }
}"""
TRANSFER = """mutation ($input: TransferUnitsInput!) {
  transferUnits(input: $input) { transfer { quantity serialRanges } userErrors { code message field } }
}"""


@dataclass(frozen=True)
class Register:
    source: int  # JP-200-0001, holding every block
    target: int  # JP-200-0002
    issuance: int
    token: str  # the secretariat's, which operates Japan's participant accounts


async def build(url: str, blocks: int) -> Register:
    """Migrate, seed and fill a fresh database (a SQLite file, or an empty PostgreSQL database)."""
    from models.enums import Role
    from models.migrations import upgrade
    from resolvers.tokens import create_token
    from seed.loader import load

    await asyncio.to_thread(upgrade, url)
    engine = create_engine(url)
    try:
        async with new_session(engine) as session:
            await load(session)
            issued = await create_token(session, role=Role.SECRETARIAT, name="Benchmark secretariat")
        async with engine.begin() as connection:
            ids = await _fill(connection, blocks)
    finally:
        await engine.dispose()
    return Register(*ids, token=issued.secret)


async def _fill(connection: Any, blocks: int) -> tuple[int, int, int]:
    now, today = datetime.now(UTC), date.today()
    units = blocks * UNITS_PER_BLOCK

    async def one(sql: str, **values: Any) -> int:
        return int((await connection.execute(sa.text(sql + " RETURNING id"), values)).scalar_one())

    vn = (await connection.execute(sa.text("SELECT id FROM joint_committee WHERE code = 'VN'"))).scalar_one()
    japan = (await connection.execute(sa.text("SELECT id FROM registry WHERE code = 'JP'"))).scalar_one()
    proposal = await one(
        "INSERT INTO proposal (committee_id, kind, title, status, version, proposer_role, created_by, created_at,"
        " round, circulations) VALUES (:c, 'CREDIT_ISSUANCE', 'Benchmark issuance', 'APPROVED', 1, 'SECRETARIAT',"
        " 'benchmark', :now, 1, 1)",
        c=vn,
        now=now,
    )
    project = await one(
        "INSERT INTO project (committee_id, pin_reference, reference, title, participants, status, pin_proposal_id,"
        " registered_on, published_at, created_at) VALUES (:c, 'VN_PIN999', 'VN999', 'Benchmark project',"
        " 'Benchmark Co.', 'REGISTERED', :p, :today, :now, :now)",
        c=vn,
        p=proposal,
        today=today,
        now=now,
    )
    verifier = await one(
        "INSERT INTO tpe_designation (committee_id, entity_id, status, created_at) VALUES (:c, :e, 'DESIGNATED', :now)",
        c=vn,
        e=await one(
            "INSERT INTO third_party_entity (name, name_key, accreditation, created_at)"
            " VALUES ('Benchmark Verification', 'benchmark verification', 'ISO_14065', :now)",
            now=now,
        ),
        now=now,
    )
    issuance = await one(
        "INSERT INTO credit_issuance (project_id, committee_id, number, monitoring_from, monitoring_to, verifier_id,"
        " requested_amount, notified_amount, notified_on, status, proposal_id, created_at) VALUES (:pr, :c, 1,"
        " :today, :today, :v, :u, :u, :today, 'NOTIFIED', :p, :now)",
        pr=project,
        c=vn,
        today=today,
        v=verifier,
        u=units,
        p=proposal,
        now=now,
    )
    accounts = []
    for sequence in (1, 2):
        accounts.append(
            await one(
                "INSERT INTO registry_account (registry_id, kind, sequence, number, holder_name, opened_on)"
                " VALUES (:r, 'PARTICIPANT_HOLDING', :s, :n, 'Benchmark Co.', :today)",
                r=japan,
                s=sequence,
                n=f"JP-200-{sequence:04d}",
                today=today,
            )
        )
    await connection.execute(
        sa.text(
            "INSERT INTO credit_allocation (issuance_id, holder, requested_amount, notified_amount, issued_amount,"
            " issued_on, issued_account_id) VALUES (:i, 'PROJECT_PARTICIPANTS', :u, :u, :u, :today, :a)"
        ),
        {"i": issuance, "u": units, "today": today, "a": accounts[0]},
    )
    for side in ("JAPAN", "PARTNER"):
        await connection.execute(
            sa.text(
                "INSERT INTO credit_authorization (issuance_id, side, amount, use_purposes, authorized_on,"
                " recorded_by, recorded_at) VALUES (:i, :s, :u, '[\"NDC\"]', :today, 'benchmark', :now)"
            ),
            {"i": issuance, "s": side, "u": units, "today": today, "now": now},
        )
    await connection.execute(
        sa.text(
            "INSERT INTO transfer (kind, issuance_id, to_account_id, quantity, ranges, at, recorded_by)"
            " VALUES ('ISSUANCE', :i, :a, :u, :r, :now, 'benchmark')"
        ),
        {"i": issuance, "a": accounts[0], "u": units, "r": f"[[1, {units}]]", "now": now},
    )
    await connection.execute(
        sa.text("INSERT INTO account_holding (account_id, issuance_id, units) VALUES (:a, :i, :u)"),
        {"a": accounts[0], "i": issuance, "u": units},
    )
    rows = [
        {"i": issuance, "a": accounts[0], "f": n * UNITS_PER_BLOCK + 1, "l": (n + 1) * UNITS_PER_BLOCK}
        for n in range(blocks)
    ]
    insert = sa.text("INSERT INTO unit_block (issuance_id, account_id, first_unit, last_unit) VALUES (:i, :a, :f, :l)")
    for start in range(0, len(rows), 5_000):
        await connection.execute(insert, rows[start : start + 5_000])
    return accounts[0], accounts[1], issuance


def _median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


async def measure(url: str, register: Register, rounds: int, reads: int, transfers: int) -> dict[str, Any]:
    import httpx

    headers = {"Authorization": f"Bearer {register.token}", "Cache-Control": "no-cache"}
    source = to_global_id("RegistryAccount", register.source)
    transfer_input = {
        "fromAccountId": source,
        "toAccountId": to_global_id("RegistryAccount", register.target),
        "issuanceId": to_global_id("CreditIssuance", register.issuance),
        "quantity": UNITS_PER_BLOCK,
    }
    read_ms: list[float] = []
    per_second: list[float] = []
    async with _server(url) as (_, port):
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=60, headers=headers) as client:

            async def read() -> None:
                answer = await client.post(
                    "/graphql", json={"query": HOLDINGS, "variables": {"number": "JP-200-0001", "first": 100}}
                )
                if answer.json().get("errors") or answer.json()["data"]["account"] is None:
                    raise RuntimeError(f"holdings: {answer.text[:300]}")

            await read()
            for number in range(1, rounds + 1):
                samples = []
                for _ in range(reads):
                    started = time.perf_counter()
                    await read()
                    samples.append(time.perf_counter() - started)
                read_ms.append(_median_ms(samples))
                started = time.perf_counter()
                for _ in range(transfers):
                    answer = await client.post(
                        "/graphql", json={"query": TRANSFER, "variables": {"input": transfer_input}}
                    )
                    if answer.json().get("errors") or answer.json()["data"]["transferUnits"]["userErrors"]:
                        raise RuntimeError(f"transferUnits: {answer.text[:300]}")
                per_second.append(transfers / (time.perf_counter() - started))
                print(
                    f"round {number}/{rounds}: holdings {read_ms[-1]:.2f} ms, transferUnits {per_second[-1]:.0f}/s",
                    file=sys.stderr,
                )
    page = HOLDINGS.replace("query ($number: String!, $first: Int)", "query ($first: Int)")
    hundred, one, _ = await count_statements(url, page.replace("$number", '"JP-200-0001"'), headers)
    return {
        "holdings_ms": statistics.median(read_ms),
        "holdings_range": (min(read_ms), max(read_ms)),
        "transfers_per_second": statistics.median(per_second),
        "transfers_range": (min(per_second), max(per_second)),
        "statements": (hundred, one),
    }


def main(database: Path, blocks: int, rounds: int, reads: int, transfers: int, database_url: str | None = None) -> int:
    targets = [("SQLite", f"sqlite+aiosqlite:///{database.resolve()}")]
    if database_url:
        targets.append(("PostgreSQL", database_url))
    lines = [
        f"| database | `account {{ balance holdings(first: 100) }}`, {blocks:,} blocks, median ms (min–max) "
        "| `transferUnits`, one block each, per second (min–max) | statements, page of 100 / of 1 |",
        "|---|---|---|---|",
    ]
    for name, url in targets:
        if name == "SQLite":
            database.unlink(missing_ok=True)
        else:
            asyncio.run(prepare_postgresql(url, rebuild=True))
        register = asyncio.run(build(url, blocks))
        figures = asyncio.run(measure(url, register, rounds, reads, transfers))
        low, high = figures["holdings_range"]
        slow, fast = figures["transfers_range"]
        lines.append(
            f"| {name} | {figures['holdings_ms']:.2f} ({low:.2f}–{high:.2f}) | {figures['transfers_per_second']:.0f} "
            f"({slow:.0f}–{fast:.0f}) | {figures['statements'][0]} / {figures['statements'][1]} |"
        )
    print("\n".join(lines))
    return 0
