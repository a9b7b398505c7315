"""`/exports/transfers.{csv,json}`: the registry's movements the public may see, whoever asks, with
frozen columns, a filter by account, a 400 naming a bad parameter, and constant statements per page."""

import api.registry_exports
from api.registry_exports import TRANSFER_COLUMNS
from tests.support.db import count_statements
from tests.support.export_files import csv_rows
from tests.support.project_exports import counted
from tests.support.registry_moves import moved

AT = "2026-11-30T09:00:00+00:00"
PUBLIC_ROWS = [  # newest first
    [
        "CANCELLATION",
        AT,
        "VN051-0001",
        "VN-100-0001",
        "VN-400-0001",
        "10",
        "VN051-0001-000000401..VN051-0001-000000410",
        "",
        "",
        "Not used toward the NDC.",
    ],
    [
        "NULLIFICATION",
        AT,
        "VN051-0001",
        "JP-100-0001",
        "JP-300-0001",
        "50",
        "VN051-0001-000000001..VN051-0001-000000050",
        "NDC",
        "",
        "",
    ],
    [
        "NULLIFICATION",
        AT,
        "VN051-0001",
        "",
        "JP-300-0001",
        "100",
        "VN051-0001-000000501..VN051-0001-000000600",
        "SHK_OFFSET",
        "Example Engineering Co.",
        "",
    ],
    ["ISSUANCE", AT, "VN051-0001", "", "VN-100-0001", "100", "VN051-0001-000000401..VN051-0001-000000500", "", "", ""],
    ["ISSUANCE", AT, "VN051-0001", "", "JP-100-0001", "400", "VN051-0001-000000001..VN051-0001-000000400", "", "", ""],
]


async def test_the_transfers_export_lists_only_what_the_public_sees_whoever_asks(
    projects, frozen_clock, prebuilt, client, tokens
):
    # Given units issued, moved from Viet Nam's participants to Japan's, nullified twice and cancelled
    await prebuilt(moved, projects, frozen_clock)

    # When the public and the secretariat export the transfers
    public = await client.get("/exports/transfers.csv")
    secretariat = await client.get(
        "/exports/transfers.csv", headers={"Authorization": f"Bearer {await tokens.secretariat()}"}
    )

    # Then both get the public rows only: no movement of a company's account, no company account named
    assert public.status_code == 200 and public.headers["content-type"].startswith("text/csv")
    assert csv_rows(public.text) == [TRANSFER_COLUMNS, *PUBLIC_ROWS]
    assert secretariat.text == public.text
    # And JSON says the same, with nulls for empty cells
    rows = (await client.get("/exports/transfers.json")).json()
    assert [row["kind"] for row in rows] == [row[0] for row in PUBLIC_ROWS]
    assert rows[2]["from_account"] is None and rows[2]["quantity"] == 100


async def test_the_transfers_export_filters_by_account_and_names_a_bad_parameter(
    projects, frozen_clock, prebuilt, client
):
    await prebuilt(moved, projects, frozen_clock)

    nullified = (await client.get("/exports/transfers.json?account=jp-300-0001")).json()
    assert [(row["kind"], row["quantity"]) for row in nullified] == [("NULLIFICATION", 50), ("NULLIFICATION", 100)]
    assert (await client.get("/exports/transfers.json?account=XX-999-0001")).json() == []
    too_long = await client.get("/exports/transfers.json?account=" + "x" * 300)
    assert too_long.status_code == 400 and too_long.json()["errors"][0]["extensions"]["field"] == "account"


async def test_an_export_page_of_many_transfers_costs_the_statements_of_a_page_of_one(
    projects, frozen_clock, prebuilt, client, engine, monkeypatch
):
    # Given five public transfers, read five to a page and then one to a page
    await prebuilt(moved, projects, frozen_clock)
    monkeypatch.setattr(api.registry_exports, "BATCH", 5)
    # and the time of the latest change (Last-Modified) read once, as it is once per change
    await client.get("/exports/transfers.json?account=XX-999-0001")
    with count_statements(engine) as many:
        assert len((await client.get("/exports/transfers.json")).json()) == 5
    with count_statements(engine) as one:
        assert len((await client.get("/exports/transfers.json?account=VN-400-0001")).json()) == 1

    # Then the page of five cost what the page of one did
    assert len(counted(many.statements)) == len(counted(one.statements)), (many.statements, one.statements)
