"""The project and credit-issuance exports: `/exports/projects.{csv,json}` and
`/exports/issuances.{csv,json}`, with stable columns, the public view whoever asks, the filters of
the GraphQL list, a 400 naming a bad parameter, and a page that costs the same statements at any size."""

import pytest

import api.exports
import api.project_exports
from tests.support.db import count_statements
from tests.support.export_files import bad_request, csv_rows, header_only
from tests.support.project_exports import ISSUANCE_COLUMNS, PROJECT_COLUMNS, counted, given_a_hundred_of_each
from tests.support.workflow import pk


async def given_projects_and_issuances(projects, frozen_clock) -> dict:
    """VN051 registered with issuance 1 NOTIFIED (1,000 t) and authorized by both governments
    (Japan 1,000, Viet Nam 800), and issuance 2 requested and circulated; an Indonesian PIN the
    committee did not object to (PLANNED); and a Viet Nam PIN still a draft (not public)."""
    notified = await projects.notified(frozen_clock, "VN")
    issuance = pk(notified["issuance"])
    await projects.authorized_by("japan", issuance, 1000)
    await projects.authorized_by("VN", issuance, 800)
    second = await projects.requested(notified["reference"], notified["tpe"], ("2026-01-01", "2026-06-30"), 500)
    await projects.submit(second.proposal.id)
    await projects.circulate(second.proposal.id)
    planned = await projects.planned("ID")
    draft = await projects.pin("VN")
    return notified | {"planned": planned.pin_reference, "draft": draft.project.pin_reference}


PDD = "https://www.jcm.go.jp/vn-jp/projects/pdd/VN_PIN001.pdf"
SHA = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
TITLE = "Energy saving by high-efficiency chillers in a textile factory"
PARTICIPANTS = "Example Engineering Co.;Viet Textile JSC"

# The projects of `given_projects_and_issuances` as the CSV shows them, newest first: the draft
# VN_PIN002 is nobody's to export.
PROJECTS = [
    [
        "ID_PIN001",
        "",
        "ID",
        TITLE,
        PARTICIPANTS,
        "3",
        "PLANNED",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "JC-ID-2026-001",
        "",
        "",
    ],
    [
        "VN_PIN001",
        "VN051",
        "VN",
        TITLE,
        PARTICIPANTS,
        "3",
        "REGISTERED",
        "VN_AM001",
        "ver01.0",
        "TPE-VN-001",
        "2026-11-30",
        PDD,
        SHA,
        "2026-11-29",
        "2026-11-29",
        "JC-VN-2026-003",
        "JC-VN-2026-004",
        "",
    ],
]
ISSUANCES = [
    [
        *["VN051", "2", "VN", "2026-01-01", "2026-06-30", "TPE-VN-001", "500", "", "", "REQUESTED", ""],
        *["50", "200", "250", "", "", "false", ""],
    ],
    [
        *["VN051", "1", "VN", "2025-01-01", "2025-12-31", "TPE-VN-001", "1000", "1000", "2026-11-30", "NOTIFIED"],
        *["JC-VN-2026-005", "100", "400", "500", "1000", "800", "true", "800"],
    ],
]
NUMBERS = {"number", "requested_amount", "notified_amount"} | {c for c in ISSUANCE_COLUMNS if c.endswith("_amount")}


def as_json(rows: list[list[str]], columns: list[str]) -> list[dict]:
    """The CSV rows as the JSON export shows them: empty cells null, amounts numbers, booleans booleans."""

    def value(column: str, cell: str) -> object:
        if cell == "":
            return None
        if column in NUMBERS:
            return int(cell)
        return {"true": True, "false": False}.get(cell, cell) if column == "authorized" else cell

    return [{c: value(c, v) for c, v in zip(columns, row, strict=True)} for row in rows]


def test_the_project_and_issuance_exports_have_their_documented_columns():
    # Then the columns are these, in this order (the README's table lists the same)
    assert api.exports.EXPORTS["projects"].columns == PROJECT_COLUMNS
    assert api.exports.EXPORTS["issuances"].columns == ISSUANCE_COLUMNS


@pytest.mark.parametrize("who", [None, "secretariat", "VN"])
async def test_the_project_export_lists_public_projects_newest_first_whoever_asks(
    prebuilt, projects, client, frozen_clock, who
):
    # Given a registered project, a planned one and a draft PIN
    await prebuilt(given_projects_and_issuances, projects, frozen_clock)
    headers = {"Authorization": f"Bearer {await projects.token(who)}"} if who else {}

    # When
    as_csv = await client.get("/exports/projects.csv", headers=headers)
    as_list = await client.get("/exports/projects.json", headers=headers)

    # Then the public view: both decided PINs with their exact values, not the draft
    assert as_csv.status_code == as_list.status_code == 200
    assert as_csv.headers["content-type"] == "text/csv; charset=utf-8"
    assert as_csv.headers["content-disposition"] == 'attachment; filename="jcm-projects.csv"'
    assert as_list.headers["content-disposition"] == 'attachment; filename="jcm-projects.json"'
    assert csv_rows(as_csv.text) == [PROJECT_COLUMNS, *PROJECTS]
    assert as_list.json() == as_json(PROJECTS, PROJECT_COLUMNS)


async def test_the_issuance_export_lists_allocations_authorizations_and_decisions(
    prebuilt, projects, client, frozen_clock
):
    # Given issuance 1 notified and authorized by both governments, issuance 2 requested
    await prebuilt(given_projects_and_issuances, projects, frozen_clock)

    # When
    as_csv = await client.get("/exports/issuances.csv")
    as_list = await client.get("/exports/issuances.json")

    # Then newest first; the holders' shares as notified (as requested until then); the smaller
    # authorization is the authorized amount
    assert as_csv.status_code == as_list.status_code == 200
    assert as_csv.headers["content-disposition"] == 'attachment; filename="jcm-issuances.csv"'
    assert csv_rows(as_csv.text) == [ISSUANCE_COLUMNS, *ISSUANCES]
    assert as_list.json() == as_json(ISSUANCES, ISSUANCE_COLUMNS)
    assert as_list.json()[1]["authorized"] is True and as_list.json()[1]["authorized_amount"] == 800


async def test_the_filters_of_the_lists_select_exactly_the_right_rows(prebuilt, projects, client, frozen_clock):
    # Given
    await prebuilt(given_projects_and_issuances, projects, frozen_clock)
    cases = [
        ("projects", "committee=VN", ["VN_PIN001"]),
        ("projects", "committee=id", ["ID_PIN001"]),
        ("projects", "committee=TZ", []),
        ("projects", "status=PLANNED", ["ID_PIN001"]),
        ("projects", "status=planned,registered", ["ID_PIN001", "VN_PIN001"]),
        ("projects", "status=REGISTERED&status=OBJECTED", ["VN_PIN001"]),
        ("projects", "status=PROPOSED", []),
        ("projects", "committee=ID&status=REGISTERED", []),
        ("issuances", "status=NOTIFIED", ["VN051/1"]),
        ("issuances", "status=requested,notified", ["VN051/2", "VN051/1"]),
        ("issuances", "project=vn051", ["VN051/2", "VN051/1"]),
        ("issuances", "project=VN052", []),
        ("issuances", "committee=VN&status=REQUESTED", ["VN051/2"]),
        ("issuances", "committee=ID", []),
    ]

    for name, query, expected in cases:
        # When
        as_csv = await client.get(f"/exports/{name}.csv?{query}")
        as_list = await client.get(f"/exports/{name}.json?{query}")

        # Then
        assert as_csv.status_code == as_list.status_code == 200, (name, query, as_csv.text)
        if name == "projects":
            assert [row[0] for row in csv_rows(as_csv.text)[1:]] == expected, query
            assert [row["pin_reference"] for row in as_list.json()] == expected, query
        else:
            assert [f"{row[0]}/{row[1]}" for row in csv_rows(as_csv.text)[1:]] == expected, query
            assert [f"{r['project_reference']}/{r['number']}" for r in as_list.json()] == expected, query


async def test_bad_filters_are_400_naming_the_parameter(client):
    bad = [
        (
            "/exports/projects.csv?status=MAYBE",
            "status",
            "status must be one of PROPOSED, PLANNED, OBJECTED, REGISTRATION_REQUESTED, REGISTERED, "
            "NOT_REGISTERED, WITHDRAWN.",
        ),
        (
            "/exports/issuances.json?status=ISSUED",
            "status",
            "status must be one of REQUESTED, NOTIFIED, NOT_APPROVED, WITHDRAWN.",
        ),
        ("/exports/projects.json?committee=" + "V" * 201, "committee", "committee must be at most 200 characters."),
        ("/exports/issuances.csv?project=" + "9" * 201, "project", "project must be at most 200 characters."),
    ]
    for path, parameter, message in bad:
        # When
        response = await client.get(path)

        # Then
        assert response.status_code == 400, path
        assert response.headers["content-type"] == "application/json"
        assert response.json() == bad_request(message, parameter), path


async def test_empty_exports_are_their_header_or_an_empty_array(client):
    for name, columns in (("projects", PROJECT_COLUMNS), ("issuances", ISSUANCE_COLUMNS)):
        # When nothing has been proposed
        as_csv = await client.get(f"/exports/{name}.csv")
        as_list = await client.get(f"/exports/{name}.json")

        # Then
        assert (as_csv.status_code, as_csv.text) == (200, header_only(columns))
        assert (as_list.status_code, as_list.json()) == (200, [])


async def test_an_export_of_several_batches_lists_every_row_once_in_order(
    prebuilt, projects, client, frozen_clock, monkeypatch
):
    # Given the projects and issuances, read one row at a time
    await prebuilt(given_projects_and_issuances, projects, frozen_clock)
    monkeypatch.setattr(api.project_exports, "BATCH", 1)

    # When / Then every row comes once, in order
    assert csv_rows((await client.get("/exports/projects.csv")).text) == [PROJECT_COLUMNS, *PROJECTS]
    assert csv_rows((await client.get("/exports/issuances.csv")).text) == [ISSUANCE_COLUMNS, *ISSUANCES]


# --- the statement count ----------------------------------------------------------------------


async def test_an_export_page_of_100_costs_the_same_statements_as_a_page_of_1(
    prebuilt, projects, client, engine, frozen_clock, monkeypatch
):
    # Given 100 public projects and 100 public issuances, read 100 to a page
    await prebuilt(given_a_hundred_of_each, projects, frozen_clock)
    monkeypatch.setattr(api.project_exports, "BATCH", 100)
    # and the time of the latest change (Last-Modified) read once, as it is once per change
    await client.get("/exports/projects.json?committee=XX")

    for name, all_rows, one_row in (
        ("projects", "", "committee=VN"),
        ("issuances", "", "status=NOTIFIED"),
    ):
        # When the whole list and a list of one row are exported
        with count_statements(engine) as hundred:
            many = await client.get(f"/exports/{name}.json?{all_rows}")
        with count_statements(engine) as one:
            single = await client.get(f"/exports/{name}.json?{one_row}")

        # Then one page of 100 rows cost the same statements as one of 1 row
        assert (len(many.json()), len(single.json())) == (100, 1), name
        assert len(counted(hundred.statements)) == len(counted(one.statements)), (hundred.statements, one.statements)
        assert len(counted(hundred.statements)) <= 9, hundred.statements
