"""Who sees what of the workflow: the public sees proposals once published and positions once
decided; a partner sees its own committee's inside and what the public sees of the others; Japan
and the secretariat see everything. The audit trail is for the secretariat, Japan and the
committee's own partner."""

import re

import pytest

from api.ids import to_global_id
from tests.support.db import snapshot
from tests.support.documents import (
    AUDIT_TRAIL,
    COMMITTEE_PROPOSALS,
    CONSENT,
    OBJECT,
    PROPOSAL,
    PROPOSALS,
    WITHDRAW,
    WORKFLOW_TABLES,
)
from tests.support.workflow import Workflow, pk

VN_ITEMS = {  # title: status, in the order they are created
    "VN draft": "DRAFT",
    "VN submitted": "SUBMITTED",
    "VN returned": "RETURNED",
    "VN public input": "PUBLIC_INPUT",
    "VN circulated": "UNDER_CONSIDERATION",
    "VN approved": "APPROVED",
    "VN withdrawn draft": "WITHDRAWN",
}
PUBLISHED_VN = ["VN approved", "VN circulated", "VN public input"]  # newest first
ALL_VN = list(reversed(VN_ITEMS))
ID_DRAFT = "ID draft"

POSITIONS = """
query ($id: ID!) {
  node(id: $id) { ... on Proposal { status positions { side position statement } history { action actor } } }
}
"""


async def given_proposals_in_every_stage(flow: Workflow) -> dict[str, str]:
    """VN items in every stage before and after publication, and an ID draft; ids by title."""
    ids = {}
    for title, status in VN_ITEMS.items():
        ids[title] = (await flow.in_status(status, proposer="VN", title=title))["id"]
    ids[ID_DRAFT] = (await flow.in_status("DRAFT", committee="ID", proposer="ID", title=ID_DRAFT))["id"]
    return ids


def listed(titles: list[str]) -> dict:
    statuses = VN_ITEMS | {ID_DRAFT: "DRAFT"}
    return {"totalCount": len(titles), "edges": [{"node": {"title": t, "status": statuses[t]}} for t in titles]}


# (who, Query.proposals, committee VN proposals, committee ID proposals)
SEEN = [
    pytest.param(None, PUBLISHED_VN, PUBLISHED_VN, [], id="public"),
    pytest.param("ID", [ID_DRAFT, *PUBLISHED_VN], PUBLISHED_VN, [ID_DRAFT], id="partner-ID"),
    pytest.param("VN", ALL_VN, ALL_VN, [], id="partner-VN"),
    pytest.param("japan", [ID_DRAFT, *ALL_VN], ALL_VN, [ID_DRAFT], id="japan"),
    pytest.param("secretariat", [ID_DRAFT, *ALL_VN], ALL_VN, [ID_DRAFT], id="secretariat"),
]


@pytest.mark.parametrize(("who", "everywhere", "in_vn", "in_id"), SEEN)
async def test_lists_of_proposals_and_their_total_show_what_each_reader_may_see(
    prebuilt, flow, gql, who, everywhere, in_vn, in_id
):
    # Given
    await prebuilt(given_proposals_in_every_stage, flow)
    token = await flow.token(who) if who else None

    # When / Then
    assert (await gql(PROPOSALS, {}, token=token))["proposals"] == listed(everywhere)
    assert (await gql(PROPOSALS, {"committeeCode": "VN"}, token=token))["proposals"] == listed(in_vn)
    assert (await gql(PROPOSALS, {"committeeCode": "id"}, token=token))["proposals"] == listed(in_id)
    assert (await gql(COMMITTEE_PROPOSALS, {"code": "VN"}, token=token))["committee"]["proposals"] == listed(in_vn)
    assert (await gql(COMMITTEE_PROPOSALS, {"code": "ID"}, token=token))["committee"]["proposals"] == listed(in_id)


@pytest.mark.parametrize("who", [None, "ID"], ids=["public", "partner-ID"])
async def test_filtering_by_an_unpublished_status_finds_nothing_for_outsiders(prebuilt, flow, gql, who):
    await prebuilt(given_proposals_in_every_stage, flow)
    token = await flow.token(who) if who else None

    for status in ("DRAFT", "SUBMITTED", "RETURNED"):
        expected = [ID_DRAFT] if (who, status) == ("ID", "DRAFT") else []
        assert (await gql(PROPOSALS, {"status": [status]}, token=token))["proposals"] == listed(expected), status
        assert (await gql(COMMITTEE_PROPOSALS, {"code": "VN", "status": [status]}, token=token))["committee"][
            "proposals"
        ] == listed([])
    assert (await gql(PROPOSALS, {"status": ["DRAFT", "PUBLIC_INPUT"], "committeeCode": "VN"}, token=token))[
        "proposals"
    ] == listed(["VN public input"])


@pytest.mark.parametrize(
    ("who", "visible"),
    [
        (None, set(PUBLISHED_VN)),
        ("ID", set(PUBLISHED_VN) | {ID_DRAFT}),
        ("VN", set(VN_ITEMS)),
        ("japan", set(VN_ITEMS) | {ID_DRAFT}),
        ("secretariat", set(VN_ITEMS) | {ID_DRAFT}),
    ],
    ids=["public", "partner-ID", "partner-VN", "japan", "secretariat"],
)
async def test_node_of_a_proposal_one_may_not_see_is_null_like_a_missing_id(prebuilt, flow, gql, who, visible):
    # Given
    ids = await prebuilt(given_proposals_in_every_stage, flow)
    token = await flow.token(who) if who else None
    missing = await gql.raw(PROPOSAL, {"id": to_global_id("Proposal", 999_999)}, token=token)

    for title, proposal_id in ids.items():
        # When
        response = await gql.raw(PROPOSAL, {"id": proposal_id}, token=token)

        # Then
        if title in visible:
            assert response.json()["data"]["node"]["title"] == title
        else:
            assert response.status_code == missing.status_code == 200
            assert response.json() == missing.json() == {"data": {"node": None}}, title


async def test_positions_and_their_history_are_shown_to_outsiders_only_once_decided(flow, gql, engine):
    # Given a circulated VN proposal to which Japan consented
    proposal = await flow.in_status("UNDER_CONSIDERATION", proposer="VN")
    await flow.ok(CONSENT, {"id": proposal["id"], "statement": "Agreed."}, "japan")
    before_decision = {
        who: (await gql(POSITIONS, {"id": proposal["id"]}, token=await flow.token(who) if who else None))["node"]
        for who in (None, "ID", "VN", "japan", "secretariat")
    }

    # Then outsiders see it, without positions or the steps that recorded them
    hidden = {
        "status": "UNDER_CONSIDERATION",
        "positions": [],
        "history": [
            {"action": "created", "actor": "Authority of VN (VN)"},
            {"action": "submitted", "actor": "JCMA Secretariat"},
            {"action": "circulated", "actor": "JCMA Secretariat"},
        ],
    }
    inside = {
        "status": "UNDER_CONSIDERATION",
        "positions": [{"side": "JAPAN", "position": "CONSENT", "statement": "Agreed."}],
        "history": hidden["history"] + [{"action": "consented", "actor": "MOEJ"}],
    }
    assert before_decision == {None: hidden, "ID": hidden, "VN": inside, "japan": inside, "secretariat": inside}

    # When the partner consents too
    await flow.ok(CONSENT, {"id": proposal["id"]}, "VN")

    # Then everyone sees both positions and every step
    decided = {
        "status": "APPROVED",
        "positions": [
            {"side": "JAPAN", "position": "CONSENT", "statement": "Agreed."},
            {"side": "PARTNER", "position": "CONSENT", "statement": None},
        ],
        "history": inside["history"]
        + [
            {"action": "consented", "actor": "Authority of VN (VN)"},
            {"action": "approved", "actor": "Authority of VN (VN)"},
        ],
    }
    for who in (None, "ID", "VN", "japan", "secretariat"):
        assert (await gql(POSITIONS, {"id": proposal["id"]}, token=await flow.token(who) if who else None))[
            "node"
        ] == decided, who


async def test_an_objection_is_public_once_it_decided(flow, gql):
    proposal = await flow.in_status("UNDER_CONSIDERATION")
    await flow.ok(OBJECT, {"id": proposal["id"], "statement": "Not additional."}, "VN")

    node = (await gql(POSITIONS, {"id": proposal["id"]}))["node"]

    assert node["status"] == "NOT_APPROVED"
    assert node["positions"] == [{"side": "PARTNER", "position": "OBJECTION", "statement": "Not additional."}]
    assert [e["action"] for e in node["history"]] == ["created", "submitted", "circulated", "objected", "notApproved"]


async def test_a_published_item_stays_listed_for_the_public_after_withdrawal(flow, gql):
    published = await flow.in_status("PUBLIC_INPUT", title="Withdrawn after publication")
    await flow.in_status("WITHDRAWN", title="Withdrawn as a draft")
    await flow.ok(WITHDRAW, {"id": published["id"], "reason": "Superseded."}, "secretariat")

    assert (await gql(PROPOSALS, {}))["proposals"] == {
        "totalCount": 1,
        "edges": [{"node": {"title": "Withdrawn after publication", "status": "WITHDRAWN"}}],
    }


# --- the audit trail -------------------------------------------------------------------------

HEX64 = re.compile(r"^[0-9a-f]{64}$")


async def test_the_audit_trail_of_a_proposal(flow, gql, engine):
    # Given a VN proposal taken through several steps in a fresh database
    proposal = await flow.create(who="VN")
    await flow.submit(pk(proposal["id"]), "VN")
    await flow.open_public_input(pk(proposal["id"]))
    await flow.circulate(pk(proposal["id"]), "2026-12-31")
    await flow.position(pk(proposal["id"]), "japan")

    # When the secretariat reads its trail
    trail = (await gql(AUDIT_TRAIL, {"id": proposal["id"]}, token=await flow.token("secretariat")))["auditTrail"]

    # Then every step is there, in order, by whom, chained by hash from the genesis
    assert [(e["action"], e["actor"], e["actorRole"], e["subjectType"], e["subjectId"], e["at"]) for e in trail] == [
        ("created", "Authority of VN (VN)", "PARTNER", "Proposal", proposal["id"], "2026-11-28T09:00:00+00:00"),
        ("submitted", "Authority of VN (VN)", "PARTNER", "Proposal", proposal["id"], "2026-11-28T09:00:00+00:00"),
        (
            "publicInputOpened",
            "JCMA Secretariat",
            "SECRETARIAT",
            "Proposal",
            proposal["id"],
            "2026-11-28T09:00:00+00:00",
        ),
        ("circulated", "JCMA Secretariat", "SECRETARIAT", "Proposal", proposal["id"], "2026-11-28T09:00:00+00:00"),
        ("consented", "MOEJ", "JAPAN", "Proposal", proposal["id"], "2026-11-28T09:00:00+00:00"),
    ]
    assert all(HEX64.match(e["hash"]) and HEX64.match(e["previousHash"]) for e in trail)
    assert trail[0]["previousHash"] == "0" * 64
    assert [e["previousHash"] for e in trail[1:]] == [e["hash"] for e in trail[:-1]]
    assert len({e["hash"] for e in trail}) == len(trail)

    # And Japan and the partner of the committee get the same list; a partner of another committee none
    assert (await gql(AUDIT_TRAIL, {"id": proposal["id"]}, token=await flow.token("japan")))["auditTrail"] == trail
    assert (await gql(AUDIT_TRAIL, {"id": proposal["id"]}, token=await flow.token("VN")))["auditTrail"] == trail
    assert (await gql(AUDIT_TRAIL, {"id": proposal["id"]}, token=await flow.token("ID")))["auditTrail"] == []


async def test_the_audit_trail_is_not_for_the_public(flow, gql, engine):
    proposal = await flow.in_status("PUBLIC_INPUT")
    before = await snapshot(engine, *WORKFLOW_TABLES)

    response = await gql.raw(AUDIT_TRAIL, {"id": proposal["id"]})

    assert response.status_code == 200
    body = response.json()
    assert body["data"] is None
    assert [(e["message"], e["path"], e["extensions"]) for e in body["errors"]] == [
        ("Sign in with a bearer token to do this.", ["auditTrail"], {"code": "UNAUTHENTICATED"})
    ]
    assert await snapshot(engine, *WORKFLOW_TABLES) == before


async def test_the_audit_trail_of_another_committees_published_item_is_empty_for_a_partner(flow, gql):
    proposal = await flow.in_status("APPROVED")

    assert (await gql(AUDIT_TRAIL, {"id": proposal["id"]}, token=await flow.token("ID")))["auditTrail"] == []
    assert [
        e["action"]
        for e in (await gql(AUDIT_TRAIL, {"id": proposal["id"]}, token=await flow.token("VN")))["auditTrail"]
    ] == [
        "created",
        "submitted",
        "circulated",
        "consented",
        "consented",
        "approved",
    ]
