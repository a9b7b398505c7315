"""Committee members: who may appoint and end them, co-chair succession, history and reading."""

import pytest
import sqlalchemy as sa

from api.ids import from_global_id, to_global_id
from models.audit import AuditEvent
from tests.support.db import snapshot

APPOINT = """
mutation ($input: AppointMemberInput!) {
  appointMember(input: $input) {
    member { side role name title organization since until committee { code } }
    userErrors { code message field }
  }
}
"""

APPOINT_ID = """
mutation ($input: AppointMemberInput!) {
  appointMember(input: $input) {
    member { id }
    userErrors { code message field }
  }
}
"""

END = """
mutation ($input: EndMembershipInput!) {
  endMembership(input: $input) {
    member { name since until }
    userErrors { code message field }
  }
}
"""

MEMBERS = """
query ($code: String!, $side: Side, $includeFormer: Boolean) {
  committee(code: $code) {
    members(side: $side, includeFormer: $includeFormer) { side role name since until }
  }
}
"""

CO_CHAIRS = """
query ($code: String!) {
  committee(code: $code) {
    japan: coChair(side: JAPAN) { name since until }
    partner: coChair(side: PARTNER) { name since until }
  }
}
"""

SERVING_AND_FORMER = """
query ($code: String!) {
  committee(code: $code) {
    serving: members { name until }
    all: members(includeFormer: true) { name until }
  }
}
"""

MEMBER_IDS = """
query ($code: String!) { committee(code: $code) { members(includeFormer: true) { id name } } }
"""

NODE = """
query ($id: ID!) {
  node(id: $id) {
    id
    __typename
    ... on CommitteeMember { side role name title organization since until committee { code } }
  }
}
"""

TABLES = ("committee_member", "audit_event")

UNAUTHENTICATED = {"code": "UNAUTHENTICATED", "message": "Sign in with a bearer token to do this.", "field": None}


def member_input(**overrides):
    """A valid appointment on Viet Nam's partner side; keyword arguments replace fields."""
    return {
        "committeeCode": "VN",
        "side": "PARTNER",
        "role": "MEMBER",
        "name": "Nguyen Van An",
        "title": "Director General",
        "organization": "Ministry of Agriculture and Environment",
        "since": "2026-01-15",
        **overrides,
    }


def forbidden(action, code, side):
    return {
        "code": "FORBIDDEN",
        "message": f"In the {code} committee, {action} for the {side} side"
        " is for the secretariat or the government of that side only.",
        "field": None,
    }


async def token_for(tokens, who):
    """The bearer secret for "secretariat", "japan" or "partner:VN"."""
    if who.startswith("partner:"):
        return await tokens.partner(who.split(":", 1)[1])
    return await getattr(tokens, who)()


async def appoint_id(gql, token, **overrides):
    """Appoint a member that must succeed and return its global id."""
    payload = (await gql(APPOINT_ID, {"input": member_input(**overrides)}, token=token))["appointMember"]
    assert payload["userErrors"] == []
    return payload["member"]["id"]


async def audit_trail(engine):
    """(action, subject_type, subject_id, actor, until before, until after) of every audit event, in order."""
    audit = AuditEvent.__table__.c
    statement = sa.select(audit.action, audit.subject_type, audit.subject_id, audit.actor, audit.before, audit.after)
    async with engine.connect() as connection:
        rows = (await connection.execute(statement.order_by(audit.id))).all()
    return [
        (action, subject_type, subject_id, actor, before and before["until"], after["until"])
        for action, subject_type, subject_id, actor, before, after in rows
    ]


def pk(global_id):
    return from_global_id(global_id)[1]


# --- who may appoint and end ------------------------------------------------------------------


async def test_issue_2_partner_token_appoints_on_its_own_committee_but_not_on_indonesia(gql, tokens, engine):
    # Given
    vn = await tokens.partner("VN")

    # When
    own = await gql(APPOINT, {"input": member_input()}, token=vn)

    # Then
    assert own == {
        "appointMember": {
            "member": {
                "side": "PARTNER",
                "role": "MEMBER",
                "name": "Nguyen Van An",
                "title": "Director General",
                "organization": "Ministry of Agriculture and Environment",
                "since": "2026-01-15",
                "until": None,
                "committee": {"code": "VN"},
            },
            "userErrors": [],
        }
    }

    # Given
    before = await snapshot(engine, *TABLES)

    # When
    other = await gql(APPOINT, {"input": member_input(committeeCode="ID", name="Budi Santoso")}, token=vn)

    # Then
    assert other == {"appointMember": {"member": None, "userErrors": [forbidden("appointMember", "ID", "PARTNER")]}}
    assert await snapshot(engine, *TABLES) == before


@pytest.mark.parametrize(
    ("who", "code", "side"),
    [
        ("partner:VN", "VN", "PARTNER"),
        ("japan", "VN", "JAPAN"),
        ("japan", "ID", "JAPAN"),
        ("secretariat", "VN", "JAPAN"),
        ("secretariat", "VN", "PARTNER"),
        ("secretariat", "ID", "PARTNER"),
    ],
)
async def test_a_side_is_appointed_by_its_government_or_the_secretariat(gql, tokens, who, code, side):
    # Given
    token = await token_for(tokens, who)

    # When
    data = await gql(APPOINT, {"input": member_input(committeeCode=code, side=side)}, token=token)

    # Then
    assert data["appointMember"] == {
        "member": {
            "side": side,
            "role": "MEMBER",
            "name": "Nguyen Van An",
            "title": "Director General",
            "organization": "Ministry of Agriculture and Environment",
            "since": "2026-01-15",
            "until": None,
            "committee": {"code": code},
        },
        "userErrors": [],
    }
    assert await gql(MEMBERS, {"code": code, "side": side}) == {
        "committee": {
            "members": [{"side": side, "role": "MEMBER", "name": "Nguyen Van An", "since": "2026-01-15", "until": None}]
        }
    }


@pytest.mark.parametrize(
    ("who", "code", "side"),
    [
        ("partner:VN", "VN", "JAPAN"),
        ("partner:VN", "ID", "PARTNER"),
        ("partner:VN", "ID", "JAPAN"),
        ("partner:ID", "VN", "PARTNER"),
        ("japan", "VN", "PARTNER"),
        ("japan", "ID", "PARTNER"),
    ],
)
async def test_appointing_for_another_government_is_forbidden_and_writes_nothing(gql, tokens, engine, who, code, side):
    # Given
    token = await token_for(tokens, who)
    before = await snapshot(engine, *TABLES)

    # When
    data = await gql(APPOINT, {"input": member_input(committeeCode=code, side=side)}, token=token)

    # Then
    assert data == {"appointMember": {"member": None, "userErrors": [forbidden("appointMember", code, side)]}}
    assert await snapshot(engine, *TABLES) == before


async def test_appointing_without_a_token_is_unauthenticated_and_writes_nothing(gql, engine):
    # Given
    before = await snapshot(engine, *TABLES)

    # When
    data = await gql(APPOINT, {"input": member_input()})

    # Then
    assert data == {"appointMember": {"member": None, "userErrors": [UNAUTHENTICATED]}}
    assert await snapshot(engine, *TABLES) == before


@pytest.mark.parametrize(
    ("who", "code", "side"),
    [
        ("partner:VN", "VN", "PARTNER"),
        ("japan", "VN", "JAPAN"),
        ("japan", "ID", "JAPAN"),
        ("secretariat", "VN", "JAPAN"),
        ("secretariat", "ID", "PARTNER"),
    ],
)
async def test_a_side_ends_its_own_memberships_or_the_secretariat_does(gql, tokens, who, code, side):
    # Given
    member_id = await appoint_id(gql, await tokens.secretariat(), committeeCode=code, side=side)

    # When
    data = await gql(END, {"input": {"memberId": member_id, "until": "2026-06-30"}}, token=await token_for(tokens, who))

    # Then
    assert data == {
        "endMembership": {
            "member": {"name": "Nguyen Van An", "since": "2026-01-15", "until": "2026-06-30"},
            "userErrors": [],
        }
    }


@pytest.mark.parametrize(
    ("who", "code", "side"),
    [
        ("partner:VN", "VN", "JAPAN"),
        ("partner:VN", "ID", "PARTNER"),
        ("japan", "VN", "PARTNER"),
    ],
)
async def test_ending_another_governments_membership_is_forbidden_and_writes_nothing(
    gql, tokens, engine, who, code, side
):
    # Given
    member_id = await appoint_id(gql, await tokens.secretariat(), committeeCode=code, side=side)
    token = await token_for(tokens, who)
    before = await snapshot(engine, *TABLES)

    # When
    data = await gql(END, {"input": {"memberId": member_id, "until": "2026-06-30"}}, token=token)

    # Then
    assert data == {"endMembership": {"member": None, "userErrors": [forbidden("endMembership", code, side)]}}
    assert await snapshot(engine, *TABLES) == before


async def test_ending_without_a_token_is_unauthenticated_and_writes_nothing(gql, tokens, engine):
    # Given
    member_id = await appoint_id(gql, await tokens.secretariat())
    before = await snapshot(engine, *TABLES)

    # When
    data = await gql(END, {"input": {"memberId": member_id, "until": "2026-06-30"}})

    # Then
    assert data == {"endMembership": {"member": None, "userErrors": [UNAUTHENTICATED]}}
    assert await snapshot(engine, *TABLES) == before


# --- co-chair succession ------------------------------------------------------------------------


async def test_a_new_co_chair_ends_the_sitting_one_the_day_before(gql, tokens, engine, frozen_clock):
    # Given
    secretariat = await tokens.secretariat()
    first = await appoint_id(
        gql,
        secretariat,
        side="JAPAN",
        role="CO_CHAIR",
        name="Ito Naoki",
        organization="Embassy of Japan",
        since="2024-04-01",
    )

    # When
    data = await gql(
        APPOINT,
        {
            "input": member_input(
                side="JAPAN", role="CO_CHAIR", name="Sato Yuki", organization="Embassy of Japan", since="2026-10-01"
            )
        },
        token=secretariat,
    )

    # Then
    assert data["appointMember"] == {
        "member": {
            "side": "JAPAN",
            "role": "CO_CHAIR",
            "name": "Sato Yuki",
            "title": "Director General",
            "organization": "Embassy of Japan",
            "since": "2026-10-01",
            "until": None,
            "committee": {"code": "VN"},
        },
        "userErrors": [],
    }
    assert await gql(MEMBERS, {"code": "VN", "includeFormer": True}) == {
        "committee": {
            "members": [
                {
                    "side": "JAPAN",
                    "role": "CO_CHAIR",
                    "name": "Ito Naoki",
                    "since": "2024-04-01",
                    "until": "2026-09-30",
                },
                {"side": "JAPAN", "role": "CO_CHAIR", "name": "Sato Yuki", "since": "2026-10-01", "until": None},
            ]
        }
    }
    assert await gql(MEMBERS, {"code": "VN"}) == {
        "committee": {
            "members": [
                {"side": "JAPAN", "role": "CO_CHAIR", "name": "Sato Yuki", "since": "2026-10-01", "until": None}
            ]
        }
    }
    assert await gql(CO_CHAIRS, {"code": "VN"}) == {
        "committee": {"japan": {"name": "Sato Yuki", "since": "2026-10-01", "until": None}, "partner": None}
    }
    ids = (await gql(MEMBER_IDS, {"code": "VN"}))["committee"]["members"]
    assert ids[0] == {"id": first, "name": "Ito Naoki"}
    second = ids[1]["id"]
    assert await audit_trail(engine) == [
        ("memberAppointed", "CommitteeMember", pk(first), "JCMA Secretariat", None, None),
        ("membershipEnded", "CommitteeMember", pk(first), "JCMA Secretariat", None, "2026-09-30"),
        ("memberAppointed", "CommitteeMember", pk(second), "JCMA Secretariat", None, None),
    ]


async def test_a_co_chair_appointed_for_later_takes_over_only_on_that_day(gql, tokens, frozen_clock):
    # Given
    vn = await tokens.partner("VN")
    await appoint_id(gql, vn, role="CO_CHAIR", name="Tran Thi Binh", since="2025-03-01")

    # When
    await appoint_id(gql, vn, role="CO_CHAIR", name="Le Van Cuong", since="2027-01-01")

    # Then: today is 2026-11-28, so the sitting co-chair still serves until the end of the year
    outgoing = {
        "side": "PARTNER",
        "role": "CO_CHAIR",
        "name": "Tran Thi Binh",
        "since": "2025-03-01",
        "until": "2026-12-31",
    }
    incoming = {"side": "PARTNER", "role": "CO_CHAIR", "name": "Le Van Cuong", "since": "2027-01-01", "until": None}
    assert await gql(CO_CHAIRS, {"code": "VN"}) == {
        "committee": {"japan": None, "partner": {"name": "Tran Thi Binh", "since": "2025-03-01", "until": "2026-12-31"}}
    }
    assert await gql(MEMBERS, {"code": "VN", "side": "PARTNER"}) == {"committee": {"members": [outgoing, incoming]}}

    # When
    frozen_clock.set(frozen_clock.at.replace(year=2027, month=1, day=1))

    # Then
    assert await gql(CO_CHAIRS, {"code": "VN"}) == {
        "committee": {"japan": None, "partner": {"name": "Le Van Cuong", "since": "2027-01-01", "until": None}}
    }
    assert await gql(MEMBERS, {"code": "VN", "side": "PARTNER"}) == {"committee": {"members": [incoming]}}
    assert await gql(MEMBERS, {"code": "VN", "side": "PARTNER", "includeFormer": True}) == {
        "committee": {"members": [outgoing, incoming]}
    }


async def test_co_chair_succession_stays_on_its_own_side_and_committee(gql, tokens):
    # Given
    secretariat = await tokens.secretariat()
    await appoint_id(gql, secretariat, side="JAPAN", role="CO_CHAIR", name="Ito Naoki", since="2024-04-01")
    await appoint_id(gql, secretariat, side="PARTNER", role="CO_CHAIR", name="Tran Thi Binh", since="2024-04-01")
    await appoint_id(
        gql, secretariat, committeeCode="ID", side="JAPAN", role="CO_CHAIR", name="Kato Ren", since="2024-04-01"
    )

    # When
    await appoint_id(gql, secretariat, side="JAPAN", role="CO_CHAIR", name="Sato Yuki", since="2026-10-01")

    # Then
    assert await gql(CO_CHAIRS, {"code": "VN"}) == {
        "committee": {
            "japan": {"name": "Sato Yuki", "since": "2026-10-01", "until": None},
            "partner": {"name": "Tran Thi Binh", "since": "2024-04-01", "until": None},
        }
    }
    assert await gql(CO_CHAIRS, {"code": "ID"}) == {
        "committee": {"japan": {"name": "Kato Ren", "since": "2024-04-01", "until": None}, "partner": None}
    }


@pytest.mark.parametrize("since", ["2024-04-01", "2024-03-31"])
async def test_a_new_co_chair_must_start_after_the_sitting_one(gql, tokens, engine, since):
    # Given
    secretariat = await tokens.secretariat()
    await appoint_id(gql, secretariat, side="JAPAN", role="CO_CHAIR", name="Ito Naoki", since="2024-04-01")
    before = await snapshot(engine, *TABLES)

    # When
    data = await gql(
        APPOINT,
        {"input": member_input(side="JAPAN", role="CO_CHAIR", name="Sato Yuki", since=since)},
        token=secretariat,
    )

    # Then
    assert data == {
        "appointMember": {
            "member": None,
            "userErrors": [
                {
                    "code": "INVALID_INPUT",
                    "message": "Ito Naoki is co-chair from 2024-04-01; a new co-chair must start after that.",
                    "field": ["since"],
                }
            ],
        }
    }
    assert await snapshot(engine, *TABLES) == before


# --- input errors -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        (
            {"name": "   "},
            {"code": "INVALID_INPUT", "message": "name must not be blank.", "field": ["name"]},
        ),
        (
            {"organization": "o" * 201},
            {
                "code": "INVALID_INPUT",
                "message": "organization must be at most 200 characters (got 201).",
                "field": ["organization"],
            },
        ),
        (
            {"title": "t" * 201},
            {"code": "INVALID_INPUT", "message": "title must be at most 200 characters (got 201).", "field": ["title"]},
        ),
        (
            {"committeeCode": "FR"},
            {"code": "NOT_FOUND", "message": "No joint committee has the code 'FR'.", "field": ["committeeCode"]},
        ),
    ],
)
async def test_invalid_appointments_are_refused_and_write_nothing(gql, tokens, engine, overrides, error):
    # Given
    secretariat = await tokens.secretariat()
    before = await snapshot(engine, *TABLES)

    # When
    data = await gql(APPOINT, {"input": member_input(**overrides)}, token=secretariat)

    # Then
    assert data == {"appointMember": {"member": None, "userErrors": [error]}}
    assert await snapshot(engine, *TABLES) == before


async def test_the_same_person_cannot_serve_twice_in_the_same_role_on_a_side(gql, tokens, engine):
    # Given
    vn = await tokens.partner("VN")
    await appoint_id(gql, vn)
    before = await snapshot(engine, *TABLES)

    # When
    data = await gql(APPOINT, {"input": member_input(name="  NGUYEN VAN AN ", since="2026-03-01")}, token=vn)

    # Then
    assert data == {
        "appointMember": {
            "member": None,
            "userErrors": [
                {
                    "code": "INVALID_INPUT",
                    "message": "NGUYEN VAN AN already serves as MEMBER on the PARTNER side.",
                    "field": ["name"],
                }
            ],
        }
    }
    assert await snapshot(engine, *TABLES) == before


async def test_the_same_person_may_serve_in_another_role_on_another_side_or_again_after_a_term(gql, tokens):
    # Given
    secretariat = await tokens.secretariat()
    first_term = await appoint_id(gql, secretariat, since="2025-01-01")
    await gql(END, {"input": {"memberId": first_term, "until": "2025-12-31"}}, token=secretariat)

    # When
    await appoint_id(gql, secretariat, since="2026-01-01")
    await appoint_id(gql, secretariat, role="OBSERVER", since="2026-01-01")
    await appoint_id(gql, secretariat, side="JAPAN", since="2026-01-01")

    # Then
    assert await gql(MEMBERS, {"code": "VN", "includeFormer": True}) == {
        "committee": {
            "members": [
                {"side": "JAPAN", "role": "MEMBER", "name": "Nguyen Van An", "since": "2026-01-01", "until": None},
                {
                    "side": "PARTNER",
                    "role": "MEMBER",
                    "name": "Nguyen Van An",
                    "since": "2025-01-01",
                    "until": "2025-12-31",
                },
                {"side": "PARTNER", "role": "MEMBER", "name": "Nguyen Van An", "since": "2026-01-01", "until": None},
                {"side": "PARTNER", "role": "OBSERVER", "name": "Nguyen Van An", "since": "2026-01-01", "until": None},
            ]
        }
    }


async def test_text_is_trimmed_limits_are_inclusive_and_the_committee_code_is_case_insensitive(gql, tokens):
    # When
    data = await gql(
        APPOINT,
        {"input": member_input(committeeCode=" vn ", name=" " + "n" * 200 + " ", organization="o" * 200, title="  ")},
        token=await tokens.secretariat(),
    )

    # Then
    assert data == {
        "appointMember": {
            "member": {
                "side": "PARTNER",
                "role": "MEMBER",
                "name": "n" * 200,
                "title": None,
                "organization": "o" * 200,
                "since": "2026-01-15",
                "until": None,
                "committee": {"code": "VN"},
            },
            "userErrors": [],
        }
    }


# --- ending a membership ------------------------------------------------------------------------


async def test_an_ended_membership_is_kept_as_history(gql, tokens, engine, frozen_clock):
    # Given
    vn = await tokens.partner("VN")
    member_id = await appoint_id(gql, vn)
    rows_before = len((await snapshot(engine, "committee_member"))["committee_member"])

    # When: the last day is today
    data = await gql(END, {"input": {"memberId": member_id, "until": "2026-11-28"}}, token=vn)

    # Then
    ended = {"side": "PARTNER", "role": "MEMBER", "name": "Nguyen Van An", "since": "2026-01-15", "until": "2026-11-28"}
    assert data == {
        "endMembership": {
            "member": {"name": "Nguyen Van An", "since": "2026-01-15", "until": "2026-11-28"},
            "userErrors": [],
        }
    }
    assert await gql(MEMBERS, {"code": "VN"}) == {"committee": {"members": [ended]}}
    assert (await audit_trail(engine))[-1] == (
        "membershipEnded",
        "CommitteeMember",
        pk(member_id),
        "Authority of VN (VN)",
        None,
        "2026-11-28",
    )

    # When: the next day
    frozen_clock.set(frozen_clock.at.replace(day=29))

    # Then
    assert await gql(MEMBERS, {"code": "VN"}) == {"committee": {"members": []}}
    assert await gql(MEMBERS, {"code": "VN", "includeFormer": True}) == {"committee": {"members": [ended]}}
    assert await gql(SERVING_AND_FORMER, {"code": "VN"}) == {
        "committee": {"serving": [], "all": [{"name": "Nguyen Van An", "until": "2026-11-28"}]}
    }
    assert len((await snapshot(engine, "committee_member"))["committee_member"]) == rows_before
    assert await gql(NODE, {"id": member_id}) == {
        "node": {
            "id": member_id,
            "__typename": "CommitteeMember",
            "side": "PARTNER",
            "role": "MEMBER",
            "name": "Nguyen Van An",
            "title": "Director General",
            "organization": "Ministry of Agriculture and Environment",
            "since": "2026-01-15",
            "until": "2026-11-28",
            "committee": {"code": "VN"},
        }
    }


async def test_a_membership_may_end_on_its_first_day_but_not_before(gql, tokens, engine):
    # Given
    vn = await tokens.partner("VN")
    member_id = await appoint_id(gql, vn)
    before = await snapshot(engine, *TABLES)

    # When
    refused = await gql(END, {"input": {"memberId": member_id, "until": "2026-01-14"}}, token=vn)

    # Then
    assert refused == {
        "endMembership": {
            "member": None,
            "userErrors": [
                {
                    "code": "INVALID_INPUT",
                    "message": "until (2026-01-14) must not be before since (2026-01-15).",
                    "field": ["until"],
                }
            ],
        }
    }
    assert await snapshot(engine, *TABLES) == before

    # When
    accepted = await gql(END, {"input": {"memberId": member_id, "until": "2026-01-15"}}, token=vn)

    # Then
    assert accepted == {
        "endMembership": {
            "member": {"name": "Nguyen Van An", "since": "2026-01-15", "until": "2026-01-15"},
            "userErrors": [],
        }
    }


async def test_a_membership_ends_only_once(gql, tokens, engine):
    # Given
    vn = await tokens.partner("VN")
    member_id = await appoint_id(gql, vn)
    await gql(END, {"input": {"memberId": member_id, "until": "2026-06-30"}}, token=vn)
    before = await snapshot(engine, *TABLES)

    # When
    data = await gql(END, {"input": {"memberId": member_id, "until": "2026-09-30"}}, token=vn)

    # Then
    assert data == {
        "endMembership": {
            "member": None,
            "userErrors": [
                {
                    "code": "INVALID_TRANSITION",
                    "message": "This membership already ended on 2026-06-30.",
                    "field": ["memberId"],
                }
            ],
        }
    }
    assert await snapshot(engine, *TABLES) == before


@pytest.mark.parametrize(
    "member_id",
    [
        "not-an-id",
        "",
        to_global_id("Meeting", 1),
        to_global_id("JointCommittee", 1),
        to_global_id("CommitteeMember", -1),
    ],
)
async def test_ending_needs_the_id_of_a_committee_member(gql, tokens, engine, member_id):
    # Given
    secretariat = await tokens.secretariat()
    await appoint_id(gql, secretariat)
    before = await snapshot(engine, *TABLES)

    # When
    data = await gql(END, {"input": {"memberId": member_id, "until": "2026-06-30"}}, token=secretariat)

    # Then
    assert data == {
        "endMembership": {
            "member": None,
            "userErrors": [
                {
                    "code": "INVALID_INPUT",
                    "message": "memberId is not the id of a CommitteeMember.",
                    "field": ["memberId"],
                }
            ],
        }
    }
    assert await snapshot(engine, *TABLES) == before


async def test_ending_an_unknown_member_is_not_found(gql, tokens, engine):
    # Given
    secretariat = await tokens.secretariat()
    before = await snapshot(engine, *TABLES)

    # When
    data = await gql(
        END, {"input": {"memberId": to_global_id("CommitteeMember", 999), "until": "2026-06-30"}}, token=secretariat
    )

    # Then
    assert data == {
        "endMembership": {
            "member": None,
            "userErrors": [{"code": "NOT_FOUND", "message": "No committee member has this id.", "field": ["memberId"]}],
        }
    }
    assert await snapshot(engine, *TABLES) == before


# --- reading ------------------------------------------------------------------------------------


async def test_a_member_round_trips_through_node(gql, tokens):
    # Given
    member_id = await appoint_id(gql, await tokens.japan(), committeeCode="ID", side="JAPAN", role="OBSERVER")

    # When
    data = await gql(NODE, {"id": member_id})

    # Then
    assert data == {
        "node": {
            "id": member_id,
            "__typename": "CommitteeMember",
            "side": "JAPAN",
            "role": "OBSERVER",
            "name": "Nguyen Van An",
            "title": "Director General",
            "organization": "Ministry of Agriculture and Environment",
            "since": "2026-01-15",
            "until": None,
            "committee": {"code": "ID"},
        }
    }


async def test_members_come_japan_side_first_then_co_chairs_first_then_by_start(gql, tokens):
    # Given: appointed in an order that matches none of the sort keys
    secretariat = await tokens.secretariat()
    for side, role, name, since in [
        ("PARTNER", "MEMBER", "Pham Duc", "2025-01-01"),
        ("JAPAN", "OBSERVER", "Mori Aoi", "2024-01-01"),
        ("PARTNER", "CO_CHAIR", "Tran Thi Binh", "2026-01-01"),
        ("JAPAN", "MEMBER", "Kimura Sho", "2026-02-01"),
        ("PARTNER", "OBSERVER", "Vo Minh", "2023-05-01"),
        ("JAPAN", "MEMBER", "Abe Hana", "2025-03-01"),
        ("JAPAN", "CO_CHAIR", "Ito Naoki", "2026-05-01"),
    ]:
        await appoint_id(gql, secretariat, side=side, role=role, name=name, since=since)

    # When
    everyone = await gql(MEMBERS, {"code": "VN"})
    partner_side = await gql(MEMBERS, {"code": "VN", "side": "PARTNER"})

    # Then
    japan = [
        {"side": "JAPAN", "role": "CO_CHAIR", "name": "Ito Naoki", "since": "2026-05-01", "until": None},
        {"side": "JAPAN", "role": "MEMBER", "name": "Abe Hana", "since": "2025-03-01", "until": None},
        {"side": "JAPAN", "role": "MEMBER", "name": "Kimura Sho", "since": "2026-02-01", "until": None},
        {"side": "JAPAN", "role": "OBSERVER", "name": "Mori Aoi", "since": "2024-01-01", "until": None},
    ]
    partner = [
        {"side": "PARTNER", "role": "CO_CHAIR", "name": "Tran Thi Binh", "since": "2026-01-01", "until": None},
        {"side": "PARTNER", "role": "MEMBER", "name": "Pham Duc", "since": "2025-01-01", "until": None},
        {"side": "PARTNER", "role": "OBSERVER", "name": "Vo Minh", "since": "2023-05-01", "until": None},
    ]
    assert everyone == {"committee": {"members": japan + partner}}
    assert partner_side == {"committee": {"members": partner}}
