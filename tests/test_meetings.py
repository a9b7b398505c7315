"""Numbered committee meetings: scheduled by the secretariat only, numbered per committee in order."""

import pytest
import sqlalchemy as sa

from models.audit import AuditEvent
from tests.support.db import snapshot

SCHEDULE = """
mutation ($input: ScheduleMeetingInput!) {
  scheduleMeeting(input: $input) {
    meeting { number heldOn venue committee { code } }
    userErrors { code message field }
  }
}
"""

SCHEDULE_ID = """
mutation ($input: ScheduleMeetingInput!) {
  scheduleMeeting(input: $input) {
    meeting { id }
    userErrors { code message field }
  }
}
"""

MEETINGS = """
query ($code: String!) { committee(code: $code) { meetings { number heldOn venue } } }
"""

NODE = """
query ($id: ID!) {
  node(id: $id) {
    id
    __typename
    ... on Meeting { number heldOn venue committee { code meetings { number } } }
  }
}
"""

TABLES = ("meeting", "audit_event")


async def schedule(gql, token, code="VN", held_on="2026-12-10", venue=None):
    """Schedule a meeting that must succeed and return its global id."""
    payload = (
        await gql(SCHEDULE_ID, {"input": {"committeeCode": code, "heldOn": held_on, "venue": venue}}, token=token)
    )["scheduleMeeting"]
    assert payload["userErrors"] == []
    return payload["meeting"]["id"]


def refused(error):
    return {"scheduleMeeting": {"meeting": None, "userErrors": [error]}}


async def audit_trail(engine):
    """(action, subject_type, actor, number, heldOn) of every audit event, in order."""
    audit = AuditEvent.__table__.c
    statement = sa.select(audit.action, audit.subject_type, audit.actor, audit.after).order_by(audit.id)
    async with engine.connect() as connection:
        rows = (await connection.execute(statement)).all()
    return [
        (action, subject_type, actor, after["number"], after["held_on"]) for action, subject_type, actor, after in rows
    ]


# --- who may schedule ---------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["japan", "partner:VN", "partner:ID"])
async def test_only_the_secretariat_schedules_meetings(gql, tokens, engine, who):
    # Given
    token = await (tokens.japan() if who == "japan" else tokens.partner(who.split(":")[1]))
    before = await snapshot(engine, *TABLES)

    # When
    data = await gql(SCHEDULE, {"input": {"committeeCode": "VN", "heldOn": "2026-12-10"}}, token=token)

    # Then
    assert data == refused(
        {
            "code": "FORBIDDEN",
            "message": "In the VN committee, scheduleMeeting is for the secretariat only.",
            "field": None,
        }
    )
    assert await snapshot(engine, *TABLES) == before


async def test_scheduling_without_a_token_is_unauthenticated(gql, engine):
    # Given
    before = await snapshot(engine, *TABLES)

    # When
    data = await gql(SCHEDULE, {"input": {"committeeCode": "VN", "heldOn": "2026-12-10"}})

    # Then
    assert data == refused(
        {"code": "UNAUTHENTICATED", "message": "Sign in with a bearer token to do this.", "field": None}
    )
    assert await snapshot(engine, *TABLES) == before


# --- numbering ----------------------------------------------------------------------------------


async def test_meetings_are_numbered_in_scheduling_order(gql, tokens, engine):
    # Given
    secretariat = await tokens.secretariat()

    # When
    first = await gql(
        SCHEDULE, {"input": {"committeeCode": "VN", "heldOn": "2026-12-10", "venue": "Hanoi"}}, token=secretariat
    )
    second = await gql(
        SCHEDULE, {"input": {"committeeCode": "VN", "heldOn": "2027-03-05", "venue": "Online"}}, token=secretariat
    )
    third = await gql(SCHEDULE, {"input": {"committeeCode": "VN", "heldOn": "2027-07-20"}}, token=secretariat)

    # Then
    assert [first, second, third] == [
        {
            "scheduleMeeting": {
                "meeting": {"number": 1, "heldOn": "2026-12-10", "venue": "Hanoi", "committee": {"code": "VN"}},
                "userErrors": [],
            }
        },
        {
            "scheduleMeeting": {
                "meeting": {"number": 2, "heldOn": "2027-03-05", "venue": "Online", "committee": {"code": "VN"}},
                "userErrors": [],
            }
        },
        {
            "scheduleMeeting": {
                "meeting": {"number": 3, "heldOn": "2027-07-20", "venue": None, "committee": {"code": "VN"}},
                "userErrors": [],
            }
        },
    ]
    assert await gql(MEETINGS, {"code": "VN"}) == {
        "committee": {
            "meetings": [
                {"number": 1, "heldOn": "2026-12-10", "venue": "Hanoi"},
                {"number": 2, "heldOn": "2027-03-05", "venue": "Online"},
                {"number": 3, "heldOn": "2027-07-20", "venue": None},
            ]
        }
    }
    assert await audit_trail(engine) == [
        ("meetingScheduled", "Meeting", "JCMA Secretariat", 1, "2026-12-10"),
        ("meetingScheduled", "Meeting", "JCMA Secretariat", 2, "2027-03-05"),
        ("meetingScheduled", "Meeting", "JCMA Secretariat", 3, "2027-07-20"),
    ]


async def test_each_committee_numbers_its_own_meetings(gql, tokens):
    # Given
    secretariat = await tokens.secretariat()
    await schedule(gql, secretariat, "VN", "2026-12-10")

    # When
    indonesia = await gql(
        SCHEDULE, {"input": {"committeeCode": "id", "heldOn": "2026-12-18", "venue": "Jakarta"}}, token=secretariat
    )
    await schedule(gql, secretariat, "VN", "2027-01-20")

    # Then
    assert indonesia == {
        "scheduleMeeting": {
            "meeting": {"number": 1, "heldOn": "2026-12-18", "venue": "Jakarta", "committee": {"code": "ID"}},
            "userErrors": [],
        }
    }
    assert await gql(MEETINGS, {"code": "VN"}) == {
        "committee": {
            "meetings": [
                {"number": 1, "heldOn": "2026-12-10", "venue": None},
                {"number": 2, "heldOn": "2027-01-20", "venue": None},
            ]
        }
    }
    assert await gql(MEETINGS, {"code": "ID"}) == {
        "committee": {"meetings": [{"number": 1, "heldOn": "2026-12-18", "venue": "Jakarta"}]}
    }
    assert await gql(MEETINGS, {"code": "MN"}) == {"committee": {"meetings": []}}


async def test_a_meeting_may_not_be_earlier_than_the_latest_but_may_be_the_same_day(gql, tokens, engine):
    # Given
    secretariat = await tokens.secretariat()
    await schedule(gql, secretariat, held_on="2026-12-10")
    await schedule(gql, secretariat, held_on="2027-02-01")
    before = await snapshot(engine, *TABLES)

    # When
    earlier = await gql(SCHEDULE, {"input": {"committeeCode": "VN", "heldOn": "2027-01-31"}}, token=secretariat)

    # Then
    assert earlier == refused(
        {
            "code": "INVALID_INPUT",
            "message": "The 2nd meeting is on 2027-02-01; the next one cannot be earlier.",
            "field": ["heldOn"],
        }
    )
    assert await snapshot(engine, *TABLES) == before

    # When
    same_day = await gql(
        SCHEDULE, {"input": {"committeeCode": "VN", "heldOn": "2027-02-01", "venue": "Online"}}, token=secretariat
    )

    # Then
    assert same_day == {
        "scheduleMeeting": {
            "meeting": {"number": 3, "heldOn": "2027-02-01", "venue": "Online", "committee": {"code": "VN"}},
            "userErrors": [],
        }
    }


@pytest.mark.parametrize(
    ("held", "ordinal"),
    [(1, "1st"), (3, "3rd"), (4, "4th"), (11, "11th"), (12, "12th"), (13, "13th"), (21, "21st"), (22, "22nd")],
)
async def test_the_refusal_names_the_latest_meeting_by_its_ordinal(gql, tokens, held, ordinal):
    # Given
    secretariat = await tokens.secretariat()
    for _ in range(held):
        await schedule(gql, secretariat, held_on="2027-06-01")

    # When
    data = await gql(SCHEDULE, {"input": {"committeeCode": "VN", "heldOn": "2027-05-31"}}, token=secretariat)

    # Then
    assert data == refused(
        {
            "code": "INVALID_INPUT",
            "message": f"The {ordinal} meeting is on 2027-06-01; the next one cannot be earlier.",
            "field": ["heldOn"],
        }
    )


# --- input --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("venue", "stored"),
    [
        ("  Tashkent and Online  ", "Tashkent and Online"),
        ("   ", None),
        (None, None),
        ("v" * 200, "v" * 200),
    ],
)
async def test_the_venue_is_optional_and_trimmed(gql, tokens, venue, stored):
    # When
    data = await gql(
        SCHEDULE,
        {"input": {"committeeCode": "UZ", "heldOn": "2027-02-26", "venue": venue}},
        token=await tokens.secretariat(),
    )

    # Then
    assert data == {
        "scheduleMeeting": {
            "meeting": {"number": 1, "heldOn": "2027-02-26", "venue": stored, "committee": {"code": "UZ"}},
            "userErrors": [],
        }
    }


@pytest.mark.parametrize(
    ("meeting_input", "error"),
    [
        (
            {"committeeCode": "VN", "heldOn": "2026-12-10", "venue": "v" * 201},
            {"code": "INVALID_INPUT", "message": "venue must be at most 200 characters (got 201).", "field": ["venue"]},
        ),
        (
            {"committeeCode": "FR", "heldOn": "2026-12-10"},
            {"code": "NOT_FOUND", "message": "No joint committee has the code 'FR'.", "field": ["committeeCode"]},
        ),
    ],
)
async def test_invalid_meetings_are_refused_and_write_nothing(gql, tokens, engine, meeting_input, error):
    # Given
    secretariat = await tokens.secretariat()
    before = await snapshot(engine, *TABLES)

    # When
    data = await gql(SCHEDULE, {"input": meeting_input}, token=secretariat)

    # Then
    assert data == refused(error)
    assert await snapshot(engine, *TABLES) == before


# --- reading ------------------------------------------------------------------------------------


async def test_a_meeting_round_trips_through_node(gql, tokens):
    # Given
    secretariat = await tokens.secretariat()
    await schedule(gql, secretariat, "PH", "2026-12-01", "Manila")
    meeting_id = await schedule(gql, secretariat, "PH", "2027-02-09", "Online")

    # When
    data = await gql(NODE, {"id": meeting_id})

    # Then
    assert data == {
        "node": {
            "id": meeting_id,
            "__typename": "Meeting",
            "number": 2,
            "heldOn": "2027-02-09",
            "venue": "Online",
            "committee": {"code": "PH", "meetings": [{"number": 1}, {"number": 2}]},
        }
    }
