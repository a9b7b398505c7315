"""Methodologies beyond the happy path (tests/test_methodology_cycle.py): who may propose, what input
is refused (leaving no trace and consuming no number), PM and AM sequences, objection and
withdrawal, the 60/90-day consideration rule, revisions, lookups, filtered and paged lists,
visibility, proposal and decision subjects, and constant query counts for nested fields."""

from datetime import UTC, date, datetime, timedelta

import pytest

from models.db import new_session
from models.enums import DecisionMode, Position, Role
from models.principal import Principal
from resolvers.methodologies import propose_methodology
from resolvers.positions import give_position
from resolvers.proposals import circulate_proposal, open_public_input, submit_proposal
from tests.support.db import count_statements, snapshot
from tests.support.documents import (
    CIRCULATE,
    OPEN_PUBLIC_INPUT,
    PROPOSAL,
    SUBMIT,
    WITHDRAW,
)
from tests.support.methodologies import PROPOSE, REVISE, Methodologies, chillers
from tests.support.workflow import pk

# --- documents -------------------------------------------------------------------------------

NODE = "query ($id: ID!) { node(id: $id) { ... on Methodology { proposedReference } } }"

METHODOLOGIES = """
query ($first: Int, $after: String, $filter: MethodologyFilter) {
  methodologies(first: $first, after: $after, filter: $filter) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { proposedReference reference status } }
  }
}
"""

COMMITTEE_METHODOLOGIES = """
query ($code: String!, $first: Int, $after: String, $filter: MethodologyFilter) {
  committee(code: $code) {
    methodologies(first: $first, after: $after, filter: $filter) {
      totalCount
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      edges { cursor node { proposedReference reference status } }
    }
  }
}
"""

PROPOSAL_SUBJECT = """
query ($id: ID!) {
  node(id: $id) {
    ... on Proposal { kind subject { __typename ... on Methodology { proposedReference reference version status } } }
  }
}
"""

DECISION_SUBJECT = """
query ($reference: String!) {
  decision(reference: $reference) {
    reference outcome kind
    subject { __typename ... on Methodology { proposedReference reference version status } }
  }
}
"""

NESTED = """
query ($first: Int) {
  methodologies(first: $first) {
    edges {
      node {
        reference
        committee { code }
        sectoralScopes { name }
        decision { reference }
        publicInput { closesOn }
        versions { version }
      }
    }
  }
}
"""

SECRETARIAT = Principal(Role.SECRETARIAT, name="JCMA")
JAPAN = Principal(Role.JAPAN, name="MOEJ")

# Every table a methodology mutation writes to.
METHODOLOGY_TABLES = (
    "methodology",
    "methodology_scope",
    "proposal",
    "workflow_event",
    "reference_counter",
    "audit_event",
)


def at(day: str, hour: int = 9) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=UTC)


def error(code: str, message: str, field: str | None = None) -> dict:
    return {"code": code, "message": message, "field": [field] if field else None}


FORBIDDEN_PROPOSE = error(
    "FORBIDDEN",
    "In the VN committee, proposeMethodology is for the secretariat, the Japanese government or that committee's partner only.",
)
FORBIDDEN_REVISE = error(
    "FORBIDDEN",
    "In the VN committee, proposeMethodologyRevision is for the secretariat, the Japanese government or that "
    "committee's partner only.",
)
UNAUTHENTICATED = error("UNAUTHENTICATED", "Sign in with a bearer token to do this.")


def after_public_input(frozen_clock) -> None:
    """Move the clock to the day after a 15-day window opened today has closed."""
    frozen_clock.set(frozen_clock.at + timedelta(days=15))


async def approved_methodology(flow: Methodologies, frozen_clock, committee: str = "VN", **overrides) -> dict:
    proposed = await flow.published(committee, **overrides)
    after_public_input(frozen_clock)
    await flow.approve(proposed["proposal"]["id"], committee)
    return proposed


# --- proposing -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "committee", "side"),
    [("secretariat", "VN", None), ("japan", "VN", "JAPAN"), ("VN", "VN", "PARTNER"), ("VN", " vn ", "PARTNER")],
)
async def test_the_secretariat_japan_and_the_committees_partner_may_propose_a_methodology(
    methodology_flow, who, committee, side
):
    # Given

    # When
    payload = await methodology_flow.ok(PROPOSE, chillers(committee, sectoralScopes=[4, 3, 4]), who)

    # Then it has its PM reference and a DRAFT approval proposal
    assert payload["methodology"] | {"id": None} == {
        "id": None,
        "proposedReference": "VN_PM001",
        "reference": None,
        "version": None,
        "status": "PROPOSED",
        "title": "Energy saving by high-efficiency chillers",
        "summary": "Replaces old chillers.",
        "proponent": "Example Engineering Co.",
        "approvedOn": None,
        "committee": {"code": "VN"},
        "sectoralScopes": [{"number": 3}, {"number": 4}],
        "decision": None,
    }
    assert payload["proposal"] | {"id": None} == {
        "id": None,
        "kind": "METHODOLOGY_APPROVAL",
        "status": "DRAFT",
        "title": "VN_PM001: Energy saving by high-efficiency chillers",
        "summary": "Replaces old chillers.",
        "proposerSide": side,
    }
    assert (await methodology_flow.read_methodology("VN_PM001"))["status"] == "PROPOSED"


async def test_the_limits_themselves_are_accepted(methodology_flow):

    payload = await methodology_flow.propose(
        title="T" * 300, sectoralScopes=list(range(1, 16)), summary=None, proponent=" JC "
    )

    methodology = payload["methodology"]
    assert (methodology["title"], methodology["summary"], methodology["proponent"]) == ("T" * 300, None, "JC")
    assert methodology["sectoralScopes"] == [{"number": n} for n in range(1, 16)]
    # the proposal's title names the PM reference and still fits a proposal title (300 characters)
    title = payload["proposal"]["title"]
    assert title.startswith("VN_PM001: TTTT") and len(title) <= 300, len(title)


async def test_a_methodology_with_a_long_title_can_be_revised(methodology_flow, frozen_clock):
    # Given an approved methodology with a title of 290 characters (its proposal title just fits)
    proposed = await approved_methodology(methodology_flow, frozen_clock, title="T" * 290)
    assert len(proposed["proposal"]["title"]) == 300

    # When a revision is proposed
    payload = await methodology_flow.call(REVISE, {"reference": "VN_AM001", "summary": "Adds a default COP."}, "VN")

    # Then it is accepted, under a proposal title that fits 300 characters
    assert payload["userErrors"] == []
    assert payload["methodology"]["title"] == "T" * 290
    title = payload["proposal"]["title"]
    assert title.startswith("Revision of VN_AM001: TTTT") and len(title) <= 300, len(title)


REFUSALS = [
    pytest.param("ID", chillers(), FORBIDDEN_PROPOSE, id="another-partner"),
    pytest.param(None, chillers(), UNAUTHENTICATED, id="anonymous"),
    pytest.param(
        "secretariat",
        chillers(title="  "),
        error("INVALID_INPUT", "title must not be blank.", "title"),
        id="blank-title",
    ),
    pytest.param(
        "VN",
        chillers(title="T" * 301),
        error("INVALID_INPUT", "title must be at most 300 characters (got 301).", "title"),
        id="long-title",
    ),
    pytest.param(
        "japan",
        chillers(proponent=" "),
        error("INVALID_INPUT", "proponent must not be blank.", "proponent"),
        id="blank-proponent",
    ),
    pytest.param(
        "secretariat",
        chillers(sectoralScopes=[]),
        error("INVALID_INPUT", "Name at least one sectoral scope.", "sectoralScopes"),
        id="no-scope",
    ),
    pytest.param(
        "secretariat",
        chillers(sectoralScopes=[0]),
        error("INVALID_INPUT", "Sectoral scopes are numbered 1 to 15; 0 is not one.", "sectoralScopes"),
        id="scope-0",
    ),
    pytest.param(
        "secretariat",
        chillers(sectoralScopes=[3, 16]),
        error("INVALID_INPUT", "Sectoral scopes are numbered 1 to 15; 16 is not one.", "sectoralScopes"),
        id="scope-16",
    ),
    pytest.param(
        "secretariat",
        chillers("XX"),
        error("NOT_FOUND", "No joint committee has the code 'XX'.", "committeeCode"),
        id="unknown-committee",
    ),
]


@pytest.mark.parametrize(("who", "input_", "expected"), REFUSALS)
async def test_a_refused_proposal_leaves_no_trace_and_consumes_no_pm_number(
    methodology_flow, engine, who, input_, expected
):
    # Given
    await methodology_flow.token("secretariat")
    if who:
        await methodology_flow.token(who)
    before = await snapshot(engine, *METHODOLOGY_TABLES)

    # When
    payload = await methodology_flow.call(PROPOSE, input_, who)

    # Then
    assert payload == {"methodology": None, "proposal": None, "userErrors": [expected]}
    assert await snapshot(engine, *METHODOLOGY_TABLES) == before
    assert (await methodology_flow.propose())["methodology"]["proposedReference"] == "VN_PM001"


# --- PM and AM sequences ---------------------------------------------------------------------


async def test_pm_numbers_run_per_committee(methodology_flow):

    references = [
        (await methodology_flow.propose(committee, who=who, title=f"Methodology {n}"))["methodology"][
            "proposedReference"
        ]
        for n, (committee, who) in enumerate([("VN", "VN"), ("VN", "japan"), ("ID", "ID"), ("VN", "secretariat")])
    ]

    assert references == ["VN_PM001", "VN_PM002", "ID_PM001", "VN_PM003"]


async def test_am_numbers_follow_the_order_of_approval_not_of_proposal(methodology_flow, frozen_clock):
    # Given three VN methodologies and one ID methodology, all through public input
    ids = {}
    for committee, title in [("VN", "First"), ("VN", "Second"), ("VN", "Third"), ("ID", "Fourth")]:
        proposed = await methodology_flow.published(committee, title=title)
        ids[proposed["methodology"]["proposedReference"]] = proposed["proposal"]["id"]
    assert list(ids) == ["VN_PM001", "VN_PM002", "VN_PM003", "ID_PM001"]
    after_public_input(frozen_clock)

    # When the third is approved first, then the ID one, then the first
    third = await methodology_flow.approve(ids["VN_PM003"])
    indonesian = await methodology_flow.approve(ids["ID_PM001"], "ID")
    first = await methodology_flow.approve(ids["VN_PM001"])

    # Then the AM sequence counts approvals, per committee
    assert [d["decision"]["reference"] for d in (third, indonesian, first)] == [
        "JC-VN-2026-001",
        "JC-ID-2026-001",
        "JC-VN-2026-002",
    ]
    found = {pm: await methodology_flow.read_methodology(pm, None) for pm in ids}
    assert {pm: (m["reference"], m["version"], m["status"], m["approvedOn"]) for pm, m in found.items()} == {
        "VN_PM001": ("VN_AM002", "ver01.0", "VALID", "2026-12-13"),
        "VN_PM002": (None, None, "PROPOSED", None),
        "VN_PM003": ("VN_AM001", "ver01.0", "VALID", "2026-12-13"),
        "ID_PM001": ("ID_AM001", "ver01.0", "VALID", "2026-12-13"),
    }
    assert (await methodology_flow.read_methodology("VN_AM002", None))["decision"] == {
        "reference": "JC-VN-2026-002",
        "outcome": "APPROVED",
    }
    assert (await methodology_flow.read_methodology("VN_AM001", None))["title"] == "Third"

    # and a later proposal still continues the PM sequence
    assert (await methodology_flow.propose())["methodology"]["proposedReference"] == "VN_PM004"


# --- objection and withdrawal ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("outcome", "status", "decision"),
    [
        ("objection", "NOT_APPROVED", {"reference": "JC-VN-2026-001", "outcome": "NOT_APPROVED"}),
        ("withdrawal", "WITHDRAWN", None),
    ],
)
async def test_an_objected_or_withdrawn_methodology_keeps_its_pm_reference_and_stays_readable(
    methodology_flow, gql, frozen_clock, outcome, status, decision
):
    # Given a methodology after public input
    proposed = await methodology_flow.published()
    proposal_id = proposed["proposal"]["id"]
    after_public_input(frozen_clock)

    # When it is objected to, or withdrawn
    if outcome == "objection":
        await methodology_flow.object(proposal_id)
    else:
        await methodology_flow.ok(WITHDRAW, {"id": proposal_id, "reason": "The proponent withdrew it."}, "secretariat")

    # Then it is NOT_APPROVED or WITHDRAWN under its PM reference, with no AM reference, for everyone
    for who in ("secretariat", None):
        methodology = await methodology_flow.read_methodology("VN_PM001", who)
        assert (methodology["proposedReference"], methodology["reference"], methodology["version"]) == (
            "VN_PM001",
            None,
            None,
        )
        assert (methodology["status"], methodology["approvedOn"], methodology["decision"]) == (status, None, decision)
        assert methodology["versions"] == [{"version": None, "status": status, "summary": "Replaces old chillers."}]
    listed = await gql(METHODOLOGIES, {"filter": {"status": [status]}})
    assert [e["node"] for e in listed["methodologies"]["edges"]] == [
        {"proposedReference": "VN_PM001", "reference": None, "status": status}
    ]

    # and neither number is given again: the next is VN_PM002, the first approval VN_AM001
    following = await methodology_flow.published()
    assert following["methodology"]["proposedReference"] == "VN_PM002"
    after_public_input(frozen_clock)
    await methodology_flow.approve(following["proposal"]["id"])
    assert (await methodology_flow.read_methodology("VN_PM002"))["reference"] == "VN_AM001"


# --- the 60/90-day consideration rule --------------------------------------------------------

CLOSED_ON = "2026-12-15"
DAY_60, DAY_61 = "2027-02-13", "2027-02-14"
DAY_90, DAY_91 = "2027-03-15", "2027-03-16"
FIRST_LIMIT = (
    "Consideration ends at most 60 days after public input closed on 2026-12-15: by 2027-02-13 "
    "(the first circulation; one extension to 90 days follows)."
)
EXTENDED_LIMIT = "Consideration ends at most 90 days after public input closed on 2026-12-15: by 2027-03-15."
NO_MORE = "Consideration was already extended once, to 90 days after public input closed; it cannot be extended again."
FIELD = {"ELECTRONIC": "deadline", "MEETING": "meetingId"}


async def methodology_after_public_input_1_to_15_december(flow: Methodologies, frozen_clock) -> str:
    """A methodology whose public input ran 1–15 Dec 2026; the clock on 16 Dec."""
    frozen_clock.set(at("2026-12-01"))
    proposed = await flow.propose(who="VN")
    proposal_id = proposed["proposal"]["id"]
    await flow.ok(SUBMIT, {"id": proposal_id}, "VN")
    opened = await flow.ok(OPEN_PUBLIC_INPUT, {"id": proposal_id}, "secretariat")
    assert opened["proposal"]["publicInput"] | {"comments": None} == {
        "opensOn": "2026-12-01",
        "closesOn": CLOSED_ON,
        "comments": None,
    }
    frozen_clock.set(at("2026-12-16"))
    return proposal_id


async def ways_to_circulate(flow: Methodologies, mode: str, days: list[str]) -> list[dict]:
    """The circulation input (besides the id) for a decision on each day, in date order; meetings
    are scheduled for MEETING."""
    if mode == "ELECTRONIC":
        return [{"mode": "ELECTRONIC", "deadline": day} for day in days]
    return [{"mode": "MEETING", "meetingId": (await flow.meeting("VN", day))["id"]} for day in days]


async def lapse(flow: Methodologies, frozen_clock, proposal_id: str, deadline: str) -> None:
    """Circulated electronically until `deadline`, which then passes without positions."""
    await flow.ok(CIRCULATE, {"id": proposal_id, "mode": "ELECTRONIC", "deadline": deadline}, "secretariat")
    frozen_clock.set(at(deadline) + timedelta(days=1))
    assert (await flow.read(proposal_id))["status"] == "LAPSED"


@pytest.mark.parametrize("mode", ["ELECTRONIC", "MEETING"])
async def test_the_first_circulation_ends_at_most_60_days_after_public_input(
    methodology_flow, engine, frozen_clock, mode
):
    # Given public input from 1 to 15 December
    proposal_id = await methodology_after_public_input_1_to_15_december(methodology_flow, frozen_clock)
    on_day_60, on_day_61 = await ways_to_circulate(methodology_flow, mode, [DAY_60, DAY_61])

    # When it is circulated for a decision on the 61st day, it is refused without a trace
    before = await snapshot(engine, *METHODOLOGY_TABLES)
    refused = await methodology_flow.call(CIRCULATE, {"id": proposal_id} | on_day_61, "secretariat")
    assert refused == {"proposal": None, "userErrors": [error("INVALID_INPUT", FIRST_LIMIT, FIELD[mode])]}
    assert await snapshot(engine, *METHODOLOGY_TABLES) == before

    # and on the 60th day it is accepted
    accepted = (await methodology_flow.ok(CIRCULATE, {"id": proposal_id} | on_day_60, "secretariat"))["proposal"]
    assert (accepted["status"], accepted["mode"], accepted["dueOn"]) == ("UNDER_CONSIDERATION", mode, DAY_60)


@pytest.mark.parametrize("mode", ["ELECTRONIC", "MEETING"])
async def test_after_a_lapse_a_second_circulation_may_run_to_90_days(methodology_flow, engine, frozen_clock, mode):
    # Given a methodology whose first circulation lapsed
    proposal_id = await methodology_after_public_input_1_to_15_december(methodology_flow, frozen_clock)
    await lapse(methodology_flow, frozen_clock, proposal_id, "2027-01-10")
    on_day_90, on_day_91 = await ways_to_circulate(methodology_flow, mode, [DAY_90, DAY_91])

    # When it is circulated again for a decision on the 91st day, it is refused without a trace
    before = await snapshot(engine, *METHODOLOGY_TABLES)
    refused = await methodology_flow.call(CIRCULATE, {"id": proposal_id} | on_day_91, "secretariat")
    assert refused == {"proposal": None, "userErrors": [error("INVALID_INPUT", EXTENDED_LIMIT, FIELD[mode])]}
    assert await snapshot(engine, *METHODOLOGY_TABLES) == before

    # and on the 90th day it is accepted, which the 60-day limit would not have allowed
    accepted = (await methodology_flow.ok(CIRCULATE, {"id": proposal_id} | on_day_90, "secretariat"))["proposal"]
    assert (accepted["status"], accepted["mode"], accepted["dueOn"]) == ("UNDER_CONSIDERATION", mode, DAY_90)
    assert accepted["history"][-1]["fromStatus"] == "LAPSED"


@pytest.mark.parametrize("mode", ["ELECTRONIC", "MEETING"])
async def test_a_third_circulation_is_refused(methodology_flow, engine, frozen_clock, mode):
    # Given a methodology whose first and second circulations lapsed
    proposal_id = await methodology_after_public_input_1_to_15_december(methodology_flow, frozen_clock)
    await lapse(methodology_flow, frozen_clock, proposal_id, "2027-01-10")
    await lapse(methodology_flow, frozen_clock, proposal_id, "2027-02-20")
    (well_within,) = await ways_to_circulate(methodology_flow, mode, ["2027-03-01"])

    # When it is circulated a third time, even well within 90 days
    before = await snapshot(engine, *METHODOLOGY_TABLES)
    refused = await methodology_flow.call(CIRCULATE, {"id": proposal_id} | well_within, "secretariat")

    # Then it is refused without a trace
    assert refused == {"proposal": None, "userErrors": [error("INVALID_INPUT", NO_MORE, FIELD[mode])]}
    assert await snapshot(engine, *METHODOLOGY_TABLES) == before
    assert (await methodology_flow.read(proposal_id))["status"] == "LAPSED"


async def test_a_methodology_is_not_circulated_without_public_input_nor_while_it_is_open(
    methodology_flow, engine, frozen_clock
):
    # Given a submitted methodology
    proposal_id = (await methodology_flow.propose())["proposal"]["id"]
    await methodology_flow.submit(pk(proposal_id), "secretariat")
    circulate = {"id": proposal_id, "mode": "ELECTRONIC", "deadline": "2027-01-05"}

    # Without public input it is refused
    before = await snapshot(engine, *METHODOLOGY_TABLES)
    assert await methodology_flow.call(CIRCULATE, circulate, "secretariat") == {
        "proposal": None,
        "userErrors": [
            error(
                "INVALID_TRANSITION",
                "A METHODOLOGY_APPROVAL proposal is circulated only after public input; open it first.",
            )
        ],
    }
    assert await snapshot(engine, *METHODOLOGY_TABLES) == before

    # and so it is on each day of the window, up to its last
    await methodology_flow.open_public_input(pk(proposal_id))
    for day in ("2026-11-28", "2026-12-05", "2026-12-12"):
        frozen_clock.set(at(day, 23))
        before = await snapshot(engine, *METHODOLOGY_TABLES)
        assert await methodology_flow.call(CIRCULATE, circulate, "secretariat") == {
            "proposal": None,
            "userErrors": [
                error(
                    "INVALID_TRANSITION",
                    "Public input is open until 2026-12-12; circulate it after the window has closed.",
                )
            ],
        }, day
        assert await snapshot(engine, *METHODOLOGY_TABLES) == before

    # but the day after it closed it may go
    frozen_clock.set(at("2026-12-13", 0))
    assert (await methodology_flow.ok(CIRCULATE, circulate, "secretariat"))["proposal"][
        "status"
    ] == "UNDER_CONSIDERATION"


# --- revisions -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reference", "expected"),
    [
        ("VN_AM999", error("NOT_FOUND", "No valid approved methodology has the reference 'VN_AM999'.", "reference")),
        ("VN_PM002", error("NOT_FOUND", "No valid approved methodology has the reference 'VN_PM002'.", "reference")),
        ("VN_PM003", error("NOT_FOUND", "No valid approved methodology has the reference 'VN_PM003'.", "reference")),
        ("ID_AM001", error("NOT_FOUND", "No valid approved methodology has the reference 'ID_AM001'.", "reference")),
        ("", error("NOT_FOUND", "No valid approved methodology has the reference ''.", "reference")),
    ],
    ids=["unknown", "proposed", "not-approved", "other-committee-unknown", "blank"],
)
async def test_only_a_valid_approved_methodology_can_be_revised(
    methodology_flow, engine, frozen_clock, reference, expected
):
    # Given VN_AM001 approved, VN_PM002 proposed and VN_PM003 objected to
    await approved_methodology(methodology_flow, frozen_clock)
    await methodology_flow.propose(title="Proposed only")
    objected = await methodology_flow.published(title="Objected")
    after_public_input(frozen_clock)
    await methodology_flow.object(objected["proposal"]["id"])
    before = await snapshot(engine, *METHODOLOGY_TABLES)

    # When
    payload = await methodology_flow.call(
        REVISE, {"reference": reference, "summary": "Adds a default COP."}, "secretariat"
    )

    # Then
    assert payload == {"methodology": None, "proposal": None, "userErrors": [expected]}
    assert await snapshot(engine, *METHODOLOGY_TABLES) == before


@pytest.mark.parametrize(
    ("who", "reference", "summary", "expected"),
    [
        ("secretariat", "VN_AM001", " ", error("INVALID_INPUT", "summary must not be blank.", "summary")),
        ("ID", "VN_AM001", "Adds a default COP.", FORBIDDEN_REVISE),
        (None, "VN_AM001", "Adds a default COP.", UNAUTHENTICATED),
    ],
    ids=["blank-summary", "another-partner", "anonymous"],
)
async def test_a_refused_revision_leaves_no_trace(
    methodology_flow, engine, frozen_clock, who, reference, summary, expected
):
    # Given
    await approved_methodology(methodology_flow, frozen_clock)
    if who:
        await methodology_flow.token(who)
    before = await snapshot(engine, *METHODOLOGY_TABLES)

    # When
    payload = await methodology_flow.call(REVISE, {"reference": reference, "summary": summary}, who)

    # Then
    assert payload == {"methodology": None, "proposal": None, "userErrors": [expected]}
    assert await snapshot(engine, *METHODOLOGY_TABLES) == before


@pytest.mark.parametrize(
    ("who", "reference"), [("secretariat", "VN_AM001"), ("japan", " vn_am001 "), ("VN", "Vn_Am001")]
)
async def test_the_secretariat_japan_and_the_committees_partner_may_propose_a_revision(
    methodology_flow, frozen_clock, who, reference
):
    # Given
    await approved_methodology(methodology_flow, frozen_clock, sectoralScopes=[3, 4])

    # When
    payload = await methodology_flow.ok(REVISE, {"reference": reference, "summary": "Adds a default COP."}, who)

    # Then a PROPOSED version under the same references, with the original's title, proponent and scopes
    assert payload["methodology"] | {"id": None} == {
        "id": None,
        "proposedReference": "VN_PM001",
        "reference": "VN_AM001",
        "version": None,
        "status": "PROPOSED",
        "title": "Energy saving by high-efficiency chillers",
        "summary": "Adds a default COP.",
        "proponent": "Example Engineering Co.",
        "approvedOn": None,
        "committee": {"code": "VN"},
        "sectoralScopes": [{"number": 3}, {"number": 4}],
        "decision": None,
    }
    assert payload["proposal"] | {"id": None} == {
        "id": None,
        "kind": "METHODOLOGY_REVISION",
        "status": "DRAFT",
        "title": "Revision of VN_AM001: Energy saving by high-efficiency chillers",
        "summary": "Adds a default COP.",
    }


async def test_one_open_revision_at_a_time_and_a_new_one_after_withdrawal(methodology_flow, gql, engine, frozen_clock):
    # Given VN_AM001 with an open revision
    await approved_methodology(methodology_flow, frozen_clock)
    first = await methodology_flow.ok(REVISE, {"reference": "VN_AM001", "summary": "Adds a default COP."}, "VN")

    # When a second is proposed, it is refused without a trace
    before = await snapshot(engine, *METHODOLOGY_TABLES)
    second = await methodology_flow.call(REVISE, {"reference": "VN_AM001", "summary": "Another change."}, "japan")
    assert second == {
        "methodology": None,
        "proposal": None,
        "userErrors": [
            error(
                "INVALID_TRANSITION",
                "A revision of VN_AM001 is already open; decide or withdraw it first.",
                "reference",
            )
        ],
    }
    assert await snapshot(engine, *METHODOLOGY_TABLES) == before

    # When the first is withdrawn, a new one may be proposed
    await methodology_flow.ok(WITHDRAW, {"id": first["proposal"]["id"], "reason": "Rewritten."}, "VN")
    again = await methodology_flow.ok(REVISE, {"reference": "VN_AM001", "summary": "Another change."}, "japan")

    # Then ver01.0 stays valid and the withdrawn revision never becomes a version
    assert (again["methodology"]["status"], again["methodology"]["summary"]) == ("PROPOSED", "Another change.")
    current = await methodology_flow.read_methodology("VN_AM001")
    assert (current["version"], current["status"], current["summary"]) == ("ver01.0", "VALID", "Replaces old chillers.")
    assert current["versions"] == [{"version": "ver01.0", "status": "VALID", "summary": "Replaces old chillers."}]
    withdrawn = await methodology_flow.read(first["proposal"]["id"])
    assert withdrawn["status"] == "WITHDRAWN"
    subject = (
        await gql(PROPOSAL_SUBJECT, {"id": first["proposal"]["id"]}, token=await methodology_flow.token("secretariat"))
    )["node"]
    assert subject["subject"]["status"] == "WITHDRAWN"


async def test_an_objected_revision_leaves_the_version_in_force_valid(methodology_flow, gql, frozen_clock):
    # Given VN_AM001 and a circulated revision
    await approved_methodology(methodology_flow, frozen_clock)
    revision = await methodology_flow.ok(REVISE, {"reference": "VN_AM001", "summary": "Adds a default COP."}, "VN")
    revision_id = revision["proposal"]["id"]
    await methodology_flow.submit(pk(revision_id), "VN")

    # When Japan objects
    decided = await methodology_flow.object(revision_id)
    assert decided["decision"]["outcome"] == "NOT_APPROVED"

    # Then ver01.0 is still the valid version, and the revision is NOT_APPROVED without a version
    current = await methodology_flow.read_methodology("vn_am001", None)
    assert (current["version"], current["status"], current["summary"]) == ("ver01.0", "VALID", "Replaces old chillers.")
    assert current["decision"] == {"reference": "JC-VN-2026-001", "outcome": "APPROVED"}
    assert current["versions"] == [{"version": "ver01.0", "status": "VALID", "summary": "Replaces old chillers."}]
    subject = (await gql(DECISION_SUBJECT, {"reference": "JC-VN-2026-002"}))["decision"]
    assert subject == {
        "reference": "JC-VN-2026-002",
        "outcome": "NOT_APPROVED",
        "kind": "METHODOLOGY_REVISION",
        "subject": {
            "__typename": "Methodology",
            "proposedReference": "VN_PM001",
            "reference": "VN_AM001",
            "version": None,
            "status": "NOT_APPROVED",
        },
    }

    # and a new revision may be proposed
    assert (await methodology_flow.ok(REVISE, {"reference": "VN_AM001", "summary": "Retry."}, "VN"))["methodology"][
        "status"
    ] == "PROPOSED"


# --- lookups and lists -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reference", "found"),
    [
        ("VN_PM001", "VN_PM001"),
        ("vn_pm001", "VN_PM001"),
        (" VN_AM001 ", "VN_PM001"),
        ("vn_Am001", "VN_PM001"),
        ("VN_PM002", "VN_PM002"),
        ("VN_PM003", None),
        ("VN_AM002", None),
        ("ID_PM001", None),
        ("JC-VN-2026-001", None),
        ("", None),
    ],
)
async def test_a_methodology_is_found_by_its_pm_or_am_reference(methodology_flow, frozen_clock, reference, found):
    # Given VN_PM001 approved as VN_AM001 and VN_PM002 in public input
    await approved_methodology(methodology_flow, frozen_clock)
    await methodology_flow.published(title="Second")

    # When
    methodology = await methodology_flow.read_methodology(reference, None)

    # Then
    assert (methodology and methodology["proposedReference"]) == found


# (proposedReference, committee, title, summary, scopes, fate), in the order they are created
CATALOGUE = [
    ("VN_PM001", "VN", "Energy saving by high-efficiency chillers", "Inverter chillers.", [3], "approve"),
    ("VN_PM002", "VN", "Solar power with battery storage", "Grid-connected.", [1], "open"),
    ("ID_PM001", "ID", "Chillers for cold chains", "Refrigerated warehouses.", [3, 4], "withdraw"),
    ("VN_PM003", "VN", "Landfill gas capture", "Flaring and power.", [13], "object"),
    ("MN_PM001", "MN", "Heat-only boilers", "High-efficiency boilers for energy in towns.", [1, 3], "approve"),
    ("ID_PM002", "ID", "Water management in rice cultivation", "Alternate wetting and drying.", [15], "open"),
]
FATE = {"approve": "VALID", "open": "PROPOSED", "withdraw": "WITHDRAWN", "object": "NOT_APPROVED"}
APPROVED_AS = {"VN_PM001": "VN_AM001", "MN_PM001": "MN_AM001"}
NEWEST_FIRST = [row[0] for row in reversed(CATALOGUE)]


async def given_a_catalogue(flow: Methodologies, frozen_clock) -> None:
    """Every methodology of CATALOGUE through public input, then decided, withdrawn or left open."""
    ids = {}
    for pm, committee, title, summary, scopes, _ in CATALOGUE:
        proposed = await flow.published(committee, title=title, summary=summary, sectoralScopes=scopes)
        assert proposed["methodology"]["proposedReference"] == pm
        ids[pm] = proposed["proposal"]["id"]
    after_public_input(frozen_clock)
    for pm, committee, *_, fate in CATALOGUE:
        if fate == "approve":
            await flow.approve(ids[pm], committee)
        elif fate == "object":
            await flow.object(ids[pm])
        elif fate == "withdraw":
            await flow.ok(WITHDRAW, {"id": ids[pm], "reason": "Merged into another."}, "secretariat")


def nodes(pms: list[str]) -> list[dict]:
    fates = {row[0]: row[5] for row in CATALOGUE}
    return [{"proposedReference": pm, "reference": APPROVED_AS.get(pm), "status": FATE[fates[pm]]} for pm in pms]


@pytest.mark.parametrize(
    ("filter_", "expected"),
    [
        (None, NEWEST_FIRST),
        ({}, NEWEST_FIRST),
        ({"committeeCode": "VN"}, ["VN_PM003", "VN_PM002", "VN_PM001"]),
        ({"committeeCode": " id "}, ["ID_PM002", "ID_PM001"]),
        ({"committeeCode": "XX"}, []),
        ({"status": ["VALID"]}, ["MN_PM001", "VN_PM001"]),
        ({"status": ["NOT_APPROVED", "WITHDRAWN"]}, ["VN_PM003", "ID_PM001"]),
        ({"status": ["PROPOSED"]}, ["ID_PM002", "VN_PM002"]),
        ({"status": ["SUPERSEDED"]}, []),
        ({"sectoralScope": 3}, ["MN_PM001", "ID_PM001", "VN_PM001"]),
        ({"sectoralScope": 1}, ["MN_PM001", "VN_PM002"]),
        ({"sectoralScope": 2}, []),
        ({"search": "chillers"}, ["ID_PM001", "VN_PM001"]),
        ({"search": "CHILLERS energy"}, ["VN_PM001"]),
        ({"search": "energy"}, ["MN_PM001", "VN_PM001"]),
        ({"search": "wetting"}, ["ID_PM002"]),
        ({"search": "vn_am001"}, ["VN_PM001"]),
        ({"search": "ID_PM00"}, ["ID_PM002", "ID_PM001"]),
        ({"search": "nuclear"}, []),
        ({"committeeCode": "VN", "sectoralScope": 3, "status": ["VALID"]}, ["VN_PM001"]),
        ({"committeeCode": "ID", "search": "chillers", "status": ["PROPOSED"]}, []),
    ],
)
async def test_methodologies_filter_newest_first_with_total(
    prebuilt, methodology_flow, gql, frozen_clock, filter_, expected
):
    # Given
    await prebuilt(given_a_catalogue, methodology_flow, frozen_clock)

    # When
    page = (await gql(METHODOLOGIES, {"filter": filter_}))["methodologies"]

    # Then
    assert [edge["node"] for edge in page["edges"]] == nodes(expected)
    assert page["totalCount"] == len(expected)
    assert page["pageInfo"]["hasNextPage"] is False


async def walk(gql, document: str, variables: dict, first: int, path: list[str]) -> list[dict]:
    """Every page of a connection, `first` at a time; each page as returned."""
    pages, after = [], None
    while True:
        data = await gql(document, variables | {"first": first, "after": after})
        for key in path:
            data = data[key]
        pages.append(data)
        if not data["pageInfo"]["hasNextPage"]:
            return pages
        after = data["pageInfo"]["endCursor"]
        assert len(pages) < 20, "paging does not end"


@pytest.mark.parametrize("first", [1, 2, 4, 6, 7])
async def test_keyset_pages_walk_every_methodology_once(prebuilt, methodology_flow, gql, frozen_clock, first):
    # Given
    await prebuilt(given_a_catalogue, methodology_flow, frozen_clock)

    # When
    pages = await walk(gql, METHODOLOGIES, {}, first, ["methodologies"])

    # Then
    walked = [edge["node"] for page in pages for edge in page["edges"]]
    assert walked == nodes(NEWEST_FIRST)
    assert len(pages) == -(-len(CATALOGUE) // first)
    assert {page["totalCount"] for page in pages} == {len(CATALOGUE)}
    assert [page["pageInfo"]["hasPreviousPage"] for page in pages] == [False] + [True] * (len(pages) - 1)
    for page in pages:
        assert page["pageInfo"]["startCursor"] == page["edges"][0]["cursor"]
        assert page["pageInfo"]["endCursor"] == page["edges"][-1]["cursor"]


@pytest.mark.parametrize(
    ("code", "filter_", "expected"),
    [
        ("VN", None, ["VN_PM003", "VN_PM002", "VN_PM001"]),
        ("vn", {"status": ["VALID", "PROPOSED"]}, ["VN_PM002", "VN_PM001"]),
        ("ID", {"sectoralScope": 4}, ["ID_PM001"]),
        ("MN", {"search": "boilers"}, ["MN_PM001"]),
        ("MN", {"search": "chillers"}, []),
        ("KE", None, []),
    ],
)
async def test_a_committees_methodologies_are_its_own(
    prebuilt, methodology_flow, gql, frozen_clock, code, filter_, expected
):
    # Given
    await prebuilt(given_a_catalogue, methodology_flow, frozen_clock)

    # When
    whole = (await gql(COMMITTEE_METHODOLOGIES, {"code": code, "filter": filter_}))["committee"]["methodologies"]
    pages = await walk(
        gql, COMMITTEE_METHODOLOGIES, {"code": code, "filter": filter_}, 1, ["committee", "methodologies"]
    )

    # Then
    assert [edge["node"] for edge in whole["edges"]] == nodes(expected)
    assert whole["totalCount"] == len(expected)
    assert [edge["node"] for page in pages for edge in page["edges"]] == nodes(expected)
    assert {page["totalCount"] for page in pages} == {len(expected)}


# --- visibility ------------------------------------------------------------------------------

READERS = [
    pytest.param(None, False, id="public"),
    pytest.param("ID", False, id="partner-ID"),
    pytest.param("VN", True, id="partner-VN"),
    pytest.param("japan", True, id="japan"),
    pytest.param("secretariat", True, id="secretariat"),
]


@pytest.mark.parametrize("stage", ["DRAFT", "SUBMITTED", "PUBLIC_INPUT"])
@pytest.mark.parametrize(("who", "sees_inside"), READERS)
async def test_a_methodology_is_public_from_public_input_on(methodology_flow, gql, stage, who, sees_inside):
    # Given a published ID methodology, and a VN methodology proposed by its partner in `stage`
    await methodology_flow.published("ID", title="Published elsewhere")
    proposed = await methodology_flow.propose("VN", who="VN")
    if stage != "DRAFT":
        await methodology_flow.submit(pk(proposed["proposal"]["id"]), "VN")
    if stage == "PUBLIC_INPUT":
        await methodology_flow.open_public_input(pk(proposed["proposal"]["id"]))
    visible = sees_inside or stage == "PUBLIC_INPUT"
    token = await methodology_flow.token(who) if who else None

    # When / Then the reference, the node, the lists and their totals agree
    found = await methodology_flow.read_methodology("VN_PM001", who)
    assert (found and found["proposedReference"]) == ("VN_PM001" if visible else None)
    node = (await gql(NODE, {"id": proposed["methodology"]["id"]}, token=token))["node"]
    assert node == ({"proposedReference": "VN_PM001"} if visible else None)
    everywhere = (await gql(METHODOLOGIES, {}, token=token))["methodologies"]
    expected = ["VN_PM001", "ID_PM001"] if visible else ["ID_PM001"]
    assert [edge["node"]["proposedReference"] for edge in everywhere["edges"]] == expected
    assert everywhere["totalCount"] == len(expected)
    in_vn = (await gql(COMMITTEE_METHODOLOGIES, {"code": "VN"}, token=token))["committee"]["methodologies"]
    assert [edge["node"]["proposedReference"] for edge in in_vn["edges"]] == expected[:-1]
    assert in_vn["totalCount"] == len(expected) - 1


# --- subjects --------------------------------------------------------------------------------


async def test_the_proposal_and_the_decision_are_about_the_methodology(methodology_flow, gql, frozen_clock):
    # Given a proposed methodology
    proposed = await methodology_flow.published()
    proposal_id = proposed["proposal"]["id"]

    # Then its proposal's subject is the methodology, for everyone once published
    assert (await gql(PROPOSAL_SUBJECT, {"id": proposal_id}))["node"] == {
        "kind": "METHODOLOGY_APPROVAL",
        "subject": {
            "__typename": "Methodology",
            "proposedReference": "VN_PM001",
            "reference": None,
            "version": None,
            "status": "PROPOSED",
        },
    }

    # When it is approved, the decision's subject is the approved methodology
    after_public_input(frozen_clock)
    await methodology_flow.approve(proposal_id)
    approved = {
        "__typename": "Methodology",
        "proposedReference": "VN_PM001",
        "reference": "VN_AM001",
        "version": "ver01.0",
        "status": "VALID",
    }
    assert await gql(DECISION_SUBJECT, {"reference": "JC-VN-2026-001"}) == {
        "decision": {
            "reference": "JC-VN-2026-001",
            "outcome": "APPROVED",
            "kind": "METHODOLOGY_APPROVAL",
            "subject": approved,
        }
    }
    assert (await gql(PROPOSAL_SUBJECT, {"id": proposal_id}))["node"]["subject"] == approved

    # and a revision's proposal is about the new version
    revision = await methodology_flow.ok(REVISE, {"reference": "VN_AM001", "summary": "Adds a default COP."}, "VN")
    subject = (
        await gql(PROPOSAL_SUBJECT, {"id": revision["proposal"]["id"]}, token=await methodology_flow.token("VN"))
    )["node"]
    assert subject == {
        "kind": "METHODOLOGY_REVISION",
        "subject": {
            "__typename": "Methodology",
            "proposedReference": "VN_PM001",
            "reference": "VN_AM001",
            "version": None,
            "status": "PROPOSED",
        },
    }
    assert (await gql(PROPOSAL, {"id": revision["proposal"]["id"]}))["node"] is None  # a draft revision is not public
    public = (await gql(METHODOLOGIES, {}))["methodologies"]
    inside = (await gql(METHODOLOGIES, {}, token=await methodology_flow.token("VN")))["methodologies"]
    assert ([e["node"] for e in public["edges"]], public["totalCount"]) == (
        [{"proposedReference": "VN_PM001", "reference": "VN_AM001", "status": "VALID"}],
        1,
    )
    assert ([e["node"] for e in inside["edges"]], inside["totalCount"]) == (
        [
            {"proposedReference": "VN_PM001", "reference": "VN_AM001", "status": "PROPOSED"},
            {"proposedReference": "VN_PM001", "reference": "VN_AM001", "status": "VALID"},
        ],
        2,
    )


# --- query counts ----------------------------------------------------------------------------


async def given_methodologies_in_several_committees(engine, frozen_clock, count: int) -> None:
    """`count` methodologies across three committees, all through public input; every other one
    approved, the newest among them."""
    committees = ["VN", "ID", "MN"]
    async with new_session(engine) as session:
        proposals = []
        for n in range(count):
            code = committees[n % len(committees)]
            proposed = await propose_methodology(
                session,
                SECRETARIAT,
                committee_code=code,
                title=f"Methodology {n + 1}",
                sectoral_scopes=[n % 15 + 1, (n + 5) % 15 + 1],
                proponent="Developer",
                summary="What it does.",
            )
            proposal = proposed.proposal
            await submit_proposal(session, SECRETARIAT, proposal_id=proposal.id)
            await open_public_input(session, SECRETARIAT, proposal_id=proposal.id)
            proposals.append((code, proposal.id))
        after_public_input(frozen_clock)
        for code, proposal_id in proposals[count - 1 :: -2]:
            await circulate_proposal(
                session, SECRETARIAT, proposal_id=proposal_id, mode=DecisionMode.ELECTRONIC, deadline=date(2026, 12, 31)
            )
            await give_position(session, JAPAN, proposal_id=proposal_id, position=Position.CONSENT)
            await give_position(
                session,
                Principal(Role.PARTNER, code, name="Authority"),
                proposal_id=proposal_id,
                position=Position.CONSENT,
            )


async def test_nested_methodology_fields_cost_the_same_for_1_row_as_for_30(gql, engine, frozen_clock):
    # Given 30 methodologies, 15 of them approved
    await given_methodologies_in_several_committees(engine, frozen_clock, 30)

    # When
    with count_statements(engine) as one:
        data_one = await gql(NESTED, {"first": 1})
    with count_statements(engine) as thirty:
        data_thirty = await gql(NESTED, {"first": 30})

    # Then
    nodes_ = [edge["node"] for edge in data_thirty["methodologies"]["edges"]]
    assert len(nodes_) == 30
    assert data_one["methodologies"]["edges"] == data_thirty["methodologies"]["edges"][:1]
    assert nodes_[0] == {
        "reference": "MN_AM001",
        "committee": {"code": "MN"},
        "sectoralScopes": [{"name": "Chemical industry"}, {"name": "Agriculture"}],
        "decision": {"reference": "JC-MN-2026-001"},
        "publicInput": {"closesOn": "2026-12-12"},
        "versions": [{"version": "ver01.0"}],
    }
    assert nodes_[1] == {
        "reference": None,
        "committee": {"code": "ID"},
        "sectoralScopes": [{"name": "Manufacturing industries"}, {"name": "Afforestation and reforestation"}],
        "decision": None,
        "publicInput": {"closesOn": "2026-12-12"},
        "versions": [{"version": None}],
    }
    assert sum(node["reference"] is not None for node in nodes_) == 15
    assert one.count == thirty.count, (one.statements, thirty.statements)
    assert thirty.count <= 9  # BEGIN, count, page, committees, scope links, scopes, decisions, proposals, versions
