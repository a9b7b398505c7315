"""Full-text search (FTS5 on SQLite, tsvector on PostgreSQL) in the register, methodologies and TPE
names; the one-box search; the dashboard statistics; and the register's statement count."""

from datetime import UTC, datetime

from models.db import new_session
from models.enums import Position, Role
from models.principal import Principal
from resolvers.positions import give_position
from seed.data import SECTORAL_SCOPES
from tests.support.db import count_statements
from tests.support.documents import CIRCULATE, OPEN_PUBLIC_INPUT, SUBMIT
from tests.support.methodologies import CYCLE_PROPOSE, CYCLE_REVISE
from tests.support.workflow import circulated_proposals, pk

DECISIONS = """
query ($search: String, $first: Int) {
  decisions(first: $first, filter: {search: $search}) { totalCount edges { node { reference } } }
}
"""

METHODOLOGIES = """
query ($search: String) {
  methodologies(filter: {search: $search}) { totalCount edges { node { proposedReference reference } } }
}
"""

TPES = """
query ($search: String) {
  tpes(filter: {search: $search}) { totalCount edges { node { reference entity { name } } } }
}
"""

SEARCH = """
query ($text: String!, $first: Int) {
  search(text: $text, first: $first) {
    decisions { reference title }
    methodologies { proposedReference title }
    entities { name }
  }
}
"""

STATISTICS = """
{
  statistics {
    decisions { committeeCode kind outcome year count }
    methodologiesByScope { scope { number name } count }
    projectsByCountry { country { code signingOrder } count }
    projectsByRegion { region countries count }
  }
}
"""

REGISTER_PAGE = """
query ($first: Int) {
  decisions(first: $first) {
    totalCount
    edges { node { reference outcome committee { name { en } } positions { side position } proposal { title } } }
  }
}
"""


def at(day: str) -> datetime:
    return datetime.fromisoformat(f"{day}T09:00:00+00:00").astimezone(UTC)


async def references(gql, search: str | None, token: str | None = None) -> list[str]:
    data = (await gql(DECISIONS, {"search": search, "first": 100}, token=token))["decisions"]
    found = [edge["node"]["reference"] for edge in data["edges"]]
    assert data["totalCount"] == len(found)
    return found


# --- search in the lists -----------------------------------------------------------------------


async def test_decision_search_matches_word_prefixes_every_word_and_reference_parts(flow, gql):
    # Given three decisions
    await flow.decide("VN", title="Energy saving by high-efficiency chillers", summary="Replaces old chillers.")
    await flow.decide("VN", title="Solar power for schools", summary="Rooftop panels.")
    await flow.decide(
        "ID", title="Registry fee schedule", summary="Chilled water systems are excluded.", outcome="NOT_APPROVED"
    )
    everything = ["JC-ID-2026-001", "JC-VN-2026-002", "JC-VN-2026-001"]

    cases = [
        # word prefixes, in title or summary, case-insensitive
        ("chill", ["JC-ID-2026-001", "JC-VN-2026-001"]),
        ("CHILLERS", ["JC-VN-2026-001"]),
        ("Chilled", ["JC-ID-2026-001"]),
        ("rooftop", ["JC-VN-2026-002"]),
        ("sol pow sch", ["JC-VN-2026-002"]),
        ("hill", []),  # the start of a word, not any part of it
        # every word must match
        ("chillers energy", ["JC-VN-2026-001"]),
        ("chillers solar", []),
        ("Solar, power!", ["JC-VN-2026-002"]),
        # references by their parts
        ("JC-VN-2026-001", ["JC-VN-2026-001"]),
        ("jc-vn-2026-001", ["JC-VN-2026-001"]),
        ("2026-001", ["JC-ID-2026-001", "JC-VN-2026-001"]),
        ("VN 2026", ["JC-VN-2026-002", "JC-VN-2026-001"]),
        ("JC-VN-2026-003", []),
        # punctuation only matches nothing; blank does not filter
        ("%", []),
        ("-- _ *", []),
        ('"', []),
        ("", everything),
        ("   ", everything),
        (None, everything),
    ]

    for text, expected in cases:
        # When / Then
        assert await references(gql, text) == expected, text


async def test_methodology_search_finds_both_references_and_follows_visibility(flow, gql, tokens, frozen_clock):
    # Given VN_AM001 (proposed as VN_PM001), ID_PM001 in public input, and a DRAFT MN_PM001
    chillers = await flow.ok(
        CYCLE_PROPOSE,
        {
            "committeeCode": "VN",
            "title": "Energy saving by high-efficiency chillers",
            "summary": "Replaces old chillers.",
            "sectoralScopes": [3],
            "proponent": "Example Engineering Co.",
        },
        "VN",
    )
    await flow.submit(pk(chillers["proposal"]["id"]), "VN")
    await flow.open_public_input(pk(chillers["proposal"]["id"]))
    frozen_clock.set(at("2026-12-14"))
    await flow.ok(
        CIRCULATE, {"id": chillers["proposal"]["id"], "mode": "ELECTRONIC", "deadline": "2027-01-20"}, "secretariat"
    )
    await flow.position(pk(chillers["proposal"]["id"]), "japan")
    await flow.position(pk(chillers["proposal"]["id"]), "VN")
    pumps = await flow.ok(
        CYCLE_PROPOSE,
        {
            "committeeCode": "ID",
            "title": "Solar pumps for irrigation",
            "sectoralScopes": [1, 15],
            "proponent": "Tani Energi",
        },
        "secretariat",
    )
    await flow.submit(pk(pumps["proposal"]["id"]), "secretariat")
    await flow.open_public_input(pk(pumps["proposal"]["id"]))
    await flow.ok(
        CYCLE_PROPOSE,
        {
            "committeeCode": "MN",
            "title": "Chiller heat recovery in Ulaanbaatar",
            "sectoralScopes": [3],
            "proponent": "Steppe Energy LLC",
        },
        "MN",
    )
    secretariat = await tokens.secretariat()
    approved, pumps_row, draft = (
        {"proposedReference": "VN_PM001", "reference": "VN_AM001"},
        {"proposedReference": "ID_PM001", "reference": None},
        {"proposedReference": "MN_PM001", "reference": None},
    )

    cases = [
        ("vn_am001", None, [approved]),
        ("VN_AM001", None, [approved]),
        ("VN_PM001", None, [approved]),
        ("am001", None, [approved]),
        ("pm001", None, [pumps_row, approved]),
        ("chill", None, [approved]),
        ("chill", secretariat, [draft, approved]),
        ("Ulaanbaatar", None, []),
        ("ulaan", secretariat, [draft]),
        ("SOLAR irrigation", None, [pumps_row]),
        ("solar chillers", None, []),
        ("_", None, []),
        (" ", None, [pumps_row, approved]),
    ]

    for text, token, expected in cases:
        # When
        data = (await gql(METHODOLOGIES, {"search": text}, token=token))["methodologies"]

        # Then
        assert [edge["node"] for edge in data["edges"]] == expected, (text, token)
        assert data["totalCount"] == len(expected)


async def test_tpe_search_matches_the_entitys_name(tpe_flow, gql):
    # Given two designated entities in Viet Nam
    await tpe_flow.designate(await tpe_flow.entity("Example Verification Ltd.", "JP"), validation=[1])
    await tpe_flow.designate(await tpe_flow.entity("Mekong Assurance JSC", "VN"), verification=[3])
    example = {"reference": "TPE-VN-001", "entity": {"name": "Example Verification Ltd."}}
    mekong = {"reference": "TPE-VN-002", "entity": {"name": "Mekong Assurance JSC"}}

    cases = [
        ("exam ver", [example]),
        ("LTD", [example]),
        ("mekong", [mekong]),
        ("assurance example", []),
        ("ample", []),
        (".", []),
        ("", [mekong, example]),
    ]

    for text, expected in cases:
        # When
        data = (await gql(TPES, {"search": text}))["tpes"]

        # Then
        assert [edge["node"] for edge in data["edges"]] == expected, text
        assert data["totalCount"] == len(expected)


async def test_words_copied_from_a_title_find_it_on_either_database(flow, gql):
    # Given decisions whose titles hold a subscript digit and accented letters
    await flow.decide("VN", title="CO₂ recovery at the Nghệ An brewery", summary="Cuts tCO₂.")
    await flow.decide("ID", title="Société Générale de Surveillance designation", summary="SGS.")

    # When the public searches with the words exactly as they are written
    # Then they find the decision
    assert await references(gql, "CO₂ recovery") == ["JC-VN-2026-001"]
    assert await references(gql, "Nghệ") == ["JC-VN-2026-001"]
    assert await references(gql, "SOCIÉTÉ générale") == ["JC-ID-2026-001"]


async def test_words_typed_without_accents_find_accented_text_on_either_database(flow, gql):
    # Given decisions with accented words, one letter carrying two marks (Vietnamese "ệ")
    await flow.decide("ID", title="Société Générale de Surveillance designation", summary="SGS.")
    await flow.decide("VN", title="Biogas at the Nghệ An brewery", summary="Đồng Nai next.")

    # When the public types the words without accents, as most keyboards do
    # Then the decisions are found the same way on SQLite and PostgreSQL
    assert await references(gql, "societe generale") == ["JC-ID-2026-001"]
    assert await references(gql, "SOCIETE") == ["JC-ID-2026-001"]
    assert await references(gql, "nghe an") == ["JC-VN-2026-001"]
    assert await references(gql, "Nghê") == ["JC-VN-2026-001"]
    assert await references(gql, "nghi") == []


# --- one search box ----------------------------------------------------------------------------


async def given_things_about_chillers(flow, tpe_flow) -> None:
    # decided first, so that only relevance can put it first
    await flow.decide("VN", title="Chillers, chillers and more chillers", summary="About cooling.")
    await flow.decide("VN", title="Energy audits of large chillers", summary="About audits.")
    await flow.decide("ID", title="Solar power for schools", summary="About solar.")
    public = await flow.ok(
        CYCLE_PROPOSE,
        {
            "committeeCode": "VN",
            "title": "Chiller replacement with efficient chillers",
            "summary": "In hotels.",
            "sectoralScopes": [3],
            "proponent": "Example Engineering Co.",
        },
        "secretariat",
    )
    await flow.ok(SUBMIT, {"id": public["proposal"]["id"]}, "secretariat")
    await flow.ok(OPEN_PUBLIC_INPUT, {"id": public["proposal"]["id"]}, "secretariat")
    await flow.ok(
        CYCLE_PROPOSE,
        {
            "committeeCode": "ID",
            "title": "Chiller draft for hospitals",
            "summary": "In hospitals.",
            "sectoralScopes": [3],
            "proponent": "Tani Energi",
        },
        "ID",
    )
    await tpe_flow.entity("Chiller Testing Lab", "JP")
    await tpe_flow.entity("Example Verification Ltd.", "JP")


async def test_the_search_box_ranks_each_list_and_follows_visibility(flow, tpe_flow, gql, tokens):
    # Given
    await given_things_about_chillers(flow, tpe_flow)
    secretariat, indonesia = await tokens.secretariat(), await tokens.partner("ID")

    # When the public, the secretariat and Indonesia search
    public = (await gql(SEARCH, {"text": "chiller"}))["search"]
    inside = (await gql(SEARCH, {"text": "chiller"}, token=secretariat))["search"]
    partner = (await gql(SEARCH, {"text": "CHILLER"}, token=indonesia))["search"]

    # Then the decision repeating the word comes first; the DRAFT is the secretariat's and Indonesia's
    assert public == {
        "decisions": [
            {"reference": "JC-VN-2026-001", "title": "Chillers, chillers and more chillers"},
            {"reference": "JC-VN-2026-002", "title": "Energy audits of large chillers"},
        ],
        "methodologies": [{"proposedReference": "VN_PM001", "title": "Chiller replacement with efficient chillers"}],
        "entities": [{"name": "Chiller Testing Lab"}],
    }
    assert inside["decisions"] == partner["decisions"] == public["decisions"]
    assert (
        inside["methodologies"]
        == partner["methodologies"]
        == [
            {"proposedReference": "VN_PM001", "title": "Chiller replacement with efficient chillers"},
            {"proposedReference": "ID_PM001", "title": "Chiller draft for hospitals"},
        ]
    )

    # and first cuts every list
    one = (await gql(SEARCH, {"text": "chill", "first": 1}, token=secretariat))["search"]
    assert one == {
        "decisions": [{"reference": "JC-VN-2026-001", "title": "Chillers, chillers and more chillers"}],
        "methodologies": [{"proposedReference": "VN_PM001", "title": "Chiller replacement with efficient chillers"}],
        "entities": [{"name": "Chiller Testing Lab"}],
    }

    # and text without words finds nothing
    for text in ("", "  ", "%", "-_-"):
        assert (await gql(SEARCH, {"text": text}))["search"] == {"decisions": [], "methodologies": [], "entities": []}


async def test_the_search_box_refuses_first_outside_1_to_100(gql):
    for first in (0, -1, 101):
        # When
        response = await gql.raw(SEARCH, {"text": "chiller", "first": first})

        # Then
        assert response.status_code == 200
        body = response.json()
        assert body["data"] is None
        assert body["errors"] == [
            {
                "message": "first must be between 1 and 100.",
                "locations": [{"line": 3, "column": 3}],
                "path": ["search"],
                "extensions": {"code": "INVALID_INPUT", "field": ["first"]},
            }
        ], first

    # and 100 is allowed
    assert (await gql(SEARCH, {"text": "chiller", "first": 100}))["search"]["decisions"] == []


# --- statistics --------------------------------------------------------------------------------


PROJECTS_BY_COUNTRY = [
    ("MN", 11),
    ("BD", 5),
    ("ET", 0),
    ("KE", 5),
    ("MV", 4),
    ("VN", 50),
    ("LA", 6),
    ("ID", 54),
    ("CR", 2),
    ("PW", 7),
    ("KH", 7),
    ("MX", 5),
    ("SA", 3),
    ("CL", 16),
    ("MM", 8),
    ("TH", 51),
    ("PH", 21),
    ("SN", 0),
    ("TN", 2),
    ("AZ", 0),
    ("MD", 0),
    ("GE", 0),
    ("LK", 3),
    ("UZ", 0),
    ("PG", 0),
    ("AE", 0),
    ("KG", 0),
    ("KZ", 0),
    ("UA", 0),
    ("TZ", 0),
]

PROJECTS_BY_REGION = {
    "EAST_ASIA_CAUCASUS_CENTRAL_ASIA": (6, 11),
    "SOUTHEAST_SOUTH_ASIA_OCEANIA": (12, 216),
    "AFRICA": (5, 7),
    "MIDDLE_EAST": (2, 3),
    "LATIN_AMERICA": (3, 23),
    "EASTERN_EUROPE": (2, 0),
}


async def test_statistics_count_decisions_per_committee_kind_outcome_and_year(flow, tpe_flow, gql, frozen_clock):
    # Given decisions in 2026, one of them not approved, one TPE designation, and one in 2027
    await flow.decide("VN")
    await flow.decide("VN")
    await flow.decide("VN", outcome="NOT_APPROVED")
    await flow.decide("ID")
    await tpe_flow.designate(await tpe_flow.entity("Example Verification Ltd.", "JP"), validation=[1])
    frozen_clock.set(at("2027-01-10"))
    await flow.decide("VN")

    # When
    statistics = (await gql(STATISTICS))["statistics"]

    # Then
    assert statistics["decisions"] == [
        {"committeeCode": "ID", "kind": "OTHER", "outcome": "APPROVED", "year": 2026, "count": 1},
        {"committeeCode": "VN", "kind": "OTHER", "outcome": "APPROVED", "year": 2026, "count": 2},
        {"committeeCode": "VN", "kind": "OTHER", "outcome": "NOT_APPROVED", "year": 2026, "count": 1},
        {"committeeCode": "VN", "kind": "TPE_DESIGNATION", "outcome": "APPROVED", "year": 2026, "count": 1},
        {"committeeCode": "VN", "kind": "OTHER", "outcome": "APPROVED", "year": 2027, "count": 1},
    ]
    assert sum(row["count"] for row in statistics["decisions"]) == 6


async def test_statistics_count_only_valid_methodologies_per_scope(flow, gql, frozen_clock):
    # Given methodologies of every status: two VALID (one of them revised: its first version is
    # SUPERSEDED), one NOT_APPROVED, one in public input and one DRAFT

    async def proposed(committee: str, title: str, scopes: list[int], public_input: bool = True) -> str:
        payload = await flow.ok(
            CYCLE_PROPOSE,
            {
                "committeeCode": committee,
                "title": title,
                "sectoralScopes": scopes,
                "proponent": "Example Engineering Co.",
            },
            "secretariat",
        )
        if public_input:
            await flow.submit(pk(payload["proposal"]["id"]), "secretariat")
            await flow.open_public_input(pk(payload["proposal"]["id"]))
        return payload["proposal"]["id"]

    chillers = await proposed("VN", "High-efficiency chillers", [1, 3])
    boilers = await proposed("ID", "Efficient boilers", [3, 14])
    refused = await proposed("MN", "Coal drying", [5])
    frozen_clock.set(at("2026-12-14"))
    for proposal_id, committee in ((chillers, "VN"), (boilers, "ID"), (refused, "MN")):
        await flow.circulate(pk(proposal_id), "2027-01-20")
        if proposal_id == refused:
            await flow.objection(pk(proposal_id), "japan", "Not conservative.")
        else:
            await flow.position(pk(proposal_id), "japan")
            await flow.position(pk(proposal_id), committee)
    revision = await flow.ok(CYCLE_REVISE, {"reference": "VN_AM001", "summary": "Adds a default COP."}, "secretariat")
    await flow.submit(pk(revision["proposal"]["id"]), "secretariat")
    await flow.ok(
        CIRCULATE, {"id": revision["proposal"]["id"], "mode": "ELECTRONIC", "deadline": "2027-01-31"}, "secretariat"
    )
    await flow.position(pk(revision["proposal"]["id"]), "japan")
    await flow.position(pk(revision["proposal"]["id"]), "VN")
    await proposed("VN", "Landfill gas", [13])
    await proposed("KH", "Rice husk power", [1, 15], public_input=False)

    # When
    by_scope = (await gql(STATISTICS))["statistics"]["methodologiesByScope"]

    # Then all 15 scopes, counting the VALID ones only
    valid = {1: 1, 3: 2, 14: 1}
    assert by_scope == [
        {"scope": {"number": n, "name": name}, "count": valid.get(n, 0)} for n, name in enumerate(SECTORAL_SCOPES, 1)
    ]


async def test_statistics_give_published_projects_per_country_and_region(gql):
    # When
    statistics = (await gql(STATISTICS))["statistics"]

    # Then countries in signing order with the published counts, zero where none was reported
    assert [(row["country"]["code"], row["count"]) for row in statistics["projectsByCountry"]] == PROJECTS_BY_COUNTRY
    assert [row["country"]["signingOrder"] for row in statistics["projectsByCountry"]] == list(range(1, 31))

    # and the regions add up to 260 projects in 30 countries
    by_region = {row["region"]: (row["countries"], row["count"]) for row in statistics["projectsByRegion"]}
    assert by_region == PROJECTS_BY_REGION
    assert len(statistics["projectsByRegion"]) == 6
    assert sum(countries for countries, _ in by_region.values()) == 30
    assert sum(count for _, count in by_region.values()) == 260


async def test_statistics_on_an_empty_register(gql):
    # When nothing has been decided or approved
    statistics = (await gql(STATISTICS))["statistics"]

    # Then
    assert statistics["decisions"] == []
    assert [row["count"] for row in statistics["methodologiesByScope"]] == [0] * 15


# --- the register's statement count ------------------------------------------------------------


async def test_a_register_page_of_100_costs_the_same_statements_as_a_page_of_1(gql, engine):
    # Given 101 decisions of two committees, each with both positions
    japan = Principal(Role.JAPAN, name="MOEJ")
    for committee, count in (("VN", 61), ("ID", 40)):
        ids = await circulated_proposals(engine, count, committee)
        partner = Principal(Role.PARTNER, committee, name=f"Authority of {committee}")
        async with new_session(engine) as session:
            for proposal_id in ids:
                await give_position(session, japan, proposal_id=proposal_id, position=Position.CONSENT)
                await give_position(session, partner, proposal_id=proposal_id, position=Position.CONSENT)

    # When
    with count_statements(engine) as hundred:
        page = (await gql(REGISTER_PAGE, {"first": 100}))["decisions"]
    with count_statements(engine) as one:
        single = (await gql(REGISTER_PAGE, {"first": 1}))["decisions"]

    # Then the page is complete
    assert page["totalCount"] == single["totalCount"] == 101
    assert len(page["edges"]) == 100
    assert (
        page["edges"][0]
        == single["edges"][0]
        == {
            "node": {
                "reference": "JC-ID-2026-040",
                "outcome": "APPROVED",
                "committee": {"name": {"en": "Japan–Indonesia Joint Committee"}},
                "positions": [{"side": "JAPAN", "position": "CONSENT"}, {"side": "PARTNER", "position": "CONSENT"}],
                "proposal": {"title": "Item 40"},
            }
        }
    )
    assert page["edges"][-1]["node"]["reference"] == "JC-VN-2026-002"
    assert {edge["node"]["committee"]["name"]["en"] for edge in page["edges"]} == {
        "Japan–Indonesia Joint Committee",
        "Japan–Viet Nam Joint Committee",
    }

    # and it cost the same statements as one row, at most 4 besides BEGIN
    def counted(statements: list[str]) -> list[str]:
        return [s for s in statements if s.strip().upper() != "BEGIN"]

    assert len(counted(hundred.statements)) == len(counted(one.statements)), (hundred.statements, one.statements)
    assert len(counted(hundred.statements)) <= 4, hundred.statements
