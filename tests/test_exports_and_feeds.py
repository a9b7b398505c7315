"""CSV and JSON exports of the decision register, methodologies and TPE designations, and the Atom
feed of decisions."""

import re
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qs, urlsplit
from xml.etree import ElementTree as ET

import api.exports
from api.registry_exports import TRANSFER_COLUMNS
from models.db import new_session
from models.enums import Position, Role
from models.principal import Principal
from resolvers.positions import give_position
from tests.support.documents import CIRCULATE, CONSENT, OPEN_PUBLIC_INPUT, SUBMIT
from tests.support.export_files import BOM, bad_request, csv_rows, header_only
from tests.support.methodologies import CYCLE_PROPOSE
from tests.support.project_exports import ISSUANCE_COLUMNS, PROJECT_COLUMNS
from tests.support.tpes import SUSPEND
from tests.support.workflow import circulated_proposals

ATOM = "{http://www.w3.org/2005/Atom}"

DECISION_COLUMNS = [
    "reference",
    "committee",
    "kind",
    "outcome",
    "title",
    "decided_on",
    "mode",
    "meeting_number",
    "japan_position",
    "partner_position",
    "objection_statement",
]
METHODOLOGY_COLUMNS = [
    "proposed_reference",
    "reference",
    "version",
    "status",
    "committee",
    "title",
    "sectoral_scopes",
    "proponent",
    "public_input_opens_on",
    "public_input_closes_on",
    "approved_on",
    "decision_reference",
]
TPE_COLUMNS = [
    "reference",
    "committee",
    "entity",
    "entity_country",
    "accreditation",
    "status",
    "designated_on",
    "validation_scopes",
    "verification_scopes",
    "suspended_scopes",
]

TPE_DESIGNATION_TITLE = (
    "Designation of Example Verification Ltd. as a third-party entity: validation 1, 3; verification 3"
)

# The register built by `given_the_register`, newest first, as the CSV shows it.
REGISTER = [
    [
        "JC-MN-2027-001",
        "MN",
        "OTHER",
        "APPROVED",
        "Monitoring guidance",
        "2027-01-10",
        "ELECTRONIC",
        "",
        "CONSENT",
        "CONSENT",
        "",
    ],
    [
        "JC-VN-2026-003",
        "VN",
        "OTHER",
        "APPROVED",
        "Chiller efficiency benchmarks",
        "2026-12-15",
        "MEETING",
        "1",
        "CONSENT",
        "CONSENT",
        "",
    ],
    [
        "JC-VN-2026-002",
        "VN",
        "TPE_DESIGNATION",
        "APPROVED",
        TPE_DESIGNATION_TITLE,
        "2026-11-28",
        "ELECTRONIC",
        "",
        "CONSENT",
        "CONSENT",
        "",
    ],
    [
        "JC-ID-2026-001",
        "ID",
        "OTHER",
        "NOT_APPROVED",
        "Registry fee schedule",
        "2026-11-28",
        "ELECTRONIC",
        "",
        "OBJECTION",
        "",
        "Not additional.",
    ],
    [
        "JC-VN-2026-001",
        "VN",
        "OTHER",
        "APPROVED",
        "Interim rules for chillers",
        "2026-11-28",
        "ELECTRONIC",
        "",
        "CONSENT",
        "CONSENT",
        "",
    ],
]


def at(day: str) -> datetime:
    return datetime.fromisoformat(f"{day}T09:00:00+00:00").astimezone(UTC)


async def given_the_register(flow, tpe_flow, frozen_clock) -> None:
    """Five decisions of three committees, two kinds, both outcomes, one at a meeting, one in 2027."""
    tpes = tpe_flow
    await flow.decide("VN", title="Interim rules for chillers", summary="Chillers first.")
    await flow.decide("ID", title="Registry fee schedule", summary="Fees.", outcome="NOT_APPROVED")
    entity = await tpes.entity("Example Verification Ltd.", "JP")
    await tpes.designate(entity, validation=[1, 3], verification=[3])
    meeting = await flow.meeting("VN", "2026-12-15")
    proposal = await flow.create("VN", title="Chiller efficiency benchmarks", summary="Benchmarks.")
    await flow.ok(SUBMIT, {"id": proposal["id"]}, "secretariat")
    await flow.ok(CIRCULATE, {"id": proposal["id"], "mode": "MEETING", "meetingId": meeting["id"]}, "secretariat")
    frozen_clock.set(at("2026-12-15"))
    await flow.ok(CONSENT, {"id": proposal["id"]}, "japan")
    await flow.ok(CONSENT, {"id": proposal["id"]}, "VN")
    frozen_clock.set(at("2027-01-10"))
    await flow.decide("MN", title="Monitoring guidance", summary="How to monitor.")


def as_dicts(rows: list[list[str]], columns: list[str]) -> list[dict]:
    """The CSV rows as the JSON export shows them: empty cells are null, meeting numbers numbers."""
    return [
        {c: (None if v == "" else int(v) if c == "meeting_number" else v) for c, v in zip(columns, row, strict=True)}
        for row in rows
    ]


def test_the_documented_columns_are_the_exported_ones():
    # Given the README's table of export columns
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    table = readme.split("| export | columns |", 1)[1].split("\n\n", 1)[0]
    documented = {
        name: [column.strip() for column in re.sub(r"\s*\(.*?\)", "", columns).split(",")]
        for name, columns in re.findall(r"^\| (\w+) \| (.+) \|$", table, re.MULTILINE)
    }

    # Then the exports have exactly those columns, in that order
    assert documented == {
        "decisions": DECISION_COLUMNS,
        "methodologies": METHODOLOGY_COLUMNS,
        "tpes": TPE_COLUMNS,
        "projects": PROJECT_COLUMNS,
        "issuances": ISSUANCE_COLUMNS,
        "transfers": TRANSFER_COLUMNS,
    }
    assert {name: export.columns for name, export in api.exports.EXPORTS.items()} == documented


# --- the decision register ---------------------------------------------------------------------


async def test_the_decision_export_lists_every_decision_newest_first_with_exact_values(
    prebuilt, flow, tpe_flow, client, frozen_clock
):
    # Given
    await prebuilt(given_the_register, flow, tpe_flow, frozen_clock)

    # When
    response = await client.get("/exports/decisions.csv")

    # Then
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"] == 'attachment; filename="jcm-decisions.csv"'
    assert csv_rows(response.text) == [DECISION_COLUMNS, *REGISTER]
    assert response.text.startswith(BOM + ",".join(DECISION_COLUMNS) + "\r\n")


async def test_the_json_export_has_the_same_rows(prebuilt, flow, tpe_flow, client, frozen_clock):
    # Given
    await prebuilt(given_the_register, flow, tpe_flow, frozen_clock)

    # When
    response = await client.get("/exports/decisions.json")

    # Then
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.headers["content-disposition"] == 'attachment; filename="jcm-decisions.json"'
    rows = response.json()
    assert [list(row) for row in rows] == [DECISION_COLUMNS] * len(REGISTER)
    assert rows == as_dicts(REGISTER, DECISION_COLUMNS)
    assert rows[1]["meeting_number"] == 1 and rows[3]["partner_position"] is None


async def test_the_filters_of_the_register_select_exactly_the_right_decisions(
    prebuilt, flow, tpe_flow, client, frozen_clock
):
    # Given
    await prebuilt(given_the_register, flow, tpe_flow, frozen_clock)
    everything = [row[0] for row in REGISTER]
    cases = [
        ("committee=VN", ["JC-VN-2026-003", "JC-VN-2026-002", "JC-VN-2026-001"]),
        ("committee=id", ["JC-ID-2026-001"]),
        ("committee=TZ", []),
        ("kind=TPE_DESIGNATION", ["JC-VN-2026-002"]),
        ("kind=OTHER", ["JC-MN-2027-001", "JC-VN-2026-003", "JC-ID-2026-001", "JC-VN-2026-001"]),
        ("kind=OTHER&kind=TPE_DESIGNATION", everything),
        ("kind=other,tpe_designation", everything),
        ("outcome=NOT_APPROVED", ["JC-ID-2026-001"]),
        ("outcome=approved", ["JC-MN-2027-001", "JC-VN-2026-003", "JC-VN-2026-002", "JC-VN-2026-001"]),
        ("from=2026-12-15", ["JC-MN-2027-001", "JC-VN-2026-003"]),
        ("to=2026-12-14", ["JC-VN-2026-002", "JC-ID-2026-001", "JC-VN-2026-001"]),
        ("from=2026-12-15&to=2026-12-15", ["JC-VN-2026-003"]),
        ("from=2027-01-01&to=2026-12-31", []),
        ("search=chill", ["JC-VN-2026-003", "JC-VN-2026-001"]),
        ("search=JC-VN-2026-001", ["JC-VN-2026-001"]),
        ("search=chillers interim", ["JC-VN-2026-001"]),
        ("search=%25%25", []),
        ("search=", everything),
        (
            "committee=VN&kind=OTHER&outcome=APPROVED&from=2026-11-28&to=2026-12-31&search=chiller",
            ["JC-VN-2026-003", "JC-VN-2026-001"],
        ),
    ]

    for query, expected in cases:
        # When
        response = await client.get(f"/exports/decisions.csv?{query}")
        as_json = await client.get(f"/exports/decisions.json?{query}")

        # Then
        assert response.status_code == 200, (query, response.text)
        rows = csv_rows(response.text)
        assert rows[0] == DECISION_COLUMNS
        assert [row[0] for row in rows[1:]] == expected, query
        assert [row["reference"] for row in as_json.json()] == expected, query


async def test_unknown_exports_are_404_and_bad_filters_400_naming_the_parameter(client):
    # When / Then
    for path in ("/exports/meetings.csv", "/exports/decisions.xml", "/exports/decisions.CSV"):
        response = await client.get(path)
        assert response.status_code == 404, path
        assert response.json() == {
            "errors": [
                {"message": "No such export. Try /exports/decisions.csv or .json.", "extensions": {"code": "NOT_FOUND"}}
            ]
        }

    bad = [
        ("/exports/decisions.csv?outcome=MAYBE", "outcome", "outcome must be one of APPROVED, NOT_APPROVED."),
        ("/exports/decisions.json?from=yesterday", "from", "from must be a date like 2026-11-28."),
        ("/exports/decisions.csv?to=2026-13-01", "to", "to must be a date like 2026-11-28."),
        (
            "/exports/decisions.csv?kind=OTHER&kind=NOPE",
            "kind",
            "kind must be one of RULE_VERSION, METHODOLOGY_APPROVAL, METHODOLOGY_REVISION, TPE_DESIGNATION, "
            "TPE_SUSPENSION, TPE_WITHDRAWAL, PLANNED_PROJECT, PROJECT_REGISTRATION, CREDIT_ISSUANCE, PROJECT_WITHDRAWAL, OTHER.",
        ),
        ("/exports/methodologies.csv?scope=x", "scope", "scope must be a whole number."),
        (
            "/exports/methodologies.json?status=DRAFTY",
            "status",
            "status must be one of PROPOSED, VALID, SUPERSEDED, NOT_APPROVED, WITHDRAWN.",
        ),
        ("/exports/tpes.csv?scope=-3", "scope", "scope must be a whole number."),
        ("/exports/tpes.csv?function=AUDIT", "function", "function must be one of VALIDATION, VERIFICATION."),
        (
            "/exports/decisions.csv?comittee=VN",
            "comittee",
            "comittee is not a parameter here; this export takes committee, from, kind, outcome, search, to.",
        ),
        (
            "/exports/transfers.json?account=JP-100&first=5",
            "first",
            "first is not a parameter here; this export takes account.",
        ),
        (
            "/feeds/decisions.atom?comittee=VN",
            "comittee",
            "comittee is not a parameter here; this feed takes committee.",
        ),
    ]
    for path, parameter, message in bad:
        response = await client.get(path)
        assert response.status_code == 400, path
        assert response.headers["content-type"] == "application/json"
        assert response.json() == bad_request(message, parameter), path


async def test_an_export_of_several_batches_lists_every_row_once_in_order(
    prebuilt, flow, tpe_flow, client, frozen_clock, monkeypatch
):
    # Given the register, read two rows at a time
    await prebuilt(given_the_register, flow, tpe_flow, frozen_clock)
    monkeypatch.setattr(api.exports, "BATCH", 2)

    # When
    as_csv = await client.get("/exports/decisions.csv")
    as_json = await client.get("/exports/decisions.json")
    filtered = await client.get("/exports/decisions.csv?committee=VN")

    # Then every row comes once, newest first, as in one batch
    assert csv_rows(as_csv.text) == [DECISION_COLUMNS, *REGISTER]
    assert as_json.json() == as_dicts(REGISTER, DECISION_COLUMNS)
    assert [row[0] for row in csv_rows(filtered.text)[1:]] == ["JC-VN-2026-003", "JC-VN-2026-002", "JC-VN-2026-001"]


async def test_an_empty_export_is_its_header_or_an_empty_array(client):
    # When nothing has been decided
    as_csv = await client.get("/exports/decisions.csv")
    as_json = await client.get("/exports/decisions.json")

    # Then
    assert (as_csv.status_code, as_csv.text) == (200, header_only(DECISION_COLUMNS))
    assert (as_json.status_code, as_json.json()) == (200, [])


# --- methodologies and TPE designations --------------------------------------------------------


async def given_methodologies(flow, frozen_clock) -> None:
    """VN_AM001 approved on 2026-12-14; MN_PM001 in public input; ID_PM001 still a DRAFT."""
    chillers = await flow.ok(
        CYCLE_PROPOSE,
        {
            "committeeCode": "VN",
            "title": "Energy saving by high-efficiency chillers",
            "summary": "Replaces old chillers.",
            "sectoralScopes": [3, 1, 3],
            "proponent": "Example Engineering Co.",
        },
        "VN",
    )
    await flow.ok(SUBMIT, {"id": chillers["proposal"]["id"]}, "VN")
    await flow.ok(OPEN_PUBLIC_INPUT, {"id": chillers["proposal"]["id"]}, "secretariat")
    await flow.ok(
        CYCLE_PROPOSE,
        {"committeeCode": "ID", "title": "Draft idea on solar pumps", "sectoralScopes": [1], "proponent": "Someone"},
        "ID",
    )
    frozen_clock.set(at("2026-12-14"))
    await flow.ok(
        CIRCULATE, {"id": chillers["proposal"]["id"], "mode": "ELECTRONIC", "deadline": "2027-01-20"}, "secretariat"
    )
    await flow.ok(CONSENT, {"id": chillers["proposal"]["id"]}, "japan")
    await flow.ok(CONSENT, {"id": chillers["proposal"]["id"]}, "VN")
    schools = await flow.ok(
        CYCLE_PROPOSE,
        {
            "committeeCode": "MN",
            "title": "Solar power for schools",
            "sectoralScopes": [1],
            "proponent": "Steppe Energy LLC",
        },
        "secretariat",
    )
    await flow.ok(SUBMIT, {"id": schools["proposal"]["id"]}, "secretariat")
    await flow.ok(OPEN_PUBLIC_INPUT, {"id": schools["proposal"]["id"]}, "secretariat")


METHODOLOGY_ROWS = [
    [
        "MN_PM001",
        "",
        "",
        "PROPOSED",
        "MN",
        "Solar power for schools",
        "1",
        "Steppe Energy LLC",
        "2026-12-14",
        "2026-12-28",
        "",
        "",
    ],
    [
        "VN_PM001",
        "VN_AM001",
        "ver01.0",
        "VALID",
        "VN",
        "Energy saving by high-efficiency chillers",
        "1;3",
        "Example Engineering Co.",
        "2026-11-28",
        "2026-12-12",
        "2026-12-14",
        "JC-VN-2026-001",
    ],
]


async def test_the_methodology_export_shows_the_public_view_whoever_asks(flow, client, tokens, frozen_clock):
    # Given two public methodologies and a DRAFT one
    await given_methodologies(flow, frozen_clock)
    secret = await tokens.secretariat()

    # When anyone exports them, even the secretariat
    anonymous = await client.get("/exports/methodologies.csv")
    secretariat = await client.get("/exports/methodologies.csv", headers={"Authorization": f"Bearer {secret}"})
    as_json = await client.get("/exports/methodologies.json", headers={"Authorization": f"Bearer {secret}"})

    # Then the DRAFT is not among them
    assert anonymous.status_code == 200
    assert anonymous.headers["content-disposition"] == 'attachment; filename="jcm-methodologies.csv"'
    assert csv_rows(anonymous.text) == [METHODOLOGY_COLUMNS, *METHODOLOGY_ROWS]
    assert secretariat.text == anonymous.text
    assert as_json.json() == [
        {c: (v or None) for c, v in zip(METHODOLOGY_COLUMNS, row, strict=True)} for row in METHODOLOGY_ROWS
    ]

    # and its filters apply
    valid = await client.get("/exports/methodologies.csv?status=VALID&scope=3&committee=VN")
    assert csv_rows(valid.text) == [METHODOLOGY_COLUMNS, METHODOLOGY_ROWS[1]]
    assert [r[0] for r in csv_rows((await client.get("/exports/methodologies.csv?search=solar")).text)[1:]] == [
        "MN_PM001"
    ]
    assert csv_rows((await client.get("/exports/methodologies.csv?committee=ID")).text) == [METHODOLOGY_COLUMNS]


TPE_ROWS = [  # newest designation first
    ["TPE-ID-001", "ID", "Example Verification Ltd.", "JP", "ISO_14065", "DESIGNATED", "2026-11-28", "1", "", ""],
    ["TPE-VN-002", "VN", "Mekong Assurance JSC", "VN", "CDM_DOE", "DESIGNATED", "2026-11-28", "", "7", ""],
    [
        "TPE-VN-001",
        "VN",
        "Example Verification Ltd.",
        "JP",
        "ISO_14065",
        "DESIGNATED",
        "2026-11-28",
        "1;3",
        "",
        "verification 3",
    ],
]


async def test_the_tpe_export_lists_public_designations_with_their_scopes(tpe_flow, client, tokens):
    # Given three designations, one with its verification suspended, and one proposal still in DRAFT
    example = await tpe_flow.entity("Example Verification Ltd.", "JP")
    mekong = await tpe_flow.entity("Mekong Assurance JSC", "VN", accreditation="CDM_DOE")
    hidden = await tpe_flow.entity("Not Yet Proposed Ltd.", "JP")
    await tpe_flow.designate(example, validation=[1, 3], verification=[3])
    await tpe_flow.designate(mekong, verification=[7])
    await tpe_flow.designate(example, validation=[1], committee="ID")
    suspension = await tpe_flow.ok(
        SUSPEND, {"reference": "TPE-VN-001", "reason": "Under review.", "function": "VERIFICATION"}, "japan"
    )
    await tpe_flow.approve(suspension["proposal"]["id"])
    await tpe_flow.propose(hidden, validation=[2])
    secret = await tokens.secretariat()

    # When
    as_csv = await client.get("/exports/tpes.csv", headers={"Authorization": f"Bearer {secret}"})
    as_json = await client.get("/exports/tpes.json")

    # Then
    assert as_csv.status_code == 200
    assert as_csv.headers["content-disposition"] == 'attachment; filename="jcm-tpes.csv"'
    assert csv_rows(as_csv.text) == [TPE_COLUMNS, *TPE_ROWS]
    assert as_json.json() == [{c: v for c, v in zip(TPE_COLUMNS, row, strict=True)} for row in TPE_ROWS]

    # and its filters apply
    verifiers = await client.get("/exports/tpes.csv?committee=VN&function=VERIFICATION&scope=7&status=DESIGNATED")
    assert [r[0] for r in csv_rows(verifiers.text)[1:]] == ["TPE-VN-002"]
    example_only = await client.get("/exports/tpes.csv?search=example")
    assert [r[0] for r in csv_rows(example_only.text)[1:]] == ["TPE-ID-001", "TPE-VN-001"]


# --- the Atom feed -----------------------------------------------------------------------------


def parse_feed(body: bytes) -> ET.Element:
    root = ET.fromstring(body)
    assert root.tag == f"{ATOM}feed"
    return root


def entries(feed: ET.Element) -> list[ET.Element]:
    return feed.findall(f"{ATOM}entry")


async def test_the_feed_is_atom_with_one_entry_per_decision_newest_first(
    prebuilt, flow, tpe_flow, client, frozen_clock
):
    # Given
    await prebuilt(given_the_register, flow, tpe_flow, frozen_clock)

    # When
    response = await client.get("/feeds/decisions.atom")

    # Then it is Atom
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/atom+xml; charset=utf-8"
    assert response.content.startswith(b"<?xml version='1.0' encoding='utf-8'?>")
    feed = parse_feed(response.content)
    assert feed.findtext(f"{ATOM}id") == "urn:jcm:decisions:all"
    assert feed.findtext(f"{ATOM}title") == "JCM decisions: all Joint Committees"
    assert feed.findtext(f"{ATOM}updated") == "2027-01-10T09:00:00+00:00"
    assert feed.findtext(f"{ATOM}author/{ATOM}name") == "JCM Joint Committee secretariat"
    links = {link.get("rel"): link.get("href") for link in feed.findall(f"{ATOM}link")}
    assert links == {"self": "http://127.0.0.1:8000/feeds/decisions.atom", "alternate": "http://127.0.0.1:8000/graphql"}

    # with an entry per decision, newest first
    found = entries(feed)
    assert [e.findtext(f"{ATOM}id") for e in found] == [f"urn:jcm:decision:{row[0]}" for row in REGISTER]
    assert [e.findtext(f"{ATOM}title") for e in found] == [f"{row[0]}: {row[4]}" for row in REGISTER]
    assert [e.findtext(f"{ATOM}updated") for e in found] == [
        "2027-01-10T09:00:00+00:00",
        "2026-12-15T09:00:00+00:00",
        "2026-11-28T09:00:00+00:00",
        "2026-11-28T09:00:00+00:00",
        "2026-11-28T09:00:00+00:00",
    ]
    assert [e.findtext(f"{ATOM}summary") for e in found] == [
        "Approved on 2027-01-10 (electronic). How to monitor.",
        "Approved on 2026-12-15 (meeting). Benchmarks.",
        "Approved on 2026-11-28 (electronic).",
        "Not approved on 2026-11-28 (electronic). Fees.",
        "Approved on 2026-11-28 (electronic). Chillers first.",
    ]
    assert [[(c.get("term"), c.get("label")) for c in e.findall(f"{ATOM}category")] for e in found][3] == [
        ("OTHER", None),
        ("ID", "committee"),
    ]
    # each linking first to its page for people, then to its data
    for entry, row in zip(found, REGISTER, strict=True):
        page, data = entry.findall(f"{ATOM}link")
        assert (page.get("rel"), page.get("type")) == ("alternate", "text/html")
        assert page.get("href") == f"http://127.0.0.1:8000/decisions/{row[0]}"
        assert (data.get("rel"), data.get("type")) == ("alternate", "application/json")
        assert data.get("href").startswith("http://127.0.0.1:8000/graphql?query=")


async def test_an_entrys_link_answers_with_its_decision_by_get(prebuilt, flow, tpe_flow, client, frozen_clock):
    # Given
    await prebuilt(given_the_register, flow, tpe_flow, frozen_clock)
    feed = parse_feed((await client.get("/feeds/decisions.atom")).content)
    objection = entries(feed)[3]
    href = objection.findall(f"{ATOM}link")[1].get("href")
    assert urlsplit(href).path == "/graphql"
    assert "JC-ID-2026-001" in parse_qs(urlsplit(href).query)["query"][0]

    # When the link is followed
    response = await client.get(href)

    # Then it is that decision, as a cacheable public GET
    assert response.status_code == 200
    assert "etag" in response.headers
    assert response.json() == {
        "data": {
            "decision": {
                "reference": "JC-ID-2026-001",
                "title": "Registry fee schedule",
                "kind": "OTHER",
                "outcome": "NOT_APPROVED",
                "decidedOn": "2026-11-28",
                "mode": "ELECTRONIC",
                "committee": {"code": "ID", "name": {"en": "Japan–Indonesia Joint Committee"}},
                "positions": [{"side": "JAPAN", "position": "OBJECTION", "statement": "Not additional."}],
            }
        }
    }


async def test_a_committees_feed_lists_only_its_decisions(prebuilt, flow, tpe_flow, client, frozen_clock):
    # Given
    await prebuilt(given_the_register, flow, tpe_flow, frozen_clock)

    # When
    response = await client.get("/feeds/decisions.atom?committee=vn")
    unknown = await client.get("/feeds/decisions.atom?committee=XX")
    quiet = await client.get("/feeds/decisions.atom?committee=TZ")

    # Then
    feed = parse_feed(response.content)
    assert feed.findtext(f"{ATOM}id") == "urn:jcm:decisions:VN"
    assert feed.findtext(f"{ATOM}title") == "JCM decisions: Japan–Viet Nam Joint Committee"
    assert feed.findtext(f"{ATOM}updated") == "2026-12-15T09:00:00+00:00"
    assert [e.findtext(f"{ATOM}id") for e in entries(feed)] == [
        "urn:jcm:decision:JC-VN-2026-003",
        "urn:jcm:decision:JC-VN-2026-002",
        "urn:jcm:decision:JC-VN-2026-001",
    ]
    assert unknown.status_code == 404
    assert unknown.json() == {
        "errors": [
            {
                "message": "No joint committee has the code 'XX'.",
                "extensions": {"code": "NOT_FOUND", "field": "committee"},
            }
        ]
    }
    quiet_feed = parse_feed(quiet.content)
    assert entries(quiet_feed) == []
    assert quiet_feed.findtext(f"{ATOM}title") == "JCM decisions: Japan–Tanzania Joint Committee"
    assert quiet_feed.findtext(f"{ATOM}updated") == "2027-01-10T09:00:00+00:00"  # now, when nothing was decided


async def test_the_feed_holds_the_newest_fifty_decisions(client, engine):
    # Given 53 decisions in Viet Nam
    ids = await circulated_proposals(engine, 53)
    async with new_session(engine) as session:
        for proposal_id in ids:
            for who in (Principal(Role.JAPAN, name="MOEJ"), Principal(Role.PARTNER, "VN", name="MONRE")):
                await give_position(session, who, proposal_id=proposal_id, position=Position.CONSENT)

    # When
    feed = parse_feed((await client.get("/feeds/decisions.atom")).content)

    # Then
    assert [e.findtext(f"{ATOM}id") for e in entries(feed)] == [
        f"urn:jcm:decision:JC-VN-2026-{n:03d}" for n in range(53, 3, -1)
    ]
    assert len(entries(feed)) == 50
    assert entries(feed)[0].findtext(f"{ATOM}title") == "JC-VN-2026-053: Item 53"


async def test_the_feed_stays_well_formed_whatever_text_a_decision_holds(flow, client):
    # Given a decision whose summary was pasted from a PDF (a form feed between its pages) and
    # whose title holds markup and an ampersand
    await flow.decide("VN", title="<b>Fees</b> & charges", summary="Page one.\x0cPage two.\x0bEnd.\x1b")

    # When
    response = await client.get("/feeds/decisions.atom")

    # Then the feed is still XML: its text is escaped, and characters XML cannot carry are left out
    assert response.status_code == 200
    feed = parse_feed(response.content)
    (entry,) = entries(feed)
    assert entry.findtext(f"{ATOM}title") == "JC-VN-2026-001: <b>Fees</b> & charges"
    assert entry.findtext(f"{ATOM}summary") == "Approved on 2026-11-28 (electronic). Page one.Page two.End."
    # while the exports keep the text as it was recorded
    assert (await client.get("/exports/decisions.json")).json()[0]["title"] == "<b>Fees</b> & charges"
