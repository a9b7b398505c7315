"""requestIssuance: every unmet condition refused with its own error and no trace; a period
withdrawn may be requested again; a withdrawn project takes no more requests."""

from typing import Any

import pytest

from api.ids import to_global_id
from models import clock
from models.enums import ProposalKind
from resolvers.projects import propose_registration, propose_withdrawal
from resolvers.proposals import withdraw_proposal
from tests.support.documents import WITHDRAW
from tests.support.projects import AUTHORIZE, PROPOSE_WITHDRAWAL, REQUEST_ISSUANCE, ProjectSteps, allocations


async def catalogue(projects: ProjectSteps, frozen_clock: Any) -> dict[str, Any]:
    """VN051 registered (methodology and TPE-VN-001, both functions in scope 3) with three
    requests: 2024 NOTIFIED, Jan–Jun 2025 REQUESTED, Jul–Sep 2025 WITHDRAWN; VN052 registered and
    then withdrawn by decision; entities "validation_only" (VN) and "mn_tpe" (MN)."""
    made: dict[str, Any] = dict(await projects.registered(frozen_clock))
    notified = await projects.requested(made["reference"], made["tpe"], ("2024-01-01", "2024-12-31"))
    await projects.decide(notified.proposal.id)
    made["notified"] = to_global_id("CreditIssuance", notified.issuance.id)
    requested = await projects.requested(made["reference"], made["tpe"], ("2025-01-01", "2025-06-30"))
    made["requested"] = to_global_id("CreditIssuance", requested.issuance.id)
    made["requested_proposal"] = to_global_id("Proposal", requested.proposal.id)
    withdrawn = await projects.requested(made["reference"], made["tpe"], ("2025-07-01", "2025-09-30"))
    await projects.run("secretariat", withdraw_proposal, proposal_id=withdrawn.proposal.id, reason="Resubmitted.")

    second = await projects.with_closed_pdd(frozen_clock)
    registration = await projects.run(
        "secretariat",
        propose_registration,
        project_id=second.id,
        methodology_reference=made["methodology"],
        validator_reference=made["tpe"],
    )
    await projects.decide(registration.proposal.id)
    withdrawal = await projects.run("secretariat", propose_withdrawal, project_id=second.id, reason="Plant closed.")
    assert withdrawal.proposal.kind is ProposalKind.PROJECT_WITHDRAWAL
    await projects.decide(withdrawal.proposal.id)

    made["validation_only"] = await projects.designated_entity("Validation Ltd.", validation=(3,), verification=())
    made["mn_tpe"] = await projects.designated_entity("Mongolian Ltd.", committee="MN")
    return made


@pytest.fixture
async def made(projects, frozen_clock, prebuilt) -> dict[str, Any]:
    return await prebuilt(catalogue, projects, frozen_clock)


def request(made: dict[str, Any], **change: Any) -> dict[str, Any]:
    """Oct–Dec 2025 of VN051, verified by TPE-VN-001, 1,000 split 100/400/500; with `change`."""
    return {
        "projectReference": made["reference"],
        "monitoringFrom": "2025-10-01",
        "monitoringTo": "2025-12-31",
        "verifierReference": made["tpe"],
        "requestedAmount": 1000,
        "allocations": allocations(),
    } | {key: made.get(value, value) if isinstance(value, str) else value for key, value in change.items()}


async def test_a_request_for_a_new_period_opens_an_issuance_proposal(projects, made):
    # When
    payload = await projects.ok(REQUEST_ISSUANCE, request(made), "secretariat")

    # Then
    issuance = payload["issuance"]
    assert (issuance["number"], issuance["status"], issuance["requestedAmount"]) == (4, "REQUESTED", 1000)
    assert issuance["verifier"] == {"reference": made["tpe"]}
    assert [(a["holder"], a["requestedAmount"], a["notifiedAmount"]) for a in issuance["allocations"]] == [
        ("PARTNER_GOVERNMENT", 100, 0),
        ("JAPAN_GOVERNMENT", 400, 0),
        ("PROJECT_PARTICIPANTS", 500, 0),
    ]
    assert (payload["proposal"]["kind"], payload["proposal"]["status"]) == ("CREDIT_ISSUANCE", "DRAFT")


async def test_a_period_of_a_withdrawn_request_may_be_requested_again(projects, made):
    payload = await projects.ok(
        REQUEST_ISSUANCE, request(made, monitoringFrom="2025-07-01", monitoringTo="2025-09-30"), "secretariat"
    )
    assert payload["issuance"]["status"] == "REQUESTED"


def share(holder: str, amount: int) -> dict[str, Any]:
    return {"holder": holder, "amount": amount}


CASES = [
    ("unknown-project", {"projectReference": "VN099"}, "NOT_FOUND", "projectReference", "VN099"),
    ("pin-reference", {"projectReference": "VN_PIN001"}, "NOT_FOUND", "projectReference", "No registered project"),
    ("withdrawn-project", {"projectReference": "VN052"}, "INVALID_TRANSITION", "projectReference", "WITHDRAWN"),
    (
        "from-after-to",
        {"monitoringFrom": "2025-12-31", "monitoringTo": "2025-10-01"},
        "INVALID_INPUT",
        "monitoringTo",
        "before monitoringFrom",
    ),
    ("to-in-future", {"monitoringTo": "2026-12-31"}, "INVALID_INPUT", "monitoringTo", "in the future"),
    ("overlaps-requested", {"monitoringFrom": "2025-06-30"}, "INVALID_INPUT", "monitoringFrom", "overlaps request 2"),
    ("overlaps-notified", {"monitoringFrom": "2024-12-31"}, "INVALID_INPUT", "monitoringFrom", "NOTIFIED"),
    ("unknown-verifier", {"verifierReference": "TPE-VN-099"}, "NOT_FOUND", "verifierReference", "TPE-VN-099"),
    ("verifier-of-mn", {"verifierReference": "mn_tpe"}, "INVALID_INPUT", "verifierReference", "another committee"),
    (
        "validator-only",
        {"verifierReference": "validation_only"},
        "INVALID_INPUT",
        "verifierReference",
        "VALIDATION only",
    ),
    ("amount-0", {"requestedAmount": 0}, "INVALID_INPUT", "requestedAmount", "above 0"),
    ("amount-negative", {"requestedAmount": -1000}, "INVALID_INPUT", "requestedAmount", "above 0"),
    ("not-summing", {"allocations": allocations(100, 400, 499)}, "INVALID_INPUT", "allocations", "add up to 999"),
    (
        "holder-twice",
        {"allocations": [share("JAPAN_GOVERNMENT", 500), share("JAPAN_GOVERNMENT", 500)]},
        "INVALID_INPUT",
        "allocations.1.holder",
        "allocated twice",
    ),
    (
        "negative-share",
        {"allocations": allocations(-100, 600, 500)},
        "INVALID_INPUT",
        "allocations.0.amount",
        "negative",
    ),
    ("no-allocations", {"allocations": []}, "INVALID_INPUT", "allocations", "at least one allocation"),
]


@pytest.mark.parametrize(("case", "change", "code", "field", "says"), CASES, ids=[c[0] for c in CASES])
async def test_each_unmet_issuance_condition_is_its_own_error(projects, made, case, change, code, field, says):
    # When the secretariat requests credits with one condition unmet
    message = await projects.refused(REQUEST_ISSUANCE, request(made, **change), "secretariat", code, field)

    # Then the error says which (and nothing was written: see `refused`)
    assert says in message, message


@pytest.mark.parametrize(("who", "code"), [("japan", "FORBIDDEN"), ("VN", "FORBIDDEN"), (None, "UNAUTHENTICATED")])
async def test_only_the_secretariat_requests_credits(projects, made, who, code):
    await projects.refused(REQUEST_ISSUANCE, request(made), who, code, None)


async def test_a_withdrawn_issuance_proposal_withdraws_the_request(projects, made):
    # When the REQUESTED issuance's proposal is withdrawn
    await projects.ok(WITHDRAW, {"id": made["requested_proposal"], "reason": "Verification redone."}, "secretariat")

    # Then the request is WITHDRAWN, and its period may be requested again
    assert (await projects.issuance(made["requested"]))["status"] == "WITHDRAWN"
    again = request(made, monitoringFrom="2025-01-01", monitoringTo="2025-06-30")
    assert (await projects.ok(REQUEST_ISSUANCE, again, "secretariat"))["issuance"]["number"] == 4


async def test_an_objection_to_an_issuance_leaves_it_not_approved_and_unauthorizable(projects, made):
    # When Japan objects to the REQUESTED issuance
    proposal = made["requested_proposal"]
    await projects.decide_over_http(proposal, objection="The verification report is incomplete.")

    # Then it is NOT_APPROVED, nothing notified, and no government authorizes it
    issuance = await projects.issuance(made["requested"], who=None)
    assert (issuance["status"], issuance["notifiedAmount"]) == ("NOT_APPROVED", None)
    assert issuance["decision"]["outcome"] == "NOT_APPROVED"
    authorize = {"issuanceId": made["requested"], "amount": 1, "usePurposes": ["NDC"]}
    await projects.refused(AUTHORIZE, authorize, "japan", "INVALID_TRANSITION", "issuanceId")


async def test_a_project_withdrawn_by_decision_takes_no_more_requests(projects, made):
    withdrawal = {"projectId": made["id"], "reason": "Plant closed."}
    # Given a request still before the committee, the project's withdrawal is refused: approving
    # both would notify credits of a withdrawn project
    message = await projects.refused(PROPOSE_WITHDRAWAL, withdrawal, "VN", "INVALID_TRANSITION", "projectId")
    assert "Issuance request 2 of VN051 awaits the committee's decision" in message, message
    await projects.ok(WITHDRAW, {"id": made["requested_proposal"], "reason": "Project closing."}, "secretariat")

    # When the partner proposes the withdrawal
    proposed = await projects.ok(PROPOSE_WITHDRAWAL, withdrawal, "VN")
    assert proposed["project"]["status"] == "REGISTERED"

    # Then while it is open, neither a second withdrawal nor a new request is taken
    again = {"projectId": made["id"], "reason": "Again."}
    assert "already proposed" in await projects.refused(
        PROPOSE_WITHDRAWAL, again, "japan", "INVALID_TRANSITION", "projectId"
    )
    message = await projects.refused(
        REQUEST_ISSUANCE, request(made), "secretariat", "INVALID_TRANSITION", "projectReference"
    )
    assert "withdrawal of VN051 is proposed" in message, message

    # When both sides approve it, the project is WITHDRAWN, listed with the decision
    await projects.decide_over_http(proposed["proposal"]["id"])
    project = await projects.project(made["reference"], who=None)
    assert project["status"] == "WITHDRAWN"
    assert project["decisions"][-1]["kind"] == "PROJECT_WITHDRAWAL"

    # And credits are no longer requested for it, nor is it withdrawn again
    message = await projects.refused(
        REQUEST_ISSUANCE, request(made), "secretariat", "INVALID_TRANSITION", "projectReference"
    )
    assert "VN051 is WITHDRAWN" in message, message
    await projects.refused(PROPOSE_WITHDRAWAL, again, "secretariat", "INVALID_TRANSITION", "projectId")


@pytest.mark.parametrize(("who", "code"), [("MN", "FORBIDDEN"), (None, "UNAUTHENTICATED")])
async def test_a_project_withdrawal_is_proposed_by_its_committee_only(projects, made, who, code):
    withdrawal = {"projectId": made["id"], "reason": "Plant closed."}
    await projects.refused(PROPOSE_WITHDRAWAL, withdrawal, who, code, None)


# --- Article 6.3 authorizations ---------------------------------------------------------------


def authorization(made: dict[str, Any], issuance: str = "notified", **change: Any) -> dict[str, Any]:
    return {"issuanceId": made[issuance], "amount": 1000, "usePurposes": ["NDC"]} | change


AUTHORIZATION_CASES = [
    ("not-notified", {"issuance": "requested"}, "INVALID_TRANSITION", "issuanceId", "REQUESTED"),
    ("above-notified", {"amount": 1001}, "INVALID_INPUT", "amount", "more than the committee notified"),
    ("zero", {"amount": 0}, "INVALID_INPUT", "amount", "above 0"),
    ("no-purpose", {"usePurposes": []}, "INVALID_INPUT", "usePurposes", "at least one use purpose"),
]


@pytest.mark.parametrize("who", ["japan", "VN"])
@pytest.mark.parametrize(
    ("case", "change", "code", "field", "says"), AUTHORIZATION_CASES, ids=[c[0] for c in AUTHORIZATION_CASES]
)
async def test_each_bad_authorization_is_its_own_error(projects, made, who, case, change, code, field, says):
    message = await projects.refused(AUTHORIZE, authorization(made, **change), who, code, field)
    assert says in message, message


@pytest.mark.parametrize(
    ("who", "code"), [("secretariat", "FORBIDDEN"), ("MN", "FORBIDDEN"), (None, "UNAUTHENTICATED")]
)
async def test_only_the_two_governments_authorize(projects, made, who, code):
    await projects.refused(AUTHORIZE, authorization(made), who, code, None)


@pytest.mark.parametrize("first", ["japan", "VN"])
async def test_each_government_authorizes_once_and_both_make_the_credits_authorized(projects, made, first):
    # Given one government's authorization of 800
    second, today = ("VN" if first == "japan" else "japan"), clock.today().isoformat()
    once = await projects.ok(AUTHORIZE, authorization(made, amount=800), first)
    assert (once["issuance"]["authorized"], once["issuance"]["authorizedAmount"]) == (False, None)

    # When the same government authorizes again, it is refused with a clear error and no trace
    message = await projects.refused(AUTHORIZE, authorization(made), first, "INVALID_TRANSITION", "issuanceId")
    assert f"already authorized these credits on {today} (800 t-CO2e)" in message, message

    # When the other government authorizes the whole 1,000, for both purposes
    both = await projects.ok(
        AUTHORIZE, authorization(made, usePurposes=["OTHER_INTERNATIONAL_MITIGATION", "NDC", "NDC"]), second
    )

    # Then the credits are authorized for the smaller amount, each side's authorization listed
    issuance = both["issuance"]
    assert (issuance["authorized"], issuance["authorizedAmount"]) == (True, 800)
    sides = {a["side"]: (a["amount"], a["usePurposes"], a["authorizedOn"]) for a in issuance["authorizations"]}
    mine, other = ("JAPAN", "PARTNER") if first == "japan" else ("PARTNER", "JAPAN")
    assert sides == {
        mine: (800, ["NDC"], today),
        other: (1000, ["NDC", "OTHER_INTERNATIONAL_MITIGATION"], today),
    }
    # And the public reads the same
    assert (await projects.issuance(made["notified"], who=None))["authorizedAmount"] == 800


async def test_the_issuances_audit_trail_shows_each_governments_authorization(projects, made, gql):
    # Given both governments authorized the notified issuance
    await projects.ok(AUTHORIZE, authorization(made, amount=800), "japan")
    await projects.ok(AUTHORIZE, authorization(made), "VN")

    # When the secretariat reads the issuance's audit trail
    trail = (
        await gql(
            "query ($id: ID!) { auditTrail(subjectId: $id) { action actor after } }",
            {"id": made["notified"]},
            token=await projects.token("secretariat"),
        )
    )["auditTrail"]

    # Then it holds the request, the notification and both authorizations, each with its side and amount
    actions = [event["action"] for event in trail]
    assert actions[:2] == ["issuanceRequested", "issuanceNotified"] and actions[2:] == ["creditsAuthorized"] * 2
    authorized = [
        (e["actor"], e["after"]["authorization"]["side"], e["after"]["authorization"]["amount"]) for e in trail[2:]
    ]
    assert authorized == [("MOEJ", "JAPAN", 800), ("Authority of VN (VN)", "PARTNER", 1000)]
