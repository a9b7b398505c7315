"""Reading third-party entities: the filter frontends ask most ("which entities may verify scope 3 in
Viet Nam today?"), other filters, keyset paging, lookups by reference and id, the entity list,
visibility of proposed designations, proposal and decision subjects, and constant query counts."""

import pytest

from api.ids import to_global_id
from models.db import new_session
from models.enums import AccreditationBasis, ProposalKind, Role, TpeFunction
from models.principal import Principal
from resolvers.tpes import propose_action, propose_designation, record_voluntary_withdrawal, register_entity
from seed.data import SECTORAL_SCOPES
from tests.support.db import count_statements
from tests.support.documents import CIRCULATE, CONSENT, SUBMIT
from tests.support.tpes import SUSPEND, TPE, approve_directly

# --- documents -------------------------------------------------------------------------------

TPES = """
query ($first: Int, $after: String, $filter: TpeFilter) {
  tpes(first: $first, after: $after, filter: $filter) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { reference status } }
  }
}
"""

COMMITTEE_TPES = """
query ($code: String!, $first: Int, $after: String, $filter: TpeFilter) {
  committee(code: $code) {
    tpeDesignations(first: $first, after: $after, filter: $filter) {
      totalCount
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      edges { cursor node { reference status } }
    }
  }
}
"""

ENTITIES = """
{ entities { name accreditation country { code } designations { reference status committee { code } } } }
"""

NODE = """
query ($id: ID!) {
  node(id: $id) {
    __typename id
    ... on TpeDesignation { reference entity { id name } }
    ... on ThirdPartyEntity { name designations { id reference } }
  }
}
"""

TPE_ID = "query ($reference: String!) { tpe(reference: $reference) { id entity { id } } }"

PROPOSAL_SUBJECT = """
query ($id: ID!) {
  node(id: $id) { ... on Proposal { kind subject { __typename ... on TpeDesignation { reference status } } } }
}
"""

DECISION_SUBJECT = """
query ($reference: String!) {
  decision(reference: $reference) { kind outcome subject { __typename ... on TpeDesignation { reference status } } }
}
"""

NESTED = """
query ($first: Int) {
  tpes(first: $first) {
    edges {
      node {
        reference
        committee { code }
        entity { name country { code } }
        scopes { function scope { name } status }
        decisions { reference }
      }
    }
  }
}
"""

SECRETARIAT = Principal(Role.SECRETARIAT, name="JCMA")


# --- the seeded set --------------------------------------------------------------------------

QUESTION = {"committeeCode": "VN", "function": "VERIFICATION", "sectoralScope": 3, "status": ["DESIGNATED"]}

# name, country, accreditation, committee, validation, verification, what happens next
SEEDED = [
    ("Alpha Verification Co.", "JP", "ISO_14065", "VN", [1, 3], [3], None),  # TPE-VN-001
    ("Bravo Assurance JSC", "VN", "CDM_DOE", "VN", [], [3, 4], "suspend verification 3"),  # TPE-VN-002
    ("Charlie Certification", "JP", "ISO_14065", "VN", [3], [], None),  # TPE-VN-003
    ("Delta Audit Ltd.", "TH", "ISO_14065", "VN", [], [1, 3], "voluntary"),  # TPE-VN-004
    ("Echo Verification PT", "ID", "ISO_14065", "VN", [], [3, 5], None),  # TPE-VN-005
    ("Alpha Verification Co.", "JP", "ISO_14065", "ID", [], [3], None),  # TPE-ID-001
    ("Foxtrot Inspeksi", "ID", "PROVISIONAL", "ID", [2], [], None),  # TPE-ID-002
    ("Hotel Inspection Ltd.", "KH", "ISO_14065", "ID", [], [7], "suspend"),  # TPE-ID-003
    ("Golf Draft Ltd.", "JP", "ISO_14065", "VN", [], [3], "draft"),  # proposed only
]

# Every designation the public sees, newest first; the secretariat also sees the proposed one.
PUBLIC = [
    "TPE-ID-003",
    "TPE-ID-002",
    "TPE-ID-001",
    "TPE-VN-005",
    "TPE-VN-004",
    "TPE-VN-003",
    "TPE-VN-002",
    "TPE-VN-001",
]


async def seeded(engine) -> None:
    """The designations of SEEDED, built through the resolvers in one session (as the API would)."""
    entities: dict[str, int] = {}
    async with new_session(engine) as session:
        for name, country, basis, committee, validation, verification, then in SEEDED:
            if name not in entities:
                entity = await register_entity(
                    session, SECRETARIAT, name=name, country_code=country, accreditation=AccreditationBasis(basis)
                )
                entities[name] = entity.id
            proposed = await propose_designation(
                session,
                SECRETARIAT,
                committee_code=committee,
                entity_id=entities[name],
                validation_scopes=validation,
                verification_scopes=verification,
            )
            designation, proposal = proposed.designation, proposed.proposal
            if then == "draft":
                continue
            await approve_directly(session, proposal.id, committee)
            if then and then.startswith("suspend"):
                proposed = await propose_action(
                    session,
                    SECRETARIAT,
                    kind=ProposalKind.TPE_SUSPENSION,
                    reference=designation.reference,
                    reason="Under review.",
                    **({"function": TpeFunction.VERIFICATION, "scopes": [3]} if then.endswith("3") else {}),
                )
                suspension = proposed.proposal
                await approve_directly(session, suspension.id, committee)
            if then == "voluntary":
                await record_voluntary_withdrawal(
                    session, SECRETARIAT, reference=designation.reference, reason="Ceased operations."
                )


def references(connection: dict) -> list[str | None]:
    return [edge["node"]["reference"] for edge in connection["edges"]]


# --- the question frontends ask most ---------------------------------------------------------


@pytest.mark.parametrize("who", [None, "secretariat", "ID"])
async def test_which_entities_may_verify_scope_3_in_viet_nam_today(prebuilt, tpe_flow, gql, engine, who):
    # Given the seeded set
    await prebuilt(seeded, engine)
    token = await tpe_flow.token(who) if who else None

    # When
    listed = (await gql(TPES, {"filter": QUESTION}, token=token))["tpes"]
    in_committee = (await gql(COMMITTEE_TPES, {"code": "vn", "filter": QUESTION}, token=token))["committee"][
        "tpeDesignations"
    ]

    # Then Alpha and Echo: Bravo's verification 3 is suspended, Charlie only validates, Delta withdrew,
    # Alpha's ID designation is another committee's, Golf is only proposed
    assert listed["totalCount"] == 2
    assert [edge["node"] for edge in listed["edges"]] == [
        {"reference": "TPE-VN-005", "status": "DESIGNATED"},
        {"reference": "TPE-VN-001", "status": "DESIGNATED"},
    ]
    assert in_committee == listed
    # and each of them says why
    echo = await tpe_flow.tpe("TPE-VN-005")
    assert {"function": "VERIFICATION", "scope": {"number": 3}, "status": "DESIGNATED", "since": "2026-11-28"} in echo[
        "scopes"
    ]


FILTERS = [
    pytest.param(
        {"status": ["DESIGNATED"]},
        ["TPE-ID-002", "TPE-ID-001", "TPE-VN-005", "TPE-VN-003", "TPE-VN-002", "TPE-VN-001"],
        id="designated",
    ),
    pytest.param({"status": ["SUSPENDED"]}, ["TPE-ID-003"], id="suspended"),
    pytest.param({"status": ["VOLUNTARILY_WITHDRAWN", "SUSPENDED"]}, ["TPE-ID-003", "TPE-VN-004"], id="two-statuses"),
    pytest.param({"status": ["WITHDRAWN", "NOT_APPROVED"]}, [], id="no-such-status"),
    pytest.param({"committeeCode": "ID"}, ["TPE-ID-003", "TPE-ID-002", "TPE-ID-001"], id="committee"),
    pytest.param({"committeeCode": " vn "}, PUBLIC[3:], id="committee-any-case"),
    pytest.param(
        {"committeeCode": "VN", "status": ["DESIGNATED"]},
        ["TPE-VN-005", "TPE-VN-003", "TPE-VN-002", "TPE-VN-001"],
        id="committee-and-status",
    ),
    pytest.param(
        {"committeeCode": "VN", "function": "VERIFICATION", "sectoralScope": 3, "status": ["SUSPENDED"]},
        ["TPE-VN-002"],
        id="scope-suspended",
    ),
    pytest.param(
        {"committeeCode": "VN", "function": "VERIFICATION", "sectoralScope": 3},
        ["TPE-VN-005", "TPE-VN-004", "TPE-VN-002", "TPE-VN-001"],
        id="scope-any-status",
    ),
    pytest.param({"function": "VALIDATION"}, ["TPE-ID-002", "TPE-VN-003", "TPE-VN-001"], id="function"),
    pytest.param(
        {"function": "VERIFICATION", "status": ["VOLUNTARILY_WITHDRAWN"]}, ["TPE-VN-004"], id="function-and-status"
    ),
    pytest.param(
        {"sectoralScope": 3, "status": ["DESIGNATED"]},
        ["TPE-ID-001", "TPE-VN-005", "TPE-VN-003", "TPE-VN-001"],
        id="scope-either-function",
    ),
    pytest.param(
        {"committeeCode": "VN", "function": "VALIDATION", "sectoralScope": 3, "status": ["DESIGNATED"]},
        ["TPE-VN-003", "TPE-VN-001"],
        id="validators-of-scope-3",
    ),
    pytest.param({"sectoralScope": 7, "status": ["DESIGNATED"]}, [], id="scope-only-suspended"),
    pytest.param({"committeeCode": "MN"}, [], id="committee-without-tpes"),
]


@pytest.mark.parametrize(("filter_", "expected"), FILTERS)
async def test_tpes_filtered(prebuilt, gql, tokens, engine, filter_, expected):
    # Given the seeded set
    await prebuilt(seeded, engine)

    # When
    listed = (await gql(TPES, {"filter": filter_}))["tpes"]

    # Then
    assert references(listed) == expected
    assert listed["totalCount"] == len(expected)
    # and a committee's own list gives the same
    if "committeeCode" in filter_:
        own = {key: value for key, value in filter_.items() if key != "committeeCode"}
        in_committee = (await gql(COMMITTEE_TPES, {"code": filter_["committeeCode"], "filter": own}))["committee"]
        assert in_committee["tpeDesignations"] == listed


@pytest.mark.parametrize(
    ("who", "filter_", "expected"),
    [
        (None, None, PUBLIC),
        ("secretariat", None, [None, *PUBLIC]),
        (None, {"committeeCode": "VN"}, PUBLIC[3:]),
        ("VN", {"committeeCode": "VN"}, [None, *PUBLIC[3:]]),
        (
            "japan",
            {"function": "VERIFICATION"},
            ["TPE-ID-003", "TPE-ID-001", "TPE-VN-005", "TPE-VN-004", "TPE-VN-002", "TPE-VN-001"],
        ),
    ],
)
async def test_keyset_paging_walks_every_designation_once(prebuilt, tpe_flow, gql, engine, who, filter_, expected):
    # Given the seeded set
    await prebuilt(seeded, engine)
    token = await tpe_flow.token(who) if who else None
    whole = (await gql(TPES, {"first": 100, "filter": filter_}, token=token))["tpes"]
    assert references(whole) == expected

    for first in (1, 2, 3):
        # When walking the list `first` at a time
        walked, after, pages = [], None, 0
        while True:
            page = (await gql(TPES, {"first": first, "after": after, "filter": filter_}, token=token))["tpes"]
            pages += 1
            assert page["totalCount"] == len(expected), first
            assert page["pageInfo"]["hasPreviousPage"] is (after is not None), first
            assert page["edges"] == whole["edges"][len(walked) : len(walked) + first], (first, pages)
            assert page["pageInfo"]["endCursor"] == page["edges"][-1]["cursor"], first
            walked += references(page)
            if not page["pageInfo"]["hasNextPage"]:
                break
            after = page["pageInfo"]["endCursor"]

        # Then every designation came exactly once, in the order of the one-page list
        assert walked == expected, first
        assert pages == -(-len(expected) // first), first


# --- lookups ---------------------------------------------------------------------------------


@pytest.mark.parametrize("reference", ["TPE-VN-002", " tpe-vn-002 ", "Tpe-Vn-002"])
async def test_tpe_by_reference_in_any_case(prebuilt, gql, tokens, engine, reference):
    # Given the seeded set
    await prebuilt(seeded, engine)

    # When
    tpe = (await gql(TPE, {"reference": reference}))["tpe"]

    # Then Bravo, verification 3 suspended, with its two decisions
    assert tpe == {
        "reference": "TPE-VN-002",
        "status": "DESIGNATED",
        "designatedOn": "2026-11-28",
        "committee": {"code": "VN"},
        "entity": {"name": "Bravo Assurance JSC"},
        "scopes": [
            {"function": "VERIFICATION", "scope": {"number": 3}, "status": "SUSPENDED", "since": "2026-11-28"},
            {"function": "VERIFICATION", "scope": {"number": 4}, "status": "DESIGNATED", "since": "2026-11-28"},
        ],
        "decisions": [
            {"reference": "JC-VN-2026-002", "kind": "TPE_DESIGNATION", "outcome": "APPROVED"},
            {"reference": "JC-VN-2026-003", "kind": "TPE_SUSPENSION", "outcome": "APPROVED"},
        ],
    }


@pytest.mark.parametrize("reference", ["TPE-VN-999", "TPE-XX-001", "VN_AM001", "", "TPE-VN-"])
async def test_an_unknown_tpe_reference_is_null(prebuilt, tpe_flow, gql, engine, reference):
    await prebuilt(seeded, engine)

    assert (await gql(TPE, {"reference": reference}, token=await tpe_flow.token("secretariat")))["tpe"] is None


def entity(name: str, basis: str, country: str, *designations: tuple[str | None, str, str]) -> dict:
    return {
        "name": name,
        "accreditation": basis,
        "country": {"code": country},
        "designations": [{"reference": r, "status": s, "committee": {"code": c}} for r, s, c in designations],
    }


async def test_entities_lists_every_entity_by_name_with_the_designations_one_may_see(prebuilt, tpe_flow, gql, engine):
    # Given the seeded set and an entity without any designation
    await prebuilt(seeded, engine)
    await tpe_flow.entity("Aardvark Carbon Ltd.", "MN")
    golf = ("Golf Draft Ltd.", "ISO_14065", "JP")
    expected = [
        entity("Aardvark Carbon Ltd.", "ISO_14065", "MN"),
        entity(
            "Alpha Verification Co.",
            "ISO_14065",
            "JP",
            ("TPE-VN-001", "DESIGNATED", "VN"),
            ("TPE-ID-001", "DESIGNATED", "ID"),
        ),
        entity("Bravo Assurance JSC", "CDM_DOE", "VN", ("TPE-VN-002", "DESIGNATED", "VN")),
        entity("Charlie Certification", "ISO_14065", "JP", ("TPE-VN-003", "DESIGNATED", "VN")),
        entity("Delta Audit Ltd.", "ISO_14065", "TH", ("TPE-VN-004", "VOLUNTARILY_WITHDRAWN", "VN")),
        entity("Echo Verification PT", "ISO_14065", "ID", ("TPE-VN-005", "DESIGNATED", "VN")),
        entity("Foxtrot Inspeksi", "PROVISIONAL", "ID", ("TPE-ID-002", "DESIGNATED", "ID")),
        entity(*golf),
        entity("Hotel Inspection Ltd.", "ISO_14065", "KH", ("TPE-ID-003", "SUSPENDED", "ID")),
    ]

    # When / Then: the public sees every entity, but not the proposed designation
    assert (await gql(ENTITIES))["entities"] == expected
    # and the secretariat sees that too
    expected[7] = entity(*golf, (None, "PROPOSED", "VN"))
    assert (await gql(ENTITIES, token=await tpe_flow.token("secretariat")))["entities"] == expected


async def test_node_round_trips_a_designation_and_an_entity(prebuilt, gql, tokens, engine):
    # Given the seeded set
    await prebuilt(seeded, engine)
    ids = (await gql(TPE_ID, {"reference": "TPE-ID-001"}))["tpe"]
    designation_id, entity_id = ids["id"], ids["entity"]["id"]

    # When
    designation = (await gql(NODE, {"id": designation_id}))["node"]
    entity_ = (await gql(NODE, {"id": entity_id}))["node"]

    # Then
    assert designation == {
        "__typename": "TpeDesignation",
        "id": designation_id,
        "reference": "TPE-ID-001",
        "entity": {"id": entity_id, "name": "Alpha Verification Co."},
    }
    assert entity_["__typename"] == "ThirdPartyEntity" and entity_["id"] == entity_id
    assert entity_["name"] == "Alpha Verification Co."
    assert [d["reference"] for d in entity_["designations"]] == ["TPE-VN-001", "TPE-ID-001"]
    assert designation_id in [d["id"] for d in entity_["designations"]]
    # and ids of rows that do not exist are null
    for missing in (to_global_id("TpeDesignation", 999), to_global_id("ThirdPartyEntity", 999)):
        assert (await gql(NODE, {"id": missing}))["node"] is None


# --- visibility ------------------------------------------------------------------------------


async def test_a_designation_proposed_in_a_draft_is_seen_inside_only_until_designated(tpe_flow, gql):
    # Given a designation proposed in a DRAFT proposal
    entity_id = await tpe_flow.entity("Golf Draft Ltd.", "JP")
    proposed = await tpe_flow.propose(entity_id, [], [3])
    designation_id = proposed["designation"]["id"]

    async def seen_by(who: str | None) -> tuple[list, list, str | None]:
        """The designation's references in tpes and in its entity's designations, and node(id)'s."""
        token = await tpe_flow.token(who) if who else None
        listed = references((await gql(TPES, {"filter": {"committeeCode": "VN"}}, token=token))["tpes"])
        designations = [
            d["reference"] for d in (await gql(NODE, {"id": entity_id}, token=token))["node"]["designations"]
        ]
        node = (await gql(NODE, {"id": designation_id}, token=token))["node"]
        return listed, designations, "no node" if node is None else node["reference"]

    hidden = ([], [], "no node")
    inside = ([None], [None], None)
    # Then the public and another committee's partner do not see it; the secretariat, Japan and VN do
    assert {who: await seen_by(who) for who in (None, "ID", "secretariat", "japan", "VN")} == {
        None: hidden,
        "ID": hidden,
        "secretariat": inside,
        "japan": inside,
        "VN": inside,
    }
    assert (await gql(NODE, {"id": designation_id}, token=await tpe_flow.token("japan")))["node"]["__typename"] == (
        "TpeDesignation"
    )

    # When it is submitted it is still not public
    await tpe_flow.ok(SUBMIT, {"id": proposed["proposal"]["id"]}, "secretariat")
    assert await seen_by(None) == hidden

    # When it is circulated and approved
    await tpe_flow.ok(
        CIRCULATE, {"id": proposed["proposal"]["id"], "mode": "ELECTRONIC", "deadline": "2026-12-12"}, "secretariat"
    )
    await tpe_flow.ok(CONSENT, {"id": proposed["proposal"]["id"]}, "japan")
    await tpe_flow.ok(CONSENT, {"id": proposed["proposal"]["id"]}, "VN")

    # Then everyone sees it
    designated = (["TPE-VN-001"], ["TPE-VN-001"], "TPE-VN-001")
    assert {who: await seen_by(who) for who in (None, "ID", "secretariat")} == {
        None: designated,
        "ID": designated,
        "secretariat": designated,
    }


# --- subjects --------------------------------------------------------------------------------


async def test_the_proposal_and_the_decision_are_about_the_designation(tpe_flow, gql):
    # Given a designation proposed (a draft, seen by the secretariat)
    entity_id = await tpe_flow.entity("Example Verification Ltd.", "JP")
    proposed = await tpe_flow.propose(entity_id, [1], [])
    secretariat = await tpe_flow.token("secretariat")
    assert (await gql(PROPOSAL_SUBJECT, {"id": proposed["proposal"]["id"]}, token=secretariat))["node"] == {
        "kind": "TPE_DESIGNATION",
        "subject": {"__typename": "TpeDesignation", "reference": None, "status": "PROPOSED"},
    }

    # When it is approved, and a suspension of it proposed and approved
    await tpe_flow.approve(proposed["proposal"]["id"])
    suspension = await tpe_flow.ok(SUSPEND, {"reference": "TPE-VN-001", "reason": "Under review."}, "VN")
    await tpe_flow.approve(suspension["proposal"]["id"])

    # Then both proposals and both decisions are about the designation, for everyone
    suspended = {"__typename": "TpeDesignation", "reference": "TPE-VN-001", "status": "SUSPENDED"}
    for proposal, kind in [(proposed, "TPE_DESIGNATION"), (suspension, "TPE_SUSPENSION")]:
        assert (await gql(PROPOSAL_SUBJECT, {"id": proposal["proposal"]["id"]}))["node"] == {
            "kind": kind,
            "subject": suspended,
        }
    for reference, kind in [("JC-VN-2026-001", "TPE_DESIGNATION"), ("JC-VN-2026-002", "TPE_SUSPENSION")]:
        assert (await gql(DECISION_SUBJECT, {"reference": reference}))["decision"] == {
            "kind": kind,
            "outcome": "APPROVED",
            "subject": suspended,
        }


# --- query counts ----------------------------------------------------------------------------


async def given_designations_in_several_committees(engine, count: int) -> None:
    """`count` designated entities across three committees, each with two or three scopes; every
    third with extra scopes (a second decision), every fifth partly suspended; two more only proposed."""
    committees = ["VN", "ID", "MN"]
    countries = ["JP", "VN", "ID", "TH", "KH", None]
    async with new_session(engine) as session:
        for n in range(count + 2):
            code = committees[n % len(committees)]
            entity = await register_entity(
                session,
                SECRETARIAT,
                name=f"Entity {n + 1:02d}",
                accreditation=AccreditationBasis.ISO_14065,
                country_code=countries[n % len(countries)],
            )
            proposed = await propose_designation(
                session,
                SECRETARIAT,
                committee_code=code,
                entity_id=entity.id,
                validation_scopes=[n % 15 + 1],
                verification_scopes=[n % 15 + 1, (n + 4) % 15 + 1],
            )
            designation, proposal = proposed.designation, proposed.proposal
            if n >= count:
                continue  # only proposed: a draft the public does not see
            await approve_directly(session, proposal.id, code)
            if n % 3 == 0:
                proposed = await propose_designation(
                    session,
                    SECRETARIAT,
                    committee_code=code,
                    entity_id=entity.id,
                    validation_scopes=[(n + 9) % 15 + 1],
                    verification_scopes=[],
                )
                extra = proposed.proposal
                await approve_directly(session, extra.id, code)
            if n % 5 == 0:
                proposed = await propose_action(
                    session,
                    SECRETARIAT,
                    kind=ProposalKind.TPE_SUSPENSION,
                    reference=designation.reference,
                    reason="Under review.",
                    function=TpeFunction.VERIFICATION,
                )
                suspension = proposed.proposal
                await approve_directly(session, suspension.id, code)


async def test_nested_designation_fields_cost_the_same_for_1_row_as_for_25(gql, engine):
    # Given 25 designations in three committees, and two proposed ones
    await given_designations_in_several_committees(engine, 25)

    # When
    with count_statements(engine) as one:
        data_one = await gql(NESTED, {"first": 1})
    with count_statements(engine) as many:
        data_many = await gql(NESTED, {"first": 25})

    # Then
    nodes = [edge["node"] for edge in data_many["tpes"]["edges"]]
    assert len(nodes) == 25
    assert data_one["tpes"]["edges"] == data_many["tpes"]["edges"][:1]
    # the newest: n = 24, the ninth in VN, with extra scopes (24 % 3 == 0) after eight VN designations
    # that took 18 decisions (every VN one had extra scopes; n = 0 and 15 a suspension too)
    assert nodes[0] == {
        "reference": "TPE-VN-009",
        "committee": {"code": "VN"},
        "entity": {"name": "Entity 25", "country": {"code": "JP"}},
        "scopes": [
            {"function": f, "scope": {"name": SECTORAL_SCOPES[number - 1]}, "status": "DESIGNATED"}
            for f, number in [("VALIDATION", 4), ("VALIDATION", 10), ("VERIFICATION", 10), ("VERIFICATION", 14)]
        ],
        "decisions": [{"reference": "JC-VN-2026-019"}, {"reference": "JC-VN-2026-020"}],
    }
    # the oldest: n = 0, designated, extended and its verification suspended
    assert nodes[-1] == {
        "reference": "TPE-VN-001",
        "committee": {"code": "VN"},
        "entity": {"name": "Entity 01", "country": {"code": "JP"}},
        "scopes": [
            {"function": f, "scope": {"name": SECTORAL_SCOPES[number - 1]}, "status": status}
            for f, number, status in [
                ("VALIDATION", 1, "DESIGNATED"),
                ("VALIDATION", 10, "DESIGNATED"),
                ("VERIFICATION", 1, "SUSPENDED"),
                ("VERIFICATION", 5, "SUSPENDED"),
            ]
        ],
        "decisions": [{"reference": f"JC-VN-2026-00{n}"} for n in (1, 2, 3)],
    }
    assert {node["committee"]["code"] for node in nodes} == {"VN", "ID", "MN"}
    assert one.count == many.count, (one.statements, many.statements)
