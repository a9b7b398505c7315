"""The whole methodology cycle through GraphQL: proposed, public input, approved, revised."""

from datetime import UTC, datetime

from tests.support.documents import CIRCULATE, COMMENT, CONSENT, OPEN_PUBLIC_INPUT, SUBMIT
from tests.support.methodologies import CYCLE_PROPOSE, CYCLE_REVISE

METHODOLOGY = """
query ($reference: String!) {
  methodology(reference: $reference) {
    proposedReference reference version status approvedOn title summary
    sectoralScopes { number }
    publicInput { opensOn closesOn comments { author body } }
    decision { reference outcome }
    versions { version status approvedOn summary }
  }
}
"""

DECISION_SUBJECT = """
query ($reference: String!) {
  decision(reference: $reference) { reference subject { __typename ... on Methodology { reference version status } } }
}
"""


def at(day: str) -> datetime:
    return datetime.fromisoformat(f"{day}T09:00:00+00:00").astimezone(UTC)


async def test_a_methodology_is_proposed_commented_approved_and_revised(flow, gql, frozen_clock):

    # Given a proposed methodology in Viet Nam
    proposed = await flow.ok(
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
    assert proposed["methodology"] | {"id": None} == {
        "id": None,
        "proposedReference": "VN_PM001",
        "reference": None,
        "version": None,
        "status": "PROPOSED",
        "title": "Energy saving by high-efficiency chillers",
        "proponent": "Example Engineering Co.",
        "sectoralScopes": [
            {"number": 1, "name": "Energy industries (renewable/non-renewable sources)"},
            {"number": 3, "name": "Energy demand"},
        ],
    }
    assert proposed["proposal"] | {"id": None} == {
        "id": None,
        "kind": "METHODOLOGY_APPROVAL",
        "status": "DRAFT",
        "title": "VN_PM001: Energy saving by high-efficiency chillers",
    }
    proposal_id = proposed["proposal"]["id"]

    # When it goes through submission and public input with a comment
    await flow.ok(SUBMIT, {"id": proposal_id}, "VN")
    opened = await flow.ok(OPEN_PUBLIC_INPUT, {"id": proposal_id}, "secretariat")
    assert opened["proposal"]["publicInput"] == {"opensOn": "2026-11-28", "closesOn": "2026-12-12", "comments": []}
    await flow.ok(COMMENT, {"proposalId": proposal_id, "author": "A. Engineer", "body": "Monitor the COP too."}, None)

    # then circulation is refused until the window has closed
    early = await flow.call(
        CIRCULATE, {"id": proposal_id, "mode": "ELECTRONIC", "deadline": "2026-12-20"}, "secretariat"
    )
    assert early["userErrors"] == [
        {
            "code": "INVALID_TRANSITION",
            "message": "Public input is open until 2026-12-12; circulate it after the window has closed.",
            "field": None,
        }
    ]

    # and after it, both sides consent
    frozen_clock.set(at("2026-12-14"))
    await flow.ok(CIRCULATE, {"id": proposal_id, "mode": "ELECTRONIC", "deadline": "2027-01-20"}, "secretariat")
    await flow.ok(CONSENT, {"id": proposal_id}, "japan")
    decided = await flow.ok(CONSENT, {"id": proposal_id}, "VN")

    # Then it is VN_AM001 ver01.0, valid, found by either reference
    assert decided["decision"]["reference"] == "JC-VN-2026-001"
    approved = (await gql(METHODOLOGY, {"reference": "VN_AM001"}))["methodology"]
    assert approved == {
        "proposedReference": "VN_PM001",
        "reference": "VN_AM001",
        "version": "ver01.0",
        "status": "VALID",
        "approvedOn": "2026-12-14",
        "title": "Energy saving by high-efficiency chillers",
        "summary": "Replaces old chillers.",
        "sectoralScopes": [{"number": 1}, {"number": 3}],
        "publicInput": {
            "opensOn": "2026-11-28",
            "closesOn": "2026-12-12",
            "comments": [{"author": "A. Engineer", "body": "Monitor the COP too."}],
        },
        "decision": {"reference": "JC-VN-2026-001", "outcome": "APPROVED"},
        "versions": [
            {"version": "ver01.0", "status": "VALID", "approvedOn": "2026-12-14", "summary": "Replaces old chillers."}
        ],
    }
    assert (await gql(METHODOLOGY, {"reference": "vn_pm001"}))["methodology"]["reference"] == "VN_AM001"
    assert await gql(DECISION_SUBJECT, {"reference": "JC-VN-2026-001"}) == {
        "decision": {
            "reference": "JC-VN-2026-001",
            "subject": {"__typename": "Methodology", "reference": "VN_AM001", "version": "ver01.0", "status": "VALID"},
        }
    }

    # When a revision is proposed and approved
    revision = await flow.ok(CYCLE_REVISE, {"reference": "VN_AM001", "summary": "Adds a default COP."}, "japan")
    assert revision["methodology"] | {"id": None} == {
        "id": None,
        "proposedReference": "VN_PM001",
        "reference": "VN_AM001",
        "version": None,
        "status": "PROPOSED",
        "summary": "Adds a default COP.",
    }
    second = await flow.call(CYCLE_REVISE, {"reference": "VN_AM001", "summary": "Another change."}, "secretariat")
    assert second["userErrors"] == [
        {
            "code": "INVALID_TRANSITION",
            "message": "A revision of VN_AM001 is already open; decide or withdraw it first.",
            "field": ["reference"],
        }
    ]
    revision_id = revision["proposal"]["id"]
    await flow.ok(SUBMIT, {"id": revision_id}, "japan")
    await flow.ok(CIRCULATE, {"id": revision_id, "mode": "ELECTRONIC", "deadline": "2027-01-31"}, "secretariat")
    await flow.ok(CONSENT, {"id": revision_id}, "japan")
    await flow.ok(CONSENT, {"id": revision_id}, "VN")

    # Then ver02.0 is valid under the same AM reference and ver01.0 is superseded but readable
    revised = (await gql(METHODOLOGY, {"reference": "VN_AM001"}))["methodology"]
    assert (revised["version"], revised["status"], revised["summary"]) == ("ver02.0", "VALID", "Adds a default COP.")
    assert revised["versions"] == [
        {"version": "ver02.0", "status": "VALID", "approvedOn": "2026-12-14", "summary": "Adds a default COP."},
        {"version": "ver01.0", "status": "SUPERSEDED", "approvedOn": "2026-12-14", "summary": "Replaces old chillers."},
    ]
