"""The rules along the way: reasons and statements, public input and comments, circulation at a
meeting or electronically, methodologies, lapsing without a background job, due dates, and the
decision register with its references, filters and pages."""

import base64
import json
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from api.ids import to_global_id
from models.db import new_session
from models.enums import DecisionMode, Position, ProposalKind, Role
from models.principal import Principal
from resolvers.meetings import schedule_meeting
from resolvers.positions import give_position
from resolvers.proposals import circulate_proposal, create_proposal, submit_proposal
from tests.support.db import count_statements, snapshot
from tests.support.documents import (
    AUDIT_TRAIL,
    CIRCULATE,
    COMMENT,
    CONSENT,
    DECISION,
    DECISIONS,
    OBJECT,
    OPEN_PUBLIC_INPUT,
    PROPOSALS,
    RETURN,
    SUBMIT,
    WITHDRAW,
    WORKFLOW_TABLES,
)
from tests.support.workflow import Workflow, pk


def at(day: str, hour: int = 9) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=UTC)


def invalid(field: str, message: str) -> dict:
    return {"code": "INVALID_INPUT", "message": message, "field": [field]}


async def side_position_rows(engine) -> list[tuple]:
    async with engine.connect() as connection:
        return [
            tuple(row)
            for row in await connection.execute(
                sa.text("SELECT round, side, position, statement FROM side_position ORDER BY id")
            )
        ]


# --- reasons ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("document", "status", "reason", "error"),
    [
        (RETURN, "SUBMITTED", "", invalid("reason", "reason must not be blank.")),
        (RETURN, "SUBMITTED", "  \n ", invalid("reason", "reason must not be blank.")),
        (RETURN, "SUBMITTED", "x" * 5001, invalid("reason", "reason must be at most 5000 characters (got 5001).")),
        (WITHDRAW, "DRAFT", "", invalid("reason", "reason must not be blank.")),
        (WITHDRAW, "UNDER_CONSIDERATION", "\t", invalid("reason", "reason must not be blank.")),
        (WITHDRAW, "PUBLIC_INPUT", "x" * 5001, invalid("reason", "reason must be at most 5000 characters (got 5001).")),
    ],
    ids=["return-empty", "return-blank", "return-too-long", "withdraw-empty", "withdraw-blank", "withdraw-too-long"],
)
async def test_return_and_withdraw_need_a_reason(flow, engine, document, status, reason, error):
    proposal = await flow.in_status(status)
    before = await snapshot(engine, *WORKFLOW_TABLES)

    payload = await flow.call(document, {"id": proposal["id"], "reason": reason}, "secretariat")

    assert payload == {"proposal": None, "userErrors": [error]}
    assert await snapshot(engine, *WORKFLOW_TABLES) == before


async def test_a_returned_proposal_shows_the_reason_and_can_be_resubmitted(flow, frozen_clock):
    # Given a partner's submitted proposal
    proposal = await flow.create(who="VN")
    await flow.submit(pk(proposal["id"]), "VN")

    # When the secretariat returns it, and the partner resubmits it two days later
    returned = await flow.ok(RETURN, {"id": proposal["id"], "reason": "  Annex II is missing.  "}, "secretariat")
    frozen_clock.set(at("2026-11-30"))
    resubmitted = await flow.ok(SUBMIT, {"id": proposal["id"], "expectedVersion": 3}, "VN")

    # Then
    assert returned["proposal"]["status"] == "RETURNED"
    assert (returned["proposal"]["dueOn"], returned["proposal"]["overdue"]) == (None, False)
    assert resubmitted["proposal"]["status"] == "SUBMITTED"
    assert resubmitted["proposal"]["dueOn"] == "2026-12-07"  # seven days from the new submission
    assert resubmitted["proposal"]["history"] == [
        {"action": "created", "actor": "Authority of VN (VN)", "fromStatus": None, "toStatus": "DRAFT", "note": None},
        {
            "action": "submitted",
            "actor": "Authority of VN (VN)",
            "fromStatus": "DRAFT",
            "toStatus": "SUBMITTED",
            "note": None,
        },
        {
            "action": "returned",
            "actor": "JCMA Secretariat",
            "fromStatus": "SUBMITTED",
            "toStatus": "RETURNED",
            "note": "Annex II is missing.",
        },
        {
            "action": "submitted",
            "actor": "Authority of VN (VN)",
            "fromStatus": "RETURNED",
            "toStatus": "SUBMITTED",
            "note": None,
        },
    ]


async def test_a_withdrawal_shows_its_reason(flow):
    proposal = await flow.in_status("PUBLIC_INPUT", proposer="japan")

    payload = await flow.ok(WITHDRAW, {"id": proposal["id"], "reason": "Superseded by a revised request."}, "japan")

    assert payload["proposal"]["status"] == "WITHDRAWN"
    assert payload["proposal"]["history"][-1] == {
        "action": "withdrawn",
        "actor": "MOEJ",
        "fromStatus": "PUBLIC_INPUT",
        "toStatus": "WITHDRAWN",
        "note": "Superseded by a revised request.",
    }
    assert (payload["proposal"]["dueOn"], payload["proposal"]["overdue"]) == (None, False)


# --- positions -------------------------------------------------------------------------------


@pytest.mark.parametrize("statement", [None, "", "   "], ids=["missing", "empty", "blank"])
async def test_an_objection_needs_a_statement(flow, engine, statement):
    proposal = await flow.in_status("UNDER_CONSIDERATION")
    before = await snapshot(engine, *WORKFLOW_TABLES)
    input_ = {"id": proposal["id"]} | ({} if statement is None else {"statement": statement})

    payload = await flow.call(OBJECT, input_, "VN")

    assert payload == {
        "proposal": None,
        "decision": None,
        "userErrors": [invalid("statement", "An objection needs a statement of its reasons.")],
    }
    assert await snapshot(engine, *WORKFLOW_TABLES) == before


async def test_a_statement_is_at_most_5000_characters(flow, engine):
    proposal = await flow.in_status("UNDER_CONSIDERATION")

    payload = await flow.call(CONSENT, {"id": proposal["id"], "statement": "x" * 5001}, "japan")

    assert payload["userErrors"] == [invalid("statement", "statement must be at most 5000 characters (got 5001).")]
    assert await side_position_rows(engine) == []


async def test_one_objection_decides_not_approved_at_once_with_its_statement(flow):
    # Given a circulated proposal Japan consented to
    proposal = await flow.in_status("UNDER_CONSIDERATION")
    await flow.ok(CONSENT, {"id": proposal["id"], "statement": "Fine with us."}, "japan")

    # When the partner objects
    payload = await flow.ok(OBJECT, {"id": proposal["id"], "statement": " Not additional. "}, "VN")

    # Then the decision is taken at once
    assert payload["decision"] == {
        "reference": "JC-VN-2026-001",
        "outcome": "NOT_APPROVED",
        "kind": "OTHER",
        "title": "Interim special measures",
        "decidedOn": "2026-11-28",
        "mode": "ELECTRONIC",
        "committee": {"code": "VN"},
        "positions": [
            {"side": "JAPAN", "position": "CONSENT", "statement": "Fine with us."},
            {"side": "PARTNER", "position": "OBJECTION", "statement": "Not additional."},
        ],
    }
    assert payload["proposal"]["status"] == "NOT_APPROVED"
    assert payload["proposal"]["decision"] == {"reference": "JC-VN-2026-001", "outcome": "NOT_APPROVED"}
    assert payload["proposal"]["history"][-2:] == [
        {
            "action": "objected",
            "actor": "Authority of VN (VN)",
            "fromStatus": "UNDER_CONSIDERATION",
            "toStatus": "UNDER_CONSIDERATION",
            "note": "Not additional.",
        },
        {
            "action": "notApproved",
            "actor": "Authority of VN (VN)",
            "fromStatus": "UNDER_CONSIDERATION",
            "toStatus": "NOT_APPROVED",
            "note": "JC-VN-2026-001. Not additional.",
        },
    ]


async def test_a_side_may_change_its_position_from_consent_to_objection(flow, engine):
    proposal = await flow.in_status("UNDER_CONSIDERATION")

    consented = await flow.ok(CONSENT, {"id": proposal["id"]}, "japan")
    objected = await flow.ok(OBJECT, {"id": proposal["id"], "statement": "On reflection, no."}, "japan")

    assert (consented["proposal"]["status"], consented["decision"]) == ("UNDER_CONSIDERATION", None)
    assert objected["proposal"]["status"] == "NOT_APPROVED"
    assert objected["decision"]["positions"] == [
        {"side": "JAPAN", "position": "OBJECTION", "statement": "On reflection, no."}
    ]
    assert objected["proposal"]["positions"] == [
        {"side": "JAPAN", "position": "OBJECTION", "statement": "On reflection, no.", "recordedBy": "MOEJ"}
    ]
    assert await side_position_rows(engine) == [(1, "JAPAN", "OBJECTION", "On reflection, no.")]


async def test_consenting_twice_keeps_one_position_and_does_not_decide(flow, engine):
    proposal = await flow.in_status("UNDER_CONSIDERATION")

    first = await flow.ok(CONSENT, {"id": proposal["id"], "statement": "Yes."}, "japan")
    second = await flow.ok(CONSENT, {"id": proposal["id"], "statement": "Yes, confirmed."}, "japan")

    assert (second["proposal"]["status"], second["decision"]) == ("UNDER_CONSIDERATION", None)
    assert second["proposal"]["version"] == first["proposal"]["version"] + 1
    assert second["proposal"]["positions"] == [
        {"side": "JAPAN", "position": "CONSENT", "statement": "Yes, confirmed.", "recordedBy": "MOEJ"}
    ]
    assert await side_position_rows(engine) == [(1, "JAPAN", "CONSENT", "Yes, confirmed.")]

    # and the partner's consent then decides
    decided = await flow.ok(CONSENT, {"id": proposal["id"]}, "VN")
    assert decided["decision"]["reference"] == "JC-VN-2026-001"
    assert [e["action"] for e in decided["proposal"]["history"]][-4:] == [
        "consented",
        "consented",
        "consented",
        "approved",
    ]


# --- public input and comments ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "days", "closes_on"),
    [
        ("OTHER", None, "2026-12-12"),
        ("METHODOLOGY_APPROVAL", None, "2026-12-12"),
        ("METHODOLOGY_REVISION", None, "2026-12-12"),
        ("OTHER", 1, "2026-11-28"),
        ("OTHER", 30, "2026-12-27"),
        ("OTHER", 90, "2027-02-25"),
    ],
)
async def test_public_input_opens_today_for_days_both_ends_included(flow, kind, days, closes_on):
    proposal = await flow.in_status("SUBMITTED", kind=kind)

    payload = await flow.ok(
        OPEN_PUBLIC_INPUT, {"id": proposal["id"]} | ({} if days is None else {"days": days}), "secretariat"
    )

    assert payload["proposal"]["status"] == "PUBLIC_INPUT"
    assert payload["proposal"]["publicInput"] == {"opensOn": "2026-11-28", "closesOn": closes_on, "comments": []}
    assert payload["proposal"]["history"][-1]["note"] == f"Public input from 2026-11-28 to {closes_on}."
    assert (payload["proposal"]["dueOn"], payload["proposal"]["overdue"]) == (closes_on, False)


@pytest.mark.parametrize("days", [0, -1, 91])
async def test_public_input_of_0_or_more_than_90_days_is_refused(flow, engine, days):
    proposal = await flow.in_status("SUBMITTED")
    before = await snapshot(engine, *WORKFLOW_TABLES)

    payload = await flow.call(OPEN_PUBLIC_INPUT, {"id": proposal["id"], "days": days}, "secretariat")

    assert payload == {"proposal": None, "userErrors": [invalid("days", "days must be between 1 and 90.")]}
    assert await snapshot(engine, *WORKFLOW_TABLES) == before


async def test_anyone_comments_while_the_window_is_open_and_no_one_after(flow, engine, frozen_clock):
    # Given a proposal open for public input from 28 November to 12 December
    proposal = await flow.in_status("PUBLIC_INPUT")

    # When the public, a partner of another committee and Japan comment, the last on the closing day
    anonymous = await flow.call(
        COMMENT, {"proposalId": proposal["id"], "author": " A. Reader ", "body": " Agreed. "}, None
    )
    other_partner = await flow.call(
        COMMENT, {"proposalId": proposal["id"], "author": "B. Official", "affiliation": "KLHK", "body": "Noted."}, "ID"
    )
    frozen_clock.set(at("2026-12-12", 23))
    last_day = await flow.call(
        COMMENT, {"proposalId": proposal["id"], "author": "C. Late", "body": "Just in time."}, "japan"
    )

    # Then
    assert anonymous == {"comment": {"author": "A. Reader", "affiliation": None, "body": "Agreed."}, "userErrors": []}
    assert other_partner == {
        "comment": {"author": "B. Official", "affiliation": "KLHK", "body": "Noted."},
        "userErrors": [],
    }
    assert last_day == {
        "comment": {"author": "C. Late", "affiliation": None, "body": "Just in time."},
        "userErrors": [],
    }
    assert (await flow.read(proposal["id"], who=None))["publicInput"] == {
        "opensOn": "2026-11-28",
        "closesOn": "2026-12-12",
        "comments": [
            {"author": "A. Reader", "affiliation": None, "body": "Agreed."},
            {"author": "B. Official", "affiliation": "KLHK", "body": "Noted."},
            {"author": "C. Late", "affiliation": None, "body": "Just in time."},
        ],
    }

    # And the day after the window closed, a comment is refused and nothing is written
    frozen_clock.set(at("2026-12-13", 0))
    before = await snapshot(engine, *WORKFLOW_TABLES)
    late = await flow.call(COMMENT, {"proposalId": proposal["id"], "author": "D. Later", "body": "Too late?"}, None)
    assert late == {
        "comment": None,
        "userErrors": [
            {
                "code": "WINDOW_CLOSED",
                "message": "This proposal is not open for public input. It closed on 2026-12-12.",
                "field": ["proposalId"],
            }
        ],
    }
    assert await snapshot(engine, *WORKFLOW_TABLES) == before


@pytest.mark.parametrize(
    ("input", "error"),
    [
        ({"author": "x" * 201}, invalid("author", "author must be at most 200 characters (got 201).")),
        ({"author": "  "}, invalid("author", "author must not be blank.")),
        ({"affiliation": "x" * 201}, invalid("affiliation", "affiliation must be at most 200 characters (got 201).")),
        ({"body": "x" * 10_001}, invalid("body", "body must be at most 10000 characters (got 10001).")),
        ({"body": ""}, invalid("body", "body must not be blank.")),
        ({"body": " \n\t "}, invalid("body", "body must not be blank.")),
    ],
    ids=["long-author", "blank-author", "long-affiliation", "long-body", "empty-body", "blank-body"],
)
async def test_comment_limits(flow, engine, input, error):
    proposal = await flow.in_status("PUBLIC_INPUT")
    before = await snapshot(engine, *WORKFLOW_TABLES)

    payload = await flow.call(
        COMMENT, {"proposalId": proposal["id"], "author": "A. Reader", "body": "Agreed."} | input, None
    )

    assert payload == {"comment": None, "userErrors": [error]}
    assert await snapshot(engine, *WORKFLOW_TABLES) == before


async def test_comments_at_the_limits_are_accepted(flow):
    proposal = await flow.in_status("PUBLIC_INPUT")

    payload = await flow.call(
        COMMENT,
        {"proposalId": proposal["id"], "author": "a" * 200, "affiliation": "b" * 200, "body": "c" * 10_000},
        None,
    )

    assert payload == {
        "comment": {"author": "a" * 200, "affiliation": "b" * 200, "body": "c" * 10_000},
        "userErrors": [],
    }


@pytest.mark.parametrize(
    ("status", "who", "error"),
    [
        ("DRAFT", None, {"code": "NOT_FOUND", "message": "No proposal has this id.", "field": ["proposalId"]}),
        ("SUBMITTED", None, {"code": "NOT_FOUND", "message": "No proposal has this id.", "field": ["proposalId"]}),
        ("DRAFT", "ID", {"code": "NOT_FOUND", "message": "No proposal has this id.", "field": ["proposalId"]}),
        (
            "DRAFT",
            "secretariat",
            {
                "code": "WINDOW_CLOSED",
                "message": "This proposal is not open for public input.",
                "field": ["proposalId"],
            },
        ),
        (
            "UNDER_CONSIDERATION",
            None,
            {
                "code": "WINDOW_CLOSED",
                "message": "This proposal is not open for public input.",
                "field": ["proposalId"],
            },
        ),
    ],
    ids=["draft-public", "submitted-public", "draft-other-partner", "draft-secretariat", "circulated-public"],
)
async def test_a_comment_outside_public_input(flow, engine, status, who, error):
    proposal = await flow.in_status(status)
    before = await snapshot(engine, *WORKFLOW_TABLES)

    payload = await flow.call(COMMENT, {"proposalId": proposal["id"], "author": "A. Reader", "body": "Agreed."}, who)

    assert payload == {"comment": None, "userErrors": [error]}
    assert await snapshot(engine, *WORKFLOW_TABLES) == before


# --- circulation -----------------------------------------------------------------------------


async def test_circulating_to_a_meeting_today_decides_at_that_meeting(flow, gql):
    # Given the committee meets today
    meeting = await flow.meeting("VN", "2026-11-28")
    proposal = await flow.in_status("SUBMITTED")

    # When the item is circulated to that meeting, and both sides consent
    circulated = await flow.ok(
        CIRCULATE, {"id": proposal["id"], "mode": "MEETING", "meetingId": meeting["id"]}, "secretariat"
    )
    await flow.ok(CONSENT, {"id": proposal["id"]}, "japan")
    decided = await flow.ok(CONSENT, {"id": proposal["id"]}, "VN")

    # Then
    after = circulated["proposal"]
    assert (after["status"], after["mode"], after["deadline"], after["dueOn"], after["overdue"]) == (
        "UNDER_CONSIDERATION",
        "MEETING",
        None,
        "2026-11-28",
        False,
    )
    assert after["history"][-1]["note"] == "Circulated for the 1st meeting on 2026-11-28."
    reference = decided["decision"]["reference"]
    assert (await gql(DECISION, {"reference": reference}))["decision"] == {
        "reference": "JC-VN-2026-001",
        "outcome": "APPROVED",
        "kind": "OTHER",
        "title": "Interim special measures",
        "decidedOn": "2026-11-28",
        "mode": "MEETING",
        "committee": {"code": "VN"},
        "meeting": {"number": 1, "heldOn": "2026-11-28"},
        "positions": [
            {"side": "JAPAN", "position": "CONSENT", "statement": None},
            {"side": "PARTNER", "position": "CONSENT", "statement": None},
        ],
        "proposal": {"title": "Interim special measures", "status": "APPROVED"},
    }


@pytest.mark.parametrize(
    ("meeting", "input", "error"),
    [
        (
            None,
            {"mode": "MEETING"},
            invalid("meetingId", "A decision at a meeting needs meetingId: schedule the meeting first."),
        ),
        (
            ("ID", "2026-12-15"),
            {"mode": "MEETING"},
            {"code": "NOT_FOUND", "message": "No meeting of the VN committee has this id.", "field": ["meetingId"]},
        ),
        (
            None,
            {"mode": "MEETING", "meetingId": to_global_id("Meeting", 999_999)},
            {"code": "NOT_FOUND", "message": "No meeting of the VN committee has this id.", "field": ["meetingId"]},
        ),
        (
            None,
            {"mode": "MEETING", "meetingId": to_global_id("Proposal", 1)},
            invalid("meetingId", "meetingId is not the id of a Meeting."),
        ),
        (
            ("VN", "2026-11-27"),
            {"mode": "MEETING"},
            invalid("meetingId", "The 1st meeting was held on 2026-11-27; choose one not in the past."),
        ),
        (
            ("VN", "2026-12-15"),
            {"mode": "MEETING", "deadline": "2026-12-15"},
            invalid("deadline", "A deadline is for electronic decisions; a meeting decides on its day."),
        ),
        (None, {"mode": "ELECTRONIC"}, invalid("deadline", "An electronic decision needs a deadline.")),
        (
            None,
            {"mode": "ELECTRONIC", "deadline": "2026-11-28"},
            invalid("deadline", "The deadline must be after today (2026-11-28)."),
        ),
        (
            None,
            {"mode": "ELECTRONIC", "deadline": "2026-11-01"},
            invalid("deadline", "The deadline must be after today (2026-11-28)."),
        ),
        (
            ("VN", "2026-12-15"),
            {"mode": "ELECTRONIC", "deadline": "2026-12-20"},
            invalid("meetingId", "An electronic decision is taken without a meeting; omit meetingId."),
        ),
    ],
    ids=[
        "meeting-without-meetingId",
        "meeting-of-another-committee",
        "missing-meeting",
        "not-a-meeting-id",
        "meeting-in-the-past",
        "meeting-with-deadline",
        "electronic-without-deadline",
        "electronic-deadline-today",
        "electronic-deadline-in-the-past",
        "electronic-with-meetingId",
    ],
)
async def test_circulation_input_is_checked(flow, engine, meeting, input, error):
    # Given a submitted VN proposal, and a meeting where the case needs one
    proposal = await flow.in_status("SUBMITTED")
    if meeting is not None:
        input = input | {"meetingId": (await flow.meeting(*meeting))["id"]}
    before = await snapshot(engine, *WORKFLOW_TABLES)

    # When
    payload = await flow.call(CIRCULATE, {"id": proposal["id"]} | input, "secretariat")

    # Then
    assert payload == {"proposal": None, "userErrors": [error]}
    assert await snapshot(engine, *WORKFLOW_TABLES) == before


async def test_an_electronic_deadline_tomorrow_is_accepted(flow):
    proposal = await flow.in_status("SUBMITTED")

    payload = await flow.ok(
        CIRCULATE, {"id": proposal["id"], "mode": "ELECTRONIC", "deadline": "2026-11-29"}, "secretariat"
    )

    after = payload["proposal"]
    assert (after["status"], after["mode"], after["deadline"], after["dueOn"]) == (
        "UNDER_CONSIDERATION",
        "ELECTRONIC",
        "2026-11-29",
        "2026-11-29",
    )
    assert after["history"][-1]["note"] == "Circulated for electronic decision until 2026-11-29."


async def test_a_methodology_is_circulated_only_after_its_public_input_closed(flow, engine, frozen_clock):
    # Given a submitted methodology
    proposal = await flow.in_status("SUBMITTED", kind="METHODOLOGY_APPROVAL", title="Methodology VN_PM004")
    circulate = {"id": proposal["id"], "mode": "ELECTRONIC", "deadline": "2027-01-15"}

    # Without public input it cannot be circulated
    before = await snapshot(engine, *WORKFLOW_TABLES)
    assert (await flow.call(CIRCULATE, circulate, "secretariat"))["userErrors"] == [
        {
            "code": "INVALID_TRANSITION",
            "message": "A METHODOLOGY_APPROVAL proposal is circulated only after public input; open it first.",
            "field": None,
        }
    ]
    assert await snapshot(engine, *WORKFLOW_TABLES) == before

    # nor while the window is open, up to its last day
    await flow.open_public_input(pk(proposal["id"]))
    open_error = {
        "code": "INVALID_TRANSITION",
        "message": "Public input is open until 2026-12-12; circulate it after the window has closed.",
        "field": None,
    }
    for day in ("2026-11-28", "2026-12-12"):
        frozen_clock.set(at(day, 23))
        before = await snapshot(engine, *WORKFLOW_TABLES)
        assert (await flow.call(CIRCULATE, circulate, "secretariat"))["userErrors"] == [open_error], day
        assert await snapshot(engine, *WORKFLOW_TABLES) == before

    # After closesOn it can
    frozen_clock.set(at("2026-12-13", 0))
    payload = await flow.ok(CIRCULATE, circulate, "secretariat")
    assert payload["proposal"]["status"] == "UNDER_CONSIDERATION"
    assert payload["proposal"]["publicInput"]["closesOn"] == "2026-12-12"


async def test_circulating_another_kind_during_public_input_closes_the_window_that_day(flow, frozen_clock):
    # Given an OTHER proposal open for public input until 12 December
    proposal = await flow.in_status("PUBLIC_INPUT")

    # When it is circulated on 30 November
    frozen_clock.set(at("2026-11-30"))
    payload = await flow.ok(
        CIRCULATE, {"id": proposal["id"], "mode": "ELECTRONIC", "deadline": "2026-12-20"}, "secretariat"
    )

    # Then the window closed that day, and comments are refused
    assert payload["proposal"]["publicInput"] == {"opensOn": "2026-11-28", "closesOn": "2026-11-30", "comments": []}
    assert (await flow.call(COMMENT, {"proposalId": proposal["id"], "author": "A. Reader", "body": "Hm."}, None))[
        "userErrors"
    ] == [{"code": "WINDOW_CLOSED", "message": "This proposal is not open for public input.", "field": ["proposalId"]}]


# --- lapsing ---------------------------------------------------------------------------------

LAPSED_READ = """
query ($id: ID!) {
  node(id: $id) { ... on Proposal { status version dueOn overdue positions { side position } } }
  lapsed: proposals(status: [LAPSED]) { totalCount edges { node { id status } } }
  considered: proposals(status: [UNDER_CONSIDERATION]) { totalCount edges { node { id } } }
  committee(code: "VN") { proposals(status: [LAPSED]) { totalCount edges { node { id } } } }
}
"""


async def test_an_electronic_decision_lapses_after_its_deadline_without_a_background_job(
    flow, gql, engine, frozen_clock
):
    # Given an item circulated until 10 December, to which Japan consented
    proposal = await flow.in_status("SUBMITTED")
    await flow.circulate(pk(proposal["id"]), "2026-12-10")
    await flow.position(pk(proposal["id"]), "japan")
    secretariat = await flow.token("secretariat")

    # On the deadline day it is still under consideration
    frozen_clock.set(at("2026-12-10", 23))
    on_deadline = await gql(LAPSED_READ, {"id": proposal["id"]}, token=secretariat)
    assert on_deadline["node"]["status"] == "UNDER_CONSIDERATION"
    assert on_deadline["considered"]["totalCount"] == 1

    # When the clock passes the deadline, a mere read shows it LAPSED
    frozen_clock.set(at("2026-12-11", 0))
    before = await snapshot(engine, *WORKFLOW_TABLES)
    read = await gql(LAPSED_READ, {"id": proposal["id"]}, token=secretariat)
    assert read == {
        "node": {
            "status": "LAPSED",
            "version": 4,
            "dueOn": None,
            "overdue": False,
            "positions": [{"side": "JAPAN", "position": "CONSENT"}],
        },
        "lapsed": {"totalCount": 1, "edges": [{"node": {"id": proposal["id"], "status": "LAPSED"}}]},
        "considered": {"totalCount": 0, "edges": []},
        "committee": {"proposals": {"totalCount": 1, "edges": [{"node": {"id": proposal["id"]}}]}},
    }
    # and the public sees the same
    assert (await gql(LAPSED_READ, {"id": proposal["id"]}))["lapsed"]["totalCount"] == 1
    # with nothing written
    assert await snapshot(engine, *WORKFLOW_TABLES) == before

    # A position is now refused, and writes nothing either
    payload = await flow.call(CONSENT, {"id": proposal["id"]}, "VN")
    assert payload == {
        "proposal": None,
        "decision": None,
        "userErrors": [
            {
                "code": "INVALID_TRANSITION",
                "message": "Cannot consent to a proposal that is LAPSED; only from UNDER_CONSIDERATION.",
                "field": None,
            }
        ],
    }
    assert await snapshot(engine, *WORKFLOW_TABLES) == before

    # Circulating it again works, with the lapse recorded by the system before the new circulation
    again = await flow.ok(
        CIRCULATE, {"id": proposal["id"], "mode": "ELECTRONIC", "deadline": "2026-12-24"}, "secretariat"
    )
    assert again["proposal"]["status"] == "UNDER_CONSIDERATION"
    assert again["proposal"]["positions"] == []
    assert again["proposal"]["history"][-3:] == [
        {
            "action": "consented",
            "actor": "MOEJ",
            "fromStatus": "UNDER_CONSIDERATION",
            "toStatus": "UNDER_CONSIDERATION",
            "note": None,
        },
        {
            "action": "lapsed",
            "actor": "JCM system",
            "fromStatus": "UNDER_CONSIDERATION",
            "toStatus": "LAPSED",
            "note": "The deadline 2026-12-10 passed without a decision.",
        },
        {
            "action": "circulated",
            "actor": "JCMA Secretariat",
            "fromStatus": "LAPSED",
            "toStatus": "UNDER_CONSIDERATION",
            "note": "Circulated for electronic decision until 2026-12-24.",
        },
    ]
    assert again["proposal"]["version"] == len(again["proposal"]["history"])
    trail = (await gql(AUDIT_TRAIL, {"id": proposal["id"]}, token=secretariat))["auditTrail"]
    assert [(e["action"], e["actor"], e["actorRole"]) for e in trail][-2:] == [
        ("lapsed", "JCM system", "SYSTEM"),
        ("circulated", "JCMA Secretariat", "SECRETARIAT"),
    ]

    # And the positions of the lapsed round do not count: the partner's consent alone does not decide
    partner = await flow.ok(CONSENT, {"id": proposal["id"]}, "VN")
    assert (partner["proposal"]["status"], partner["decision"]) == ("UNDER_CONSIDERATION", None)
    assert partner["proposal"]["positions"] == [
        {"side": "PARTNER", "position": "CONSENT", "statement": None, "recordedBy": "Authority of VN (VN)"}
    ]
    decided = await flow.ok(CONSENT, {"id": proposal["id"]}, "japan")
    assert decided["decision"]["reference"] == "JC-VN-2026-001"
    assert decided["decision"]["positions"] == [
        {"side": "JAPAN", "position": "CONSENT", "statement": None},
        {"side": "PARTNER", "position": "CONSENT", "statement": None},
    ]
    assert await side_position_rows(engine) == [
        (1, "JAPAN", "CONSENT", None),
        (2, "PARTNER", "CONSENT", None),
        (2, "JAPAN", "CONSENT", None),
    ]


@pytest.mark.parametrize(
    ("document", "input", "status", "action"),
    [
        (CIRCULATE, {"mode": "ELECTRONIC", "deadline": "2026-12-24"}, "UNDER_CONSIDERATION", "circulated"),
        (WITHDRAW, {"reason": "No longer needed."}, "WITHDRAWN", "withdrawn"),
    ],
    ids=["circulate", "withdraw"],
)
async def test_a_lapsed_proposal_is_acted_on_with_the_version_a_reader_was_shown(
    flow, frozen_clock, document, input, status, action
):
    # Given a lapsed proposal, as a reader sees it
    proposal = await flow.in_status("LAPSED", frozen_clock=frozen_clock)
    assert proposal["version"] == 3

    # When the secretariat acts on it, sending back the version it read
    payload = await flow.call(
        document, {"id": proposal["id"], "expectedVersion": proposal["version"]} | input, "secretariat"
    )

    # Then it works: the lapse that the write records on the way is not a change the reader missed
    assert payload["userErrors"] == []
    assert payload["proposal"]["status"] == status
    assert [e["action"] for e in payload["proposal"]["history"]] == [
        "created",
        "submitted",
        "circulated",
        "lapsed",
        action,
    ]


async def test_a_stale_version_on_a_lapsed_proposal_names_the_version_a_reader_sees(flow, engine, frozen_clock):
    # Given a lapsed proposal, which every read shows at version 3
    proposal = await flow.in_status("LAPSED", frozen_clock=frozen_clock)
    before = await snapshot(engine, *WORKFLOW_TABLES)

    # When a client sends an old version
    payload = await flow.call(
        CIRCULATE,
        {"id": proposal["id"], "expectedVersion": 2, "mode": "ELECTRONIC", "deadline": "2026-12-24"},
        "secretariat",
    )

    # Then it is told the version it will find when it reloads, and nothing (not even the lapse) is written
    assert payload == {
        "proposal": None,
        "userErrors": [
            {
                "code": "STALE_VERSION",
                "message": "The proposal is at version 3, not 2: reload it and retry.",
                "field": ["expectedVersion"],
            }
        ],
    }
    assert (await flow.read(proposal["id"]))["version"] == 3
    assert await snapshot(engine, *WORKFLOW_TABLES) == before


# --- due dates -------------------------------------------------------------------------------

DUE = "query ($id: ID!) { node(id: $id) { ... on Proposal { status dueOn overdue } } }"


@pytest.mark.parametrize(
    ("status", "checks"),
    [
        (
            "SUBMITTED",
            [
                ("2026-11-28", "2026-12-05", False),
                ("2026-12-05", "2026-12-05", False),
                ("2026-12-06", "2026-12-05", True),
            ],
        ),
        (
            "PUBLIC_INPUT",
            [
                ("2026-11-28", "2026-12-12", False),
                ("2026-12-12", "2026-12-12", False),
                ("2026-12-13", "2026-12-12", True),
            ],
        ),
        ("DRAFT", [("2026-11-28", None, False), ("2027-06-01", None, False)]),
        ("RETURNED", [("2026-11-28", None, False), ("2027-06-01", None, False)]),
        ("APPROVED", [("2026-11-28", None, False), ("2027-06-01", None, False)]),
        ("NOT_APPROVED", [("2026-11-28", None, False), ("2027-06-01", None, False)]),
        ("WITHDRAWN", [("2026-11-28", None, False), ("2027-06-01", None, False)]),
    ],
)
async def test_due_on_and_overdue(flow, gql, frozen_clock, status, checks):
    proposal = await flow.in_status(status)
    secretariat = await flow.token("secretariat")

    for day, due_on, overdue in checks:
        frozen_clock.set(at(day))
        assert (await gql(DUE, {"id": proposal["id"]}, token=secretariat))["node"] == {
            "status": status,
            "dueOn": due_on,
            "overdue": overdue,
        }, day


async def test_due_on_of_an_electronic_decision_is_its_deadline_until_it_lapses(flow, gql, frozen_clock):
    proposal = await flow.in_status("SUBMITTED")
    await flow.circulate(pk(proposal["id"]), "2026-12-10")

    readings = []
    for day in ("2026-11-28", "2026-12-10", "2026-12-11"):
        frozen_clock.set(at(day))
        readings.append((await gql(DUE, {"id": proposal["id"]}, token=await flow.token("secretariat")))["node"])

    assert readings == [
        {"status": "UNDER_CONSIDERATION", "dueOn": "2026-12-10", "overdue": False},
        {"status": "UNDER_CONSIDERATION", "dueOn": "2026-12-10", "overdue": False},
        {"status": "LAPSED", "dueOn": None, "overdue": False},
    ]


async def test_due_on_of_a_meeting_decision_is_the_meeting_day(flow, gql, frozen_clock):
    meeting = await flow.meeting("VN", "2026-12-15")
    proposal = await flow.in_status("SUBMITTED")
    await flow.ok(CIRCULATE, {"id": proposal["id"], "mode": "MEETING", "meetingId": meeting["id"]}, "secretariat")

    readings = []
    for day in ("2026-11-28", "2026-12-15", "2026-12-16"):
        frozen_clock.set(at(day))
        readings.append((await gql(DUE, {"id": proposal["id"]}, token=await flow.token("secretariat")))["node"])

    # a meeting decision does not lapse: it is overdue once the meeting day has passed
    assert readings == [
        {"status": "UNDER_CONSIDERATION", "dueOn": "2026-12-15", "overdue": False},
        {"status": "UNDER_CONSIDERATION", "dueOn": "2026-12-15", "overdue": False},
        {"status": "UNDER_CONSIDERATION", "dueOn": "2026-12-15", "overdue": True},
    ]


# --- decision references ---------------------------------------------------------------------


async def test_decision_references_run_per_committee_and_year(flow, gql, frozen_clock):

    references = [(await flow.decide("VN", title=f"Item {n}"))["decision"]["reference"] for n in (1, 2, 3)]
    references.append((await flow.decide("ID", title="Item 4"))["decision"]["reference"])
    frozen_clock.set(at("2027-01-04"))
    references.append((await flow.decide("VN", title="Item 5"))["decision"]["reference"])
    references.append((await flow.decide("VN", title="Item 6", outcome="NOT_APPROVED"))["decision"]["reference"])

    assert references == [
        "JC-VN-2026-001",
        "JC-VN-2026-002",
        "JC-VN-2026-003",
        "JC-ID-2026-001",
        "JC-VN-2027-001",
        "JC-VN-2027-002",
    ]
    for reference, title in zip(references, ["Item 1", "Item 2", "Item 3", "Item 4", "Item 5", "Item 6"], strict=True):
        for asked in (reference, reference.lower(), f"  {reference}  "):
            found = (await gql(DECISION, {"reference": asked}))["decision"]
            assert (found["reference"], found["title"], found["proposal"]["title"]) == (reference, title, title), asked
    assert (await gql(DECISION, {"reference": "JC-VN-2026-004"}))["decision"] is None
    assert (await gql(DECISION, {"reference": "JC-MN-2026-001"}))["decision"] is None


# --- the register: filters and pages ---------------------------------------------------------

ALL = ["JC-VN-2027-001", "JC-VN-2026-003", "JC-ID-2026-001", "JC-VN-2026-002", "JC-VN-2026-001"]


async def given_a_register(flow: Workflow, frozen_clock) -> None:
    """Five decisions on four days of two years in two committees."""
    await flow.decide("VN", title="Interim special measures", summary="Why and what.")  # JC-VN-2026-001, 28 Nov
    frozen_clock.set(at("2026-12-02"))
    await flow.decide(  # JC-VN-2026-002
        "VN",
        kind="METHODOLOGY_REVISION",
        title="Revision of the cookstove methodology",
        summary="Higher default efficiency.",
        outcome="NOT_APPROVED",
    )
    await flow.decide(
        "ID", kind="RULE_VERSION", title="Rules of procedure ver02", summary="Quorum of two."
    )  # JC-ID-2026-001
    frozen_clock.set(at("2026-12-15"))
    await flow.decide(
        "VN", kind="RULE_VERSION", title="Glossary update", summary="Adds terms for solar power."
    )  # JC-VN-2026-003
    frozen_clock.set(at("2027-01-06"))
    await flow.decide("VN", title="Budget for solar outreach", summary="Workshops in 2027.")  # JC-VN-2027-001


async def register(gql, **variables) -> dict:
    return (await gql(DECISIONS, variables))["decisions"]


def references(connection: dict) -> list[str]:
    return [edge["node"]["reference"] for edge in connection["edges"]]


@pytest.mark.parametrize(
    ("filter", "expected"),
    [
        ({}, ALL),
        ({"committeeCode": "VN"}, ["JC-VN-2027-001", "JC-VN-2026-003", "JC-VN-2026-002", "JC-VN-2026-001"]),
        ({"committeeCode": " id "}, ["JC-ID-2026-001"]),
        ({"committeeCode": "MN"}, []),
        ({"kind": ["RULE_VERSION"]}, ["JC-VN-2026-003", "JC-ID-2026-001"]),
        ({"kind": ["RULE_VERSION", "METHODOLOGY_REVISION"]}, ["JC-VN-2026-003", "JC-ID-2026-001", "JC-VN-2026-002"]),
        ({"kind": []}, ALL),
        ({"outcome": "NOT_APPROVED"}, ["JC-VN-2026-002"]),
        ({"outcome": "APPROVED"}, ["JC-VN-2027-001", "JC-VN-2026-003", "JC-ID-2026-001", "JC-VN-2026-001"]),
        ({"decidedFrom": "2026-12-02"}, ["JC-VN-2027-001", "JC-VN-2026-003", "JC-ID-2026-001", "JC-VN-2026-002"]),
        ({"decidedTo": "2026-12-02"}, ["JC-ID-2026-001", "JC-VN-2026-002", "JC-VN-2026-001"]),
        ({"decidedFrom": "2026-12-02", "decidedTo": "2026-12-02"}, ["JC-ID-2026-001", "JC-VN-2026-002"]),
        ({"decidedFrom": "2026-12-03", "decidedTo": "2026-12-31"}, ["JC-VN-2026-003"]),
        ({"search": "solar"}, ["JC-VN-2027-001", "JC-VN-2026-003"]),
        ({"search": "SOLAR glossary"}, ["JC-VN-2026-003"]),
        ({"search": "cookstove"}, ["JC-VN-2026-002"]),
        ({"search": "quorum"}, ["JC-ID-2026-001"]),
        ({"search": "jc-id"}, ["JC-ID-2026-001"]),
        ({"search": "2027-001"}, ["JC-VN-2027-001"]),
        ({"search": "solar hydrogen"}, []),
        ({"search": "%"}, []),
        ({"search": "_"}, []),
        ({"search": "   "}, ALL),
        (
            {"committeeCode": "VN", "outcome": "APPROVED", "decidedTo": "2026-12-31"},
            ["JC-VN-2026-003", "JC-VN-2026-001"],
        ),
        ({"committeeCode": "VN", "kind": ["RULE_VERSION"], "search": "terms"}, ["JC-VN-2026-003"]),
    ],
)
async def test_the_register_filters(prebuilt, flow, gql, frozen_clock, filter, expected):
    await prebuilt(given_a_register, flow, frozen_clock)

    connection = await register(gql, first=100, filter=filter)

    assert references(connection) == expected
    assert connection["totalCount"] == len(expected)


@pytest.mark.parametrize(
    ("filter", "first", "expected"),
    [
        ({}, 2, ALL),
        ({}, 1, ALL),
        ({}, 5, ALL),
        ({"committeeCode": "VN"}, 3, ["JC-VN-2027-001", "JC-VN-2026-003", "JC-VN-2026-002", "JC-VN-2026-001"]),
        ({"decidedFrom": "2026-12-02", "decidedTo": "2026-12-02"}, 1, ["JC-ID-2026-001", "JC-VN-2026-002"]),
    ],
)
async def test_keyset_pages_walk_every_decision_once(prebuilt, flow, gql, frozen_clock, filter, first, expected):
    await prebuilt(given_a_register, flow, frozen_clock)

    walked, pages, after = [], [], None
    while True:
        page = await register(gql, first=first, after=after, filter=filter)
        pages.append(page)
        walked += references(page)
        assert page["totalCount"] == len(expected)
        assert page["pageInfo"]["hasPreviousPage"] is (after is not None)
        assert page["pageInfo"]["startCursor"] == page["edges"][0]["cursor"]
        assert page["pageInfo"]["endCursor"] == page["edges"][-1]["cursor"]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
        assert len(pages) <= len(expected)

    assert walked == expected
    assert [len(page["edges"]) for page in pages] == [
        min(first, len(expected) - n) for n in range(0, len(expected), first)
    ]


async def test_an_empty_register_page(gql):
    assert await register(gql) == {
        "totalCount": 0,
        "pageInfo": {"hasNextPage": False, "hasPreviousPage": False, "startCursor": None, "endCursor": None},
        "edges": [],
    }


def cursor(values) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode()


async def graphql_error(gql, document: str, variables: dict) -> dict:
    response = await gql.raw(document, variables)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["data"] is None, body
    [error] = body["errors"]
    return {"message": error["message"], "path": error["path"], "extensions": error["extensions"]}


@pytest.mark.parametrize("first", [0, -1, 101])
@pytest.mark.parametrize(
    ("document", "field"), [(DECISIONS, "decisions"), (PROPOSALS, "proposals")], ids=["decisions", "proposals"]
)
async def test_a_page_size_outside_1_to_100_is_an_input_error(gql, document, field, first):
    assert await graphql_error(gql, document, {"first": first}) == {
        "message": "first must be between 1 and 100.",
        "path": [field],
        "extensions": {"code": "INVALID_INPUT", "field": ["first"]},
    }


async def test_page_sizes_1_and_100_are_accepted(gql):
    assert (await register(gql, first=1))["totalCount"] == 0
    assert (await register(gql, first=100))["totalCount"] == 0


@pytest.mark.parametrize(
    "after",
    [
        "garbage",
        "!!!",
        "",
        cursor({"a": 1}),
        cursor(["2026-12-02"]),
        cursor(["2026-12-02", 1, 2]),
        base64.urlsafe_b64encode(b"not json").decode(),
        cursor(["not a date", 1]),
        cursor([1, 2]),
        cursor(["2026-12-02", "one"]),
        cursor(["2026-12-02", None]),
    ],
    ids=[
        "garbage",
        "punctuation",
        "empty",
        "object",
        "too-short",
        "too-long",
        "not-json",
        "not-a-date",
        "number-for-a-date",
        "text-for-an-id",
        "null-id",
    ],
)
async def test_an_after_that_is_no_cursor_of_the_list_is_an_input_error(prebuilt, flow, gql, frozen_clock, after):
    await prebuilt(given_a_register, flow, frozen_clock)

    assert await graphql_error(gql, DECISIONS, {"first": 2, "after": after}) == {
        "message": "after is not a cursor of this list.",
        "path": ["decisions"],
        "extensions": {"code": "INVALID_INPUT", "field": ["after"]},
    }


@pytest.mark.parametrize(
    "after",
    [cursor(["not a number"]), cursor([None]), cursor([[1]])],
    ids=["text-for-an-id", "null-id", "list-for-an-id"],
)
async def test_an_after_that_is_no_cursor_of_the_proposals_is_an_input_error(gql, after):
    assert await graphql_error(gql, PROPOSALS, {"first": 2, "after": after}) == {
        "message": "after is not a cursor of this list.",
        "path": ["proposals"],
        "extensions": {"code": "INVALID_INPUT", "field": ["after"]},
    }


# --- nested fields of the register cost no query per row --------------------------------------

SECRETARIAT = Principal(Role.SECRETARIAT, name="JCMA")
JAPAN = Principal(Role.JAPAN, name="MOEJ")
PARTNERS = {"VN": Principal(Role.PARTNER, "VN", name="MONRE"), "ID": Principal(Role.PARTNER, "ID", name="KLHK")}

NESTED_REGISTER = """
query ($first: Int) {
  decisions(first: $first) {
    edges {
      node {
        reference
        committee { code name { en } }
        positions { side position statement }
        proposal { title history { action } }
        meeting { number }
      }
    }
  }
}
"""


async def given_decisions(engine, count: int) -> None:
    """`count` decisions in two committees, some at meetings, some objected, made through the resolvers."""
    async with new_session(engine) as session:
        meetings = {
            code: await schedule_meeting(session, SECRETARIAT, committee_code=code, held_on=date(2026, 12, 15))
            for code in PARTNERS
        }
        for n in range(count):
            code = "VN" if n % 2 else "ID"
            proposal = await create_proposal(
                session, SECRETARIAT, committee_code=code, kind=ProposalKind.OTHER, title=f"Item {n + 1}"
            )
            await submit_proposal(session, SECRETARIAT, proposal_id=proposal.id)
            if n % 3 == 0:
                await circulate_proposal(
                    session,
                    SECRETARIAT,
                    proposal_id=proposal.id,
                    mode=DecisionMode.MEETING,
                    meeting_id=meetings[code].id,
                )
            else:
                await circulate_proposal(
                    session,
                    SECRETARIAT,
                    proposal_id=proposal.id,
                    mode=DecisionMode.ELECTRONIC,
                    deadline=date(2026, 12, 31),
                )
            await give_position(session, JAPAN, proposal_id=proposal.id, position=Position.CONSENT, statement="Agreed.")
            if n % 5 == 0:
                await give_position(
                    session,
                    PARTNERS[code],
                    proposal_id=proposal.id,
                    position=Position.OBJECTION,
                    statement="Not additional.",
                )
            else:
                await give_position(session, PARTNERS[code], proposal_id=proposal.id, position=Position.CONSENT)


async def test_nested_register_fields_cost_the_same_for_1_and_for_100_decisions(gql, engine):
    # Given 100 decisions
    await given_decisions(engine, 100)

    # When
    with count_statements(engine) as one:
        data_one = await gql(NESTED_REGISTER, {"first": 1})
    with count_statements(engine) as hundred:
        data_hundred = await gql(NESTED_REGISTER, {"first": 100})

    # Then
    assert len(data_one["decisions"]["edges"]) == 1
    assert len(data_hundred["decisions"]["edges"]) == 100
    assert data_one["decisions"]["edges"][0]["node"] == {
        "reference": "JC-VN-2026-050",
        "committee": {"code": "VN", "name": {"en": "Japan–Viet Nam Joint Committee"}},
        "positions": [
            {"side": "JAPAN", "position": "CONSENT", "statement": "Agreed."},
            {"side": "PARTNER", "position": "CONSENT", "statement": None},
        ],
        "proposal": {
            "title": "Item 100",
            "history": [
                {"action": a} for a in ["created", "submitted", "circulated", "consented", "consented", "approved"]
            ],
        },
        "meeting": {"number": 1},
    }
    assert {edge["node"]["committee"]["code"] for edge in data_hundred["decisions"]["edges"]} == {"VN", "ID"}
    assert {(edge["node"]["meeting"] or {}).get("number") for edge in data_hundred["decisions"]["edges"]} == {1, None}
    assert one.count == hundred.count, (one.statements, hundred.statements)
