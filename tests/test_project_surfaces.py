"""Projects and credit issuances where frontends already look: the search box, the dashboard
statistics (next to the published counts, which stay), the Atom feed and the `decisionMade`
subscription; and the search's statement count. The exports are in tests/test_project_exports.py."""

from datetime import UTC, datetime
from xml.etree import ElementTree as ET

import httpx

from api.ids import to_global_id
from resolvers.projects import propose_planned_project, propose_registration
from tests.support.db import count_statements
from tests.support.project_exports import counted, given_a_hundred_of_each
from tests.support.websocket import init, receive, socket, subscribe

ATOM = "{http://www.w3.org/2005/Atom}"

SEARCH = """query ($text: String!, $first: Int) {
  search(text: $text, first: $first) {
    projects { pinReference reference title participants status committee { code } }
  }
}"""
STATISTICS = """{
  statistics {
    projectsByCountry { country { code } count }
    projectsByRegion { region countries count }
    registeredProjectsByCommittee { committeeCode count }
    registeredProjectsByYear { year count }
    registeredProjectsByScope { scope { number } count }
    notifiedCreditsByCommittee { committeeCode credits }
    notifiedCreditsByYear { year credits }
    notifiedCreditsByScope { scope { number } credits }
    registeredProjects { committeeCode year scope { number } count }
    notifiedCredits { committeeCode year scope { number } credits }
  }
}"""
SUBJECTS = """{
  decisions(first: 20) {
    edges { node {
      reference kind
      subject {
        __typename
        ... on Project { pinReference reference projectStatus: status }
        ... on CreditIssuance { number issuanceStatus: status notifiedAmount project { reference } }
      }
    } }
  }
}"""
CONSENT = "mutation ($id: ID!) { giveConsent(input: {id: $id}) { decision { reference } userErrors { code } } }"
DECISION_MADE = """subscription {
  decisionMade(committeeCode: "VN") {
    reference kind
    subject {
      __typename
      ... on Project { pinReference projectStatus: status }
      ... on CreditIssuance { number issuanceStatus: status notifiedAmount }
    }
  }
}"""


def at(day: str) -> datetime:
    return datetime.fromisoformat(day).replace(hour=9, tzinfo=UTC)


async def pin_about(projects, committee: str, title: str, participants: list[str], decided: bool = True):
    """A PIN with its own title and participants; decided without objection unless `decided` is False."""
    proposed = await projects.run(
        "secretariat",
        propose_planned_project,
        committee_code=committee,
        title=title,
        participants=participants,
        sectoral_scopes=[3],
    )
    if decided:
        await projects.decide(proposed.proposal.id, committee)
    return proposed.project


async def registered_in(projects, frozen_clock, committee: str, scopes: tuple[int, ...]) -> dict:
    """Like `projects.registered`, for a project of several sectoral scopes."""
    methodology = await projects.valid_methodology(frozen_clock, committee, scopes)
    tpe = await projects.designated_entity(
        f"{committee} Verification Ltd.", committee=committee, validation=scopes, verification=scopes
    )
    project = await projects.with_closed_pdd(frozen_clock, committee, scopes)
    proposed = await projects.run(
        "secretariat",
        propose_registration,
        project_id=project.id,
        methodology_reference=methodology,
        validator_reference=tpe,
    )
    await projects.decide(proposed.proposal.id, committee)
    reference = (await projects.project(project.pin_reference))["reference"]
    return {"reference": reference, "tpe": tpe}


# --- search -------------------------------------------------------------------------------------


async def test_search_finds_projects_by_reference_title_and_any_participant(projects, gql, frozen_clock):
    # Given a registered project (VN051, VN_PIN001), a Mongolian PIN decided, and a Mongolian draft PIN
    await projects.registered(frozen_clock, "VN")
    await pin_about(projects, "MN", "Solar power for a dairy farm", ["Ulaanbaatar Dairy LLC", "Sun Power Ltd."])
    await pin_about(projects, "MN", "Solar heating of ger districts", ["Steppe Heat LLC"], decided=False)

    async def found(text: str, who: str | None = None, first: int | None = None) -> list[str]:
        token = await projects.token(who) if who else None
        variables = {"text": text} | ({"first": first} if first else {})
        hits = (await gql(SEARCH, variables, token=token))["search"]["projects"]
        return [hit["pinReference"] for hit in hits]

    # When / Then by either reference, whole or in parts
    assert await found("VN051") == ["VN_PIN001"]
    assert await found("vn_pin001") == ["VN_PIN001"]
    assert await found("MN_PIN") == ["MN_PIN001"]
    # by title words, as prefixes, every word
    assert await found("dairy farm") == ["MN_PIN001"]
    assert await found("chill textile") == ["VN_PIN001"]
    assert await found("dairy textile") == []
    # by the first or a later participant (participants are one text, a line each)
    assert await found("Example Engineering") == ["VN_PIN001"]
    assert await found("Viet Textile JSC") == ["VN_PIN001"]
    assert await found("Sun Power") == ["MN_PIN001"]
    assert await found("Ulaanbaatar") == ["MN_PIN001"]

    # and a draft only for those who may see it: the secretariat, Japan and Mongolia, not Viet Nam
    assert await found("steppe") == []
    assert await found("steppe", "VN") == []
    for who in ("secretariat", "japan", "MN"):
        assert await found("steppe", who) == ["MN_PIN002"], who
    assert sorted(await found("solar", "MN")) == ["MN_PIN001", "MN_PIN002"]
    assert await found("solar") == ["MN_PIN001"]
    assert len(await found("solar", "MN", first=1)) == 1

    # and a hit is a whole Project
    hit = (await gql(SEARCH, {"text": "VN051"}))["search"]["projects"]
    assert hit == [
        {
            "pinReference": "VN_PIN001",
            "reference": "VN051",
            "title": "Energy saving by high-efficiency chillers in a textile factory",
            "participants": ["Example Engineering Co.", "Viet Textile JSC"],
            "status": "REGISTERED",
            "committee": {"code": "VN"},
        }
    ]


async def test_a_search_of_100_projects_costs_the_same_statements_as_a_search_of_1(
    prebuilt, projects, gql, engine, frozen_clock
):
    # Given 100 public projects about chillers
    await prebuilt(given_a_hundred_of_each, projects, frozen_clock)

    # When the search box asks for 100 hits of each kind, then for 1
    with count_statements(engine) as hundred:
        many = (await gql(SEARCH, {"text": "chillers", "first": 100}))["search"]["projects"]
    with count_statements(engine) as one:
        single = (await gql(SEARCH, {"text": "chillers", "first": 1}))["search"]["projects"]

    # Then 100 projects cost the same statements as one
    assert (len(many), len(single)) == (100, 1)
    assert len(counted(hundred.statements)) == len(counted(one.statements)), (hundred.statements, one.statements)


# --- statistics ---------------------------------------------------------------------------------


async def test_statistics_count_projects_registered_and_credits_notified_next_to_the_published_counts(
    projects, gql, frozen_clock
):
    # Given VN051 (scope 3) registered in 2026 with 1,000 t notified in 2026 and 500 t requested
    # but not decided; an Indonesian project of scopes 1 and 3 registered in 2027 with 300 t
    # notified in 2027; and a planned Mongolian project
    vn = await projects.notified(frozen_clock, "VN")
    pending = await projects.requested(vn["reference"], vn["tpe"], ("2026-01-01", "2026-06-30"), 500)
    await projects.submit(pending.proposal.id)
    await projects.circulate(pending.proposal.id)
    frozen_clock.set(at("2027-01-10"))
    indonesia = await registered_in(projects, frozen_clock, "ID", (1, 3))
    notified = await projects.requested(indonesia["reference"], indonesia["tpe"], amount=300)
    await projects.decide(notified.proposal.id, "ID")
    await projects.planned("MN")

    # When anyone asks
    statistics = (await gql(STATISTICS))["statistics"]

    # Then this system's figures
    assert statistics["registeredProjectsByCommittee"] == [
        {"committeeCode": "ID", "count": 1},
        {"committeeCode": "VN", "count": 1},
    ]
    assert statistics["registeredProjectsByYear"] == [{"year": 2026, "count": 1}, {"year": 2027, "count": 1}]
    registered = {1: 1, 3: 2}
    assert statistics["registeredProjectsByScope"] == [
        {"scope": {"number": n}, "count": registered.get(n, 0)} for n in range(1, 16)
    ]
    assert statistics["notifiedCreditsByCommittee"] == [
        {"committeeCode": "ID", "credits": 300},
        {"committeeCode": "VN", "credits": 1000},
    ]
    assert statistics["notifiedCreditsByYear"] == [{"year": 2026, "credits": 1000}, {"year": 2027, "credits": 300}]
    credits = {1: 300, 3: 1300}
    assert statistics["notifiedCreditsByScope"] == [
        {"scope": {"number": n}, "credits": credits.get(n, 0)} for n in range(1, 16)
    ]

    # and the same by committee, year and scope together
    assert statistics["registeredProjects"] == [
        {"committeeCode": "ID", "year": 2027, "scope": {"number": 1}, "count": 1},
        {"committeeCode": "ID", "year": 2027, "scope": {"number": 3}, "count": 1},
        {"committeeCode": "VN", "year": 2026, "scope": {"number": 3}, "count": 1},
    ]
    assert statistics["notifiedCredits"] == [
        {"committeeCode": "ID", "year": 2027, "scope": {"number": 1}, "credits": 300},
        {"committeeCode": "ID", "year": 2027, "scope": {"number": 3}, "credits": 300},
        {"committeeCode": "VN", "year": 2026, "scope": {"number": 3}, "credits": 1000},
    ]

    # and the published counts of May 2025 beside them, unchanged
    by_country = {row["country"]["code"]: row["count"] for row in statistics["projectsByCountry"]}
    assert (by_country["VN"], by_country["ID"], by_country["MN"]) == (50, 54, 11)
    assert sum(row["count"] for row in statistics["projectsByRegion"]) == 260


async def test_project_statistics_on_an_empty_register(gql):
    # When nothing has been registered or notified
    statistics = (await gql(STATISTICS))["statistics"]

    # Then empty lists, and every scope at zero
    for field in ("registeredProjectsByCommittee", "registeredProjectsByYear"):
        assert statistics[field] == [], field
    for field in ("notifiedCreditsByCommittee", "notifiedCreditsByYear", "registeredProjects", "notifiedCredits"):
        assert statistics[field] == [], field
    assert [row["count"] for row in statistics["registeredProjectsByScope"]] == [0] * 15
    assert [row["credits"] for row in statistics["notifiedCreditsByScope"]] == [0] * 15


# --- the feed, the subjects and the subscription -----------------------------------------------


async def given_a_project_cycle(projects, frozen_clock) -> dict:
    """VN051 registered and its 1,000 t notified, and an objected Indonesian PIN."""
    notified = await projects.notified(frozen_clock, "VN")
    objected = await projects.pin("ID")
    await projects.decide(objected.proposal.id, "ID", objection="Not additional.")
    return notified


async def test_the_feed_carries_project_and_issuance_decisions_like_any_other(prebuilt, projects, client, frozen_clock):
    # Given
    await prebuilt(given_a_project_cycle, projects, frozen_clock)

    # When
    response = await client.get("/feeds/decisions.atom")
    committee = await client.get("/feeds/decisions.atom?committee=ID")

    # Then every decision is an entry, newest first, its kind a category
    assert response.status_code == 200
    entries = ET.fromstring(response.content).findall(f"{ATOM}entry")
    kinds = [
        (
            entry.find(f"{ATOM}id").text,
            [c.get("term") for c in entry.findall(f"{ATOM}category")],
        )
        for entry in entries
    ]
    assert kinds == [
        ("urn:jcm:decision:JC-ID-2026-001", ["PLANNED_PROJECT", "ID"]),
        ("urn:jcm:decision:JC-VN-2026-005", ["CREDIT_ISSUANCE", "VN"]),
        ("urn:jcm:decision:JC-VN-2026-004", ["PROJECT_REGISTRATION", "VN"]),
        ("urn:jcm:decision:JC-VN-2026-003", ["PLANNED_PROJECT", "VN"]),
        ("urn:jcm:decision:JC-VN-2026-002", ["TPE_DESIGNATION", "VN"]),
        ("urn:jcm:decision:JC-VN-2026-001", ["METHODOLOGY_APPROVAL", "VN"]),
    ]
    titled = {entry.find(f"{ATOM}id").text: entry.find(f"{ATOM}title").text for entry in entries}
    assert titled["urn:jcm:decision:JC-VN-2026-005"] == (
        "JC-VN-2026-005: Issuance for VN051: 1,000 t-CO2e, monitoring 2025-01-01 to 2025-12-31"
    )
    assert titled["urn:jcm:decision:JC-VN-2026-004"] == (
        "JC-VN-2026-004: Registration of VN_PIN001: Energy saving by high-efficiency chillers in a textile factory"
    )
    summaries = {entry.find(f"{ATOM}id").text: entry.find(f"{ATOM}summary").text for entry in entries}
    assert summaries["urn:jcm:decision:JC-ID-2026-001"] == "Not approved on 2026-11-30 (electronic)."
    only = ET.fromstring(committee.content).findall(f"{ATOM}entry")
    assert [entry.find(f"{ATOM}id").text for entry in only] == ["urn:jcm:decision:JC-ID-2026-001"]


async def test_a_decisions_subject_is_its_project_or_issuance(prebuilt, projects, gql, frozen_clock):
    # Given
    await prebuilt(given_a_project_cycle, projects, frozen_clock)

    # When the public reads the register
    edges = (await gql(SUBJECTS))["decisions"]["edges"]

    # Then each project decision's subject is the project, an issuance's the issuance
    subjects = {edge["node"]["reference"]: (edge["node"]["kind"], edge["node"]["subject"]) for edge in edges}
    assert subjects["JC-VN-2026-003"] == (
        "PLANNED_PROJECT",
        {"__typename": "Project", "pinReference": "VN_PIN001", "reference": "VN051", "projectStatus": "REGISTERED"},
    )
    assert subjects["JC-VN-2026-004"] == (
        "PROJECT_REGISTRATION",
        {"__typename": "Project", "pinReference": "VN_PIN001", "reference": "VN051", "projectStatus": "REGISTERED"},
    )
    assert subjects["JC-VN-2026-005"] == (
        "CREDIT_ISSUANCE",
        {
            "__typename": "CreditIssuance",
            "number": 1,
            "issuanceStatus": "NOTIFIED",
            "notifiedAmount": 1000,
            "project": {"reference": "VN051"},
        },
    )
    assert subjects["JC-ID-2026-001"] == (
        "PLANNED_PROJECT",
        {"__typename": "Project", "pinReference": "ID_PIN001", "reference": None, "projectStatus": "OBJECTED"},
    )


async def test_decision_made_carries_issuance_and_pin_decisions(live_server, projects, frozen_clock):
    # Given an issuance request and a PIN, each circulated with Japan's consent: Viet Nam decides them
    project = await projects.registered(frozen_clock, "VN")
    requested = await projects.requested(project["reference"], project["tpe"])
    pin = await projects.pin("VN")
    for proposal_id in (requested.proposal.id, pin.proposal.id):
        await projects.submit(proposal_id)
        await projects.circulate(proposal_id)
        await projects.position(proposal_id, "japan")
    viet_nam = await projects.token("VN")

    async with socket(live_server) as ws:
        assert await init(ws) == {"type": "connection_ack"}
        await subscribe(ws, "1", DECISION_MADE)

        # When Viet Nam consents to both over HTTP
        received = []
        async with httpx.AsyncClient(base_url=live_server.http_url) as http:
            for proposal_id in (requested.proposal.id, pin.proposal.id):
                decided = await http.post(
                    "/graphql",
                    json={"query": CONSENT, "variables": {"id": to_global_id("Proposal", proposal_id)}},
                    headers={"Authorization": f"Bearer {viet_nam}"},
                )
                assert decided.json()["data"]["giveConsent"]["userErrors"] == []
                received.append(await receive(ws))

    # Then each decision reached the subscriber, with its issuance or project as subject
    assert [message["type"] for message in received] == ["next", "next"], received
    assert [message["payload"]["data"]["decisionMade"] for message in received] == [
        {
            "reference": "JC-VN-2026-005",
            "kind": "CREDIT_ISSUANCE",
            "subject": {
                "__typename": "CreditIssuance",
                "number": 1,
                "issuanceStatus": "NOTIFIED",
                "notifiedAmount": 1000,
            },
        },
        {
            "reference": "JC-VN-2026-006",
            "kind": "PLANNED_PROJECT",
            "subject": {"__typename": "Project", "pinReference": "VN_PIN002", "projectStatus": "PLANNED"},
        },
    ]
