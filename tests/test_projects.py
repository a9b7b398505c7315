"""The project cycle end to end over HTTP (PIN, design document and its public input,
registration, issuance, notification, both governments' authorizations), a PIN objection, the
design document's bad inputs, comments on it, and PIN numbering."""

from datetime import timedelta

import pytest

from api.ids import to_global_id
from models import clock
from tests.support.db import snapshot
from tests.support.documents import DECISION, WITHDRAW
from tests.support.projects import (
    AUTHORIZE,
    COMMENT,
    PDD_URI,
    PROJECT_TABLES,
    PROPOSE_PIN,
    PROPOSE_REGISTRATION,
    RECORD_PDD,
    REQUEST_ISSUANCE,
    SHA,
    allocations,
    pin_input,
)


async def walk(projects, frozen_clock, committee: str, published: int) -> None:
    """One partner's project from its PIN to credits authorized by both governments."""
    # Given a valid methodology and an entity designated in scope 3 in the committee
    methodology = await projects.valid_methodology(frozen_clock, committee)
    tpe = await projects.designated_entity(name=f"Verification {committee} Ltd.", committee=committee)

    # When the partner proposes a PIN and both sides consent
    proposed = await projects.ok(PROPOSE_PIN, pin_input(committee), committee)
    project = proposed["project"]
    assert (project["pinReference"], project["status"], project["reference"]) == (
        f"{committee}_PIN001",
        "PROPOSED",
        None,
    )
    assert (proposed["proposal"]["kind"], proposed["proposal"]["status"]) == ("PLANNED_PROJECT", "DRAFT")
    await projects.decide_over_http(proposed["proposal"]["id"], committee)

    # Then it is PLANNED, and the public sees it
    public = await projects.project(f"{committee}_PIN001", who=None)
    assert public["status"] == "PLANNED" and public["designDocument"] is None

    # When the secretariat records its PDD: public input for 30 days from today, both ends included
    today = clock.today()
    recorded = await projects.ok(RECORD_PDD, {"projectId": project["id"], "uri": PDD_URI, "sha256": SHA}, "secretariat")
    document = recorded["project"]["designDocument"]
    assert document["publicInput"]["opensOn"] == today.isoformat()
    assert document["publicInput"]["closesOn"] == (today + timedelta(days=29)).isoformat()
    assert (document["uri"], document["sha256"], document["recordedOn"]) == (PDD_URI, SHA, today.isoformat())

    # And anyone comments without a token, visible to the public under the PDD
    comment = {"projectId": project["id"], "author": "A. Reader", "body": "Is the baseline conservative?"}
    assert (await projects.ok(COMMENT, comment, None))["comment"]["author"] == "A. Reader"
    public = await projects.project(f"{committee}_PIN001", who=None)
    assert public["designDocument"]["publicInput"]["comments"] == [
        {"author": "A. Reader", "body": "Is the baseline conservative?"}
    ]

    # When the window has closed and the secretariat proposes its registration, and both consent
    frozen_clock.set(frozen_clock.at + timedelta(days=30))
    registration = await projects.ok(
        PROPOSE_REGISTRATION,
        {"projectId": project["id"], "methodologyReference": methodology, "validatorReference": tpe},
        "secretariat",
    )
    assert registration["project"]["status"] == "REGISTRATION_REQUESTED"
    assert registration["proposal"]["kind"] == "PROJECT_REGISTRATION"
    await projects.decide_over_http(registration["proposal"]["id"], committee)

    # Then it is registered under the committee's next number after its published projects
    reference = f"{committee}{published + 1:03d}"
    registered = await projects.project(f"{committee}_PIN001", who=None)
    assert (registered["status"], registered["reference"], registered["registeredOn"]) == (
        "REGISTERED",
        reference,
        clock.today().isoformat(),
    )
    assert registered["methodology"]["reference"] == methodology
    assert registered["validator"] == {"reference": tpe}
    assert await projects.project(reference, who=None) == registered

    # When credits are requested for a monitoring period, and both sides consent
    requested = await projects.ok(
        REQUEST_ISSUANCE,
        {
            "projectReference": reference,
            "monitoringFrom": "2026-01-01",
            "monitoringTo": "2026-06-30",
            "verifierReference": tpe,
            "requestedAmount": 1000,
            "allocations": allocations(),
        },
        "secretariat",
    )
    issuance = requested["issuance"]
    assert (issuance["status"], issuance["number"], issuance["notifiedAmount"]) == ("REQUESTED", 1, None)
    await projects.decide_over_http(requested["proposal"]["id"], committee)

    # Then the committee notified the amount, each holder's share as requested
    notified = await projects.issuance(issuance["id"], who=None)
    assert (notified["status"], notified["notifiedAmount"], notified["notifiedOn"]) == (
        "NOTIFIED",
        1000,
        clock.today().isoformat(),
    )
    assert [(a["holder"], a["notifiedAmount"]) for a in notified["allocations"]] == [
        ("PARTNER_GOVERNMENT", 100),
        ("JAPAN_GOVERNMENT", 400),
        ("PROJECT_PARTICIPANTS", 500),
    ]
    assert (notified["authorized"], notified["authorizedAmount"]) == (False, None)

    # When Japan authorizes 1,000 and the partner 900
    japan = await projects.ok(
        AUTHORIZE, {"issuanceId": issuance["id"], "amount": 1000, "usePurposes": ["NDC"]}, "japan"
    )
    assert (japan["issuance"]["authorized"], japan["issuance"]["authorizedAmount"]) == (False, None)
    partner = await projects.ok(
        AUTHORIZE,
        {"issuanceId": issuance["id"], "amount": 900, "usePurposes": ["NDC", "OTHER_INTERNATIONAL_MITIGATION"]},
        committee,
    )

    # Then both have authorized, for the smaller amount
    assert (partner["issuance"]["authorized"], partner["issuance"]["authorizedAmount"]) == (True, 900)
    assert [(a["side"], a["amount"], a["usePurposes"]) for a in partner["issuance"]["authorizations"]] == [
        ("JAPAN", 1000, ["NDC"]),
        ("PARTNER", 900, ["NDC", "OTHER_INTERNATIONAL_MITIGATION"]),
    ]
    # And the project lists the PIN, registration and issuance decisions, oldest first
    final = await projects.project(reference, who=None)
    assert [(d["kind"], d["outcome"]) for d in final["decisions"]] == [
        ("PLANNED_PROJECT", "APPROVED"),
        ("PROJECT_REGISTRATION", "APPROVED"),
        ("CREDIT_ISSUANCE", "APPROVED"),
    ]
    assert final["issuances"] == [
        {"number": 1, "status": "NOTIFIED", "requestedAmount": 1000, "notifiedAmount": 1000, "authorized": True}
    ]


async def test_two_partners_walk_from_pin_to_authorized_credits_each_with_its_own_numbers(projects, frozen_clock):
    # Viet Nam has 50 published projects in the seed, Mongolia 11
    await walk(projects, frozen_clock, "VN", published=50)
    await walk(projects, frozen_clock, "MN", published=11)
    assert (await projects.project("VN051", who=None))["pinReference"] == "VN_PIN001"
    assert (await projects.project("MN012", who=None))["pinReference"] == "MN_PIN001"


async def test_an_objection_to_a_pin_publishes_the_project_as_objected_with_the_statement(projects):
    # Given a PIN circulated to the committee
    proposed = await projects.pin("LK")

    # When the Japanese side objects, with its reason
    statement = "Additionality is not demonstrated."
    payload = await projects.decide_over_http(to_global_id("Proposal", proposed.proposal.id), "LK", objection=statement)

    # Then the project is OBJECTED, and the public reads the decision with the statement
    project = await projects.project("LK_PIN001", who=None)
    assert project["status"] == "OBJECTED"
    assert project["decisions"] == [
        {"reference": payload["decision"]["reference"], "kind": "PLANNED_PROJECT", "outcome": "NOT_APPROVED"}
    ]
    decision = (await projects.gql(DECISION, {"reference": payload["decision"]["reference"]}))["decision"]
    assert decision["positions"] == [{"side": "JAPAN", "position": "OBJECTION", "statement": statement}]


async def test_a_withdrawn_pin_proposal_withdraws_the_project(projects):
    # Given a PIN proposed by the partner, still a DRAFT
    proposed = await projects.ok(PROPOSE_PIN, pin_input(), "VN")

    # When the secretariat withdraws its proposal
    await projects.ok(WITHDRAW, {"id": proposed["proposal"]["id"], "reason": "Merged with another PIN."}, "secretariat")

    # Then the project is WITHDRAWN, never published, and takes no design document
    assert (await projects.project("VN_PIN001"))["status"] == "WITHDRAWN"
    assert await projects.project("VN_PIN001", who=None) is None
    pdd = {"projectId": proposed["project"]["id"], "uri": PDD_URI, "sha256": SHA}
    await projects.refused(RECORD_PDD, pdd, "secretariat", "INVALID_TRANSITION", "projectId")


async def test_a_project_mutation_given_another_kind_of_id_names_the_field(projects):
    proposal = await projects.in_status("PUBLIC_INPUT")
    pdd = {"projectId": proposal["id"], "uri": PDD_URI, "sha256": SHA}
    assert "not the id of a Project" in await projects.refused(
        RECORD_PDD, pdd, "secretariat", "INVALID_INPUT", "projectId"
    )


# --- the design document and its public input -------------------------------------------------


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"sha256": "not-a-digest"}, "sha256"),
        ({"sha256": SHA[:-1]}, "sha256"),
        ({"uri": "ftp://example.org/pdd.pdf"}, "uri"),
        ({"uri": "https://example.org/a pdd.pdf"}, "uri"),
        ({"uri": "https://"}, "uri"),
        ({"uri": "https:///pdd.pdf"}, "uri"),
        ({"uri": "http://[bad/pdd.pdf"}, "uri"),
        ({"publicInputDays": 0}, "publicInputDays"),
        ({"publicInputDays": 91}, "publicInputDays"),
    ],
    ids=[
        "sha-not-hex",
        "sha-short",
        "uri-not-http",
        "uri-with-space",
        "uri-without-host",
        "uri-with-empty-host",
        "uri-bad-ipv6",
        "days-0",
        "days-91",
    ],
)
async def test_a_design_document_with_bad_input_is_refused_naming_the_field(projects, change, field):
    # Given a PLANNED project
    project = await projects.planned()

    # When / Then
    good = {"projectId": to_global_id("Project", project.id), "uri": PDD_URI, "sha256": SHA}
    await projects.refused(RECORD_PDD, good | change, "secretariat", "INVALID_INPUT", field)


async def test_a_design_document_is_recorded_once_for_a_planned_project_by_the_secretariat(projects):
    # Given a PIN still before the committee, and a PLANNED project whose PDD is recorded
    proposed = await projects.pin()
    planned = await projects.planned()
    await projects.with_pdd(planned.id)
    pdd = {"uri": PDD_URI, "sha256": SHA}

    # When / Then: not PLANNED, recorded twice, not the secretariat
    message = await projects.refused(
        RECORD_PDD,
        pdd | {"projectId": to_global_id("Project", proposed.project.id)},
        "secretariat",
        "INVALID_TRANSITION",
        "projectId",
    )
    assert "VN_PIN001 is PROPOSED" in message
    again = pdd | {"projectId": to_global_id("Project", planned.id)}
    assert "recorded once" in await projects.refused(
        RECORD_PDD, again, "secretariat", "INVALID_TRANSITION", "projectId"
    )
    await projects.refused(RECORD_PDD, again, "japan", "FORBIDDEN", None)
    await projects.refused(RECORD_PDD, again, "VN", "FORBIDDEN", None)
    await projects.refused(RECORD_PDD, again, None, "UNAUTHENTICATED", None)


async def test_comments_on_a_design_document_close_with_its_window(projects, frozen_clock):
    # Given a PDD open for public input for 3 days
    project = await projects.planned()
    await projects.with_pdd(project.id, days=3)
    comment = {"projectId": to_global_id("Project", project.id), "author": "A. Reader", "body": "Fine."}

    # When one comments on its last day, it is taken
    frozen_clock.set(frozen_clock.at + timedelta(days=2))
    await projects.ok(COMMENT, comment, None)

    # When one comments the day after, it is refused and nothing is written
    frozen_clock.set(frozen_clock.at + timedelta(days=1))
    message = await projects.refused(COMMENT, comment, None, "WINDOW_CLOSED", "projectId")
    assert "It closed on 2026-11-30" in message


async def test_a_comment_on_a_project_without_a_design_document_is_refused(projects):
    project = await projects.planned()
    comment = {"projectId": to_global_id("Project", project.id), "author": "A. Reader", "body": "Fine."}
    await projects.refused(COMMENT, comment, None, "WINDOW_CLOSED", "projectId")


@pytest.mark.parametrize("both", [True, False], ids=["both", "neither"])
async def test_a_comment_names_exactly_one_of_proposal_and_project(projects, both):
    # Given a PDD in public input, and a proposal in public input
    project = await projects.planned()
    await projects.with_pdd(project.id)
    proposal = await projects.in_status("PUBLIC_INPUT")
    comment = {"author": "A. Reader", "body": "Fine."}
    if both:
        comment |= {"projectId": to_global_id("Project", project.id), "proposalId": proposal["id"]}

    # When / Then
    message = await projects.refused(COMMENT, comment, None, "INVALID_INPUT", "proposalId")
    assert "exactly one of proposalId" in message and "projectId" in message


# --- numbering ----------------------------------------------------------------------------------


async def test_pin_numbers_are_gapless_per_committee_and_refused_pins_use_none(projects, engine):
    # Given VN_PIN001
    first = await projects.ok(PROPOSE_PIN, pin_input(), "secretariat")
    assert first["project"]["pinReference"] == "VN_PIN001"
    before = await snapshot(engine, *PROJECT_TABLES)

    # When PINs with bad input are proposed, by an allowed caller
    await projects.refused(PROPOSE_PIN, pin_input(sectoralScopes=[16]), "VN", "INVALID_INPUT", "sectoralScopes")
    await projects.refused(PROPOSE_PIN, pin_input(title="  "), "VN", "INVALID_INPUT", "title")
    await projects.refused(PROPOSE_PIN, pin_input(participants=[]), "japan", "INVALID_INPUT", "participants")
    dup = ["Example Co.", "example co."]
    await projects.refused(PROPOSE_PIN, pin_input(participants=dup), "VN", "INVALID_INPUT", "participants.1")
    await projects.refused(PROPOSE_PIN, pin_input("XX"), "secretariat", "NOT_FOUND", "committeeCode")
    # or by a caller who may not
    await projects.refused(PROPOSE_PIN, pin_input(), "MN", "FORBIDDEN", None)
    await projects.refused(PROPOSE_PIN, pin_input(), None, "UNAUTHENTICATED", None)
    assert await snapshot(engine, *PROJECT_TABLES) == before

    # Then the next PIN takes the next number, and another committee starts its own at 001
    assert (await projects.ok(PROPOSE_PIN, pin_input(), "japan"))["project"]["pinReference"] == "VN_PIN002"
    assert (await projects.ok(PROPOSE_PIN, pin_input("MN"), "MN"))["project"]["pinReference"] == "MN_PIN001"
    assert (await projects.ok(PROPOSE_PIN, pin_input(), "VN"))["project"]["pinReference"] == "VN_PIN003"
