"""Who may take which workflow step, from which status: the whole matrix, and that every refusal
leaves no trace (no row, no history line, no audit event, no new version)."""

from typing import Any

import pytest

from api.ids import to_global_id
from tests.support.db import snapshot
from tests.support.documents import (
    CIRCULATE,
    CONSENT,
    CREATE,
    OBJECT,
    OPEN_PUBLIC_INPUT,
    RETURN,
    SUBMIT,
    WITHDRAW,
    WORKFLOW_TABLES,
)
from tests.support.workflow import Workflow

STATUSES = [
    "DRAFT",
    "SUBMITTED",
    "RETURNED",
    "PUBLIC_INPUT",
    "UNDER_CONSIDERATION",
    "APPROVED",
    "NOT_APPROVED",
    "WITHDRAWN",
    "LAPSED",
]

# Each step: its document, the extra input that makes it valid, the status it leads to, its
# history actions on success, and the verb in its messages.
STEPS: dict[str, dict[str, Any]] = {
    "submitProposal": {
        "document": SUBMIT,
        "input": {},
        "target": "SUBMITTED",
        "actions": ["submitted"],
        "verb": "submit",
    },
    "returnProposal": {
        "document": RETURN,
        "input": {"reason": "Annex missing."},
        "target": "RETURNED",
        "actions": ["returned"],
        "verb": "return",
    },
    "openPublicInput": {
        "document": OPEN_PUBLIC_INPUT,
        "input": {},
        "target": "PUBLIC_INPUT",
        "actions": ["publicInputOpened"],
        "verb": "open public input on",
    },
    "circulateProposal": {
        "document": CIRCULATE,
        "input": {"mode": "ELECTRONIC", "deadline": "2026-12-31"},
        "target": "UNDER_CONSIDERATION",
        "actions": ["circulated"],
        "verb": "circulate",
    },
    "giveConsent": {
        "document": CONSENT,
        "input": {},
        "target": "UNDER_CONSIDERATION",
        "actions": ["consented"],
        "verb": "consent to",
    },
    "raiseObjection": {
        "document": OBJECT,
        "input": {"statement": "Not additional."},
        "target": "NOT_APPROVED",
        "actions": ["objected", "notApproved"],
        "verb": "object to",
    },
    "withdrawProposal": {
        "document": WITHDRAW,
        "input": {"reason": "Superseded."},
        "target": "WITHDRAWN",
        "actions": ["withdrawn"],
        "verb": "withdraw",
    },
}

# Written out by hand, not read from models.workflow: the table there must agree with this one.
SOURCES = {
    "submitProposal": {"DRAFT", "RETURNED"},
    "returnProposal": {"SUBMITTED"},
    "openPublicInput": {"SUBMITTED"},
    "circulateProposal": {"SUBMITTED", "PUBLIC_INPUT", "LAPSED", "UNDER_CONSIDERATION"},
    "giveConsent": {"UNDER_CONSIDERATION"},
    "raiseObjection": {"UNDER_CONSIDERATION"},
    "withdrawProposal": {"DRAFT", "SUBMITTED", "RETURNED", "PUBLIC_INPUT", "UNDER_CONSIDERATION", "LAPSED"},
}

FORBIDDEN_MESSAGES = {
    "submitProposal": "In the VN committee, to submit a proposal is for the secretariat or the proposer's side only.",
    "returnProposal": "In the VN committee, to return a proposal is for the secretariat only.",
    "openPublicInput": "In the VN committee, to open public input on a proposal is for the secretariat only.",
    "circulateProposal": "In the VN committee, to circulate a proposal is for the secretariat only.",
    "giveConsent": "In the VN committee, to consent to a proposal is for the Japanese government or that committee's partner only.",
    "raiseObjection": "In the VN committee, to object to a proposal is for the Japanese government or that committee's partner only.",
    "withdrawProposal": "In the VN committee, to withdraw a proposal is for the secretariat or the proposer's side only.",
}

UNAUTHENTICATED = {"code": "UNAUTHENTICATED", "message": "Sign in with a bearer token to do this.", "field": None}
NOT_FOUND = {"code": "NOT_FOUND", "message": "No proposal has this id.", "field": ["id"]}

LABELS = {
    "secretariat": "JCMA Secretariat",
    "japan": "MOEJ",
    "VN": "Authority of VN (VN)",
    "ID": "Authority of ID (ID)",
}

OK, F, NF, U = "ok", "FORBIDDEN", "NOT_FOUND", "UNAUTHENTICATED"
ACTORS = ["secretariat", "japan", "VN", "ID", None]

# (step, status of the VN proposal, who created it): outcome for secretariat, Japan, VN, ID, anonymous.
# A draft or submitted VN item is invisible to ID (NOT_FOUND); once published ID sees it (FORBIDDEN).
MATRIX: dict[tuple[str, str, str], tuple[str, str, str, str, str]] = {
    ("submitProposal", "DRAFT", "secretariat"): (OK, F, F, NF, U),
    ("submitProposal", "DRAFT", "japan"): (OK, OK, F, NF, U),
    ("submitProposal", "DRAFT", "VN"): (OK, F, OK, NF, U),
    ("submitProposal", "RETURNED", "VN"): (OK, F, OK, NF, U),
    ("returnProposal", "SUBMITTED", "secretariat"): (OK, F, F, NF, U),
    ("returnProposal", "SUBMITTED", "VN"): (OK, F, F, NF, U),
    ("openPublicInput", "SUBMITTED", "secretariat"): (OK, F, F, NF, U),
    ("openPublicInput", "SUBMITTED", "japan"): (OK, F, F, NF, U),
    ("circulateProposal", "SUBMITTED", "secretariat"): (OK, F, F, NF, U),
    ("circulateProposal", "PUBLIC_INPUT", "secretariat"): (OK, F, F, F, U),
    ("circulateProposal", "PUBLIC_INPUT", "VN"): (OK, F, F, F, U),
    ("giveConsent", "UNDER_CONSIDERATION", "secretariat"): (F, OK, OK, F, U),
    ("giveConsent", "UNDER_CONSIDERATION", "VN"): (F, OK, OK, F, U),
    ("raiseObjection", "UNDER_CONSIDERATION", "secretariat"): (F, OK, OK, F, U),
    ("raiseObjection", "UNDER_CONSIDERATION", "japan"): (F, OK, OK, F, U),
    ("withdrawProposal", "DRAFT", "secretariat"): (OK, F, F, NF, U),
    ("withdrawProposal", "DRAFT", "japan"): (OK, OK, F, NF, U),
    ("withdrawProposal", "DRAFT", "VN"): (OK, F, OK, NF, U),
    ("withdrawProposal", "SUBMITTED", "VN"): (OK, F, OK, NF, U),
    ("withdrawProposal", "PUBLIC_INPUT", "japan"): (OK, OK, F, F, U),
    ("withdrawProposal", "UNDER_CONSIDERATION", "secretariat"): (OK, F, F, F, U),
    ("withdrawProposal", "UNDER_CONSIDERATION", "japan"): (OK, OK, F, F, U),
    ("withdrawProposal", "UNDER_CONSIDERATION", "VN"): (OK, F, OK, F, U),
}

CASES = [
    pytest.param(step, status, proposer, actor, outcome, id=f"{step}-{status}-by-{proposer}-as-{actor or 'anonymous'}")
    for (step, status, proposer), outcomes in MATRIX.items()
    for actor, outcome in zip(ACTORS, outcomes, strict=True)
]


def expected_error(step: str, outcome: str) -> dict:
    return {
        U: UNAUTHENTICATED,
        NF: NOT_FOUND,
        F: {"code": "FORBIDDEN", "message": FORBIDDEN_MESSAGES.get(step), "field": None},
    }[outcome]


def refused(step: str, error: dict) -> dict:
    """The whole payload of a refused step."""
    payload = {"proposal": None, "userErrors": [error]}
    return payload | {"decision": None} if step in ("giveConsent", "raiseObjection") else payload


async def version_and_history(flow: Workflow, proposal_id: str) -> tuple[int, int]:
    proposal = await flow.read(proposal_id)
    return proposal["version"], len(proposal["history"])


# --- who may do what -------------------------------------------------------------------------


def test_the_matrix_covers_every_step_and_every_proposer_of_submit_and_withdraw():
    assert {step for step, _, _ in MATRIX} == set(STEPS)
    for step in ("submitProposal", "withdrawProposal"):
        assert {proposer for s, _, proposer in MATRIX if s == step} == {"secretariat", "japan", "VN"}
    for step, status, _ in MATRIX:
        assert status in SOURCES[step]


@pytest.mark.parametrize(("step", "status", "proposer", "actor", "outcome"), CASES)
async def test_who_may_take_each_step(flow, engine, step, status, proposer, actor, outcome):
    # Given a VN proposal, created by `proposer`, in a status the step allows
    proposal = await flow.in_status(status, proposer=proposer)
    spec = STEPS[step]
    before = await snapshot(engine, *WORKFLOW_TABLES)

    # When `actor` takes the step
    payload = await flow.call(spec["document"], {"id": proposal["id"]} | spec["input"], actor)

    # Then
    if outcome == OK:
        assert payload["userErrors"] == []
        after = payload["proposal"]
        assert after["status"] == spec["target"]
        added = len(spec["actions"])
        assert after["version"] == proposal["version"] + added
        assert [(event["action"], event["actor"]) for event in after["history"][-added:]] == [
            (action, LABELS[actor]) for action in spec["actions"]
        ]
        assert after["history"][:-added] == proposal["history"]
        if step == "raiseObjection":
            assert payload["decision"]["reference"] == "JC-VN-2026-001"
        elif step == "giveConsent":
            assert payload["decision"] is None
        assert await snapshot(engine, *WORKFLOW_TABLES) != before
    else:
        assert payload == refused(step, expected_error(step, outcome))
        assert await snapshot(engine, *WORKFLOW_TABLES) == before
        assert await flow.read(proposal["id"]) == proposal


async def test_consent_of_both_sides_in_any_order_decides(flow):
    # Given a circulated proposal
    proposal = await flow.in_status("UNDER_CONSIDERATION")

    # When the partner consents first, then Japan
    first = await flow.ok(CONSENT, {"id": proposal["id"]}, "VN")
    second = await flow.ok(CONSENT, {"id": proposal["id"]}, "japan")

    # Then the second consent decides
    assert (first["proposal"]["status"], first["decision"]) == ("UNDER_CONSIDERATION", None)
    assert second["proposal"]["status"] == "APPROVED"
    assert second["decision"] == {
        "reference": "JC-VN-2026-001",
        "outcome": "APPROVED",
        "kind": "OTHER",
        "title": "Interim special measures",
        "decidedOn": "2026-11-28",
        "mode": "ELECTRONIC",
        "committee": {"code": "VN"},
        "positions": [
            {"side": "JAPAN", "position": "CONSENT", "statement": None},
            {"side": "PARTNER", "position": "CONSENT", "statement": None},
        ],
    }
    assert [e["action"] for e in second["proposal"]["history"]] == [
        "created",
        "submitted",
        "circulated",
        "consented",
        "consented",
        "approved",
    ]
    assert second["proposal"]["version"] == 6


# --- from which status -----------------------------------------------------------------------

TRANSITION_CASES = [
    pytest.param(step, status, id=f"{step}-from-{status}")
    for step in STEPS
    for status in STATUSES
    if status not in SOURCES[step]
]


def test_every_step_is_refused_from_at_least_one_status():
    assert {step for step, _ in (case.values for case in TRANSITION_CASES)} == set(STEPS)
    assert len(TRANSITION_CASES) == 47


@pytest.mark.parametrize(("step", "status"), TRANSITION_CASES)
async def test_a_step_from_a_status_not_in_its_sources_is_an_invalid_transition(
    flow, engine, frozen_clock, step, status
):
    # Given a proposal in `status`, and someone who may take the step
    proposal = await flow.in_status(status, frozen_clock=frozen_clock)
    actor = "japan" if step in ("giveConsent", "raiseObjection") else "secretariat"
    spec = STEPS[step]
    before = await snapshot(engine, *WORKFLOW_TABLES)

    # When
    payload = await flow.call(spec["document"], {"id": proposal["id"]} | spec["input"], actor)

    # Then
    allowed = ", ".join(sorted(SOURCES[step]))
    assert payload == refused(
        step,
        {
            "code": "INVALID_TRANSITION",
            "message": f"Cannot {spec['verb']} a proposal that is {status}; only from {allowed}.",
            "field": None,
        },
    )
    assert await snapshot(engine, *WORKFLOW_TABLES) == before
    assert await flow.read(proposal["id"]) == proposal


async def test_the_transition_message_names_the_sources_exactly(flow):
    proposal = await flow.in_status("APPROVED")

    payload = await flow.call(
        CIRCULATE, {"id": proposal["id"], "mode": "ELECTRONIC", "deadline": "2026-12-31"}, "secretariat"
    )

    assert payload["userErrors"] == [
        {
            "code": "INVALID_TRANSITION",
            "message": "Cannot circulate a proposal that is APPROVED; only from LAPSED, PUBLIC_INPUT, SUBMITTED, "
            "UNDER_CONSIDERATION.",
            "field": None,
        }
    ]


# --- the order of the checks -----------------------------------------------------------------


async def test_checks_run_not_found_then_forbidden_then_stale_then_transition_then_input(flow, engine):
    # Given a VN draft (version 1) and a circulated VN item
    draft = await flow.in_status("DRAFT")
    circulated = await flow.in_status("UNDER_CONSIDERATION")
    before = await snapshot(engine, *WORKFLOW_TABLES)
    stale = {
        "code": "STALE_VERSION",
        "message": "The proposal is at version 1, not 7: reload it and retry.",
        "field": ["expectedVersion"],
    }

    # NOT_FOUND before FORBIDDEN: ID may not return anything, but does not even see the draft
    assert (await flow.call(RETURN, {"id": draft["id"], "reason": "x", "expectedVersion": 7}, "ID"))["userErrors"] == [
        NOT_FOUND
    ]
    # FORBIDDEN before STALE_VERSION
    assert (await flow.call(RETURN, {"id": draft["id"], "reason": "x", "expectedVersion": 7}, "japan"))[
        "userErrors"
    ] == [{"code": "FORBIDDEN", "message": FORBIDDEN_MESSAGES["returnProposal"], "field": None}]
    # STALE_VERSION before INVALID_TRANSITION
    assert (await flow.call(RETURN, {"id": draft["id"], "reason": "x", "expectedVersion": 7}, "secretariat"))[
        "userErrors"
    ] == [stale]
    # INVALID_TRANSITION before the input is looked at
    assert (await flow.call(RETURN, {"id": draft["id"], "reason": "  "}, "secretariat"))["userErrors"] == [
        {
            "code": "INVALID_TRANSITION",
            "message": "Cannot return a proposal that is DRAFT; only from SUBMITTED.",
            "field": None,
        }
    ]
    assert (await flow.call(OBJECT, {"id": circulated["id"], "statement": ""}, "secretariat"))["userErrors"] == [
        {"code": "FORBIDDEN", "message": FORBIDDEN_MESSAGES["raiseObjection"], "field": None}
    ]
    assert await snapshot(engine, *WORKFLOW_TABLES) == before


@pytest.mark.parametrize(
    ("proposal_id", "error"),
    [
        (to_global_id("Proposal", 999_999), NOT_FOUND),
        (
            to_global_id("Decision", 1),
            {"code": "INVALID_INPUT", "message": "id is not the id of a Proposal.", "field": ["id"]},
        ),
        ("not-an-id", {"code": "INVALID_INPUT", "message": "id is not the id of a Proposal.", "field": ["id"]}),
    ],
    ids=["missing-proposal", "id-of-another-type", "garbage"],
)
@pytest.mark.parametrize("step", list(STEPS))
async def test_an_id_that_names_no_proposal_is_refused(flow, engine, step, proposal_id, error):
    await flow.in_status("DRAFT")
    actor = "japan" if step in ("giveConsent", "raiseObjection") else "secretariat"
    before = await snapshot(engine, *WORKFLOW_TABLES)

    payload = await flow.call(STEPS[step]["document"], {"id": proposal_id} | STEPS[step]["input"], actor)

    assert payload == refused(step, error)
    assert await snapshot(engine, *WORKFLOW_TABLES) == before


# --- createProposal --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "committee", "proposer_side", "actor"),
    [
        ("secretariat", "VN", None, "JCMA Secretariat"),
        ("secretariat", "MN", None, "JCMA Secretariat"),
        ("japan", "VN", "JAPAN", "MOEJ"),
        ("japan", "ID", "JAPAN", "MOEJ"),
        ("VN", "VN", "PARTNER", "Authority of VN (VN)"),
        ("VN", "vn", "PARTNER", "Authority of VN (VN)"),
        ("ID", "ID", "PARTNER", "Authority of ID (ID)"),
    ],
)
async def test_create_proposal_by_those_who_sit_on_the_committee(flow, who, committee, proposer_side, actor):

    payload = await flow.call(
        CREATE, {"committeeCode": committee, "kind": "RULE_VERSION", "title": "  Glossary ver03  ", "summary": " "}, who
    )

    assert payload == {
        "proposal": {
            "id": payload["proposal"]["id"],
            "status": "DRAFT",
            "version": 1,
            "kind": "RULE_VERSION",
            "title": "Glossary ver03",
            "summary": None,
            "mode": None,
            "deadline": None,
            "dueOn": None,
            "overdue": False,
            "proposerSide": proposer_side,
            "committee": {"code": committee.upper()},
            "publicInput": None,
            "positions": [],
            "decision": None,
            "history": [{"action": "created", "actor": actor, "fromStatus": None, "toStatus": "DRAFT", "note": None}],
        },
        "userErrors": [],
    }


@pytest.mark.parametrize(
    ("who", "input", "error"),
    [
        (
            "VN",
            {"committeeCode": "ID"},
            {
                "code": "FORBIDDEN",
                "message": "In the ID committee, createProposal is for the secretariat, the Japanese government or that committee's partner only.",
                "field": None,
            },
        ),
        (None, {}, UNAUTHENTICATED),
        (
            "secretariat",
            {"title": "   "},
            {"code": "INVALID_INPUT", "message": "title must not be blank.", "field": ["title"]},
        ),
        (
            "secretariat",
            {"title": "x" * 301},
            {"code": "INVALID_INPUT", "message": "title must be at most 300 characters (got 301).", "field": ["title"]},
        ),
        ("VN", {"title": ""}, {"code": "INVALID_INPUT", "message": "title must not be blank.", "field": ["title"]}),
        (
            "secretariat",
            {"committeeCode": "XX"},
            {"code": "NOT_FOUND", "message": "No joint committee has the code 'XX'.", "field": ["committeeCode"]},
        ),
        (
            "japan",
            {"committeeCode": "JP"},
            {"code": "NOT_FOUND", "message": "No joint committee has the code 'JP'.", "field": ["committeeCode"]},
        ),
    ],
    ids=[
        "partner-in-another-committee",
        "anonymous",
        "blank-title",
        "long-title",
        "blank-title-by-partner",
        "unknown-committee",
        "japan-has-no-committee-of-its-own",
    ],
)
async def test_create_proposal_refusals_write_nothing(flow, engine, who, input, error):
    await flow.token("secretariat")
    before = await snapshot(engine, *WORKFLOW_TABLES)

    payload = await flow.call(
        CREATE, {"committeeCode": "VN", "kind": "OTHER", "title": "Interim measures"} | input, who
    )

    assert payload == {"proposal": None, "userErrors": [error]}
    assert await snapshot(engine, *WORKFLOW_TABLES) == before


# --- expectedVersion -------------------------------------------------------------------------

STALE_CASES = [
    pytest.param("submitProposal", "DRAFT", "secretariat", id="submitProposal"),
    pytest.param("returnProposal", "SUBMITTED", "secretariat", id="returnProposal"),
    pytest.param("openPublicInput", "SUBMITTED", "secretariat", id="openPublicInput"),
    pytest.param("circulateProposal", "SUBMITTED", "secretariat", id="circulateProposal-from-SUBMITTED"),
    pytest.param("circulateProposal", "PUBLIC_INPUT", "secretariat", id="circulateProposal-from-PUBLIC_INPUT"),
    pytest.param("giveConsent", "UNDER_CONSIDERATION", "japan", id="giveConsent"),
    pytest.param("raiseObjection", "UNDER_CONSIDERATION", "VN", id="raiseObjection"),
    pytest.param("withdrawProposal", "PUBLIC_INPUT", "secretariat", id="withdrawProposal"),
]


@pytest.mark.parametrize(("step", "status", "actor"), STALE_CASES)
@pytest.mark.parametrize("offset", [-1, 1], ids=["older", "newer"])
async def test_a_wrong_expected_version_is_stale_and_writes_nothing(flow, engine, step, status, actor, offset):
    # Given
    proposal = await flow.in_status(status)
    version = proposal["version"]
    spec = STEPS[step]
    before = await snapshot(engine, *WORKFLOW_TABLES)

    # When
    payload = await flow.call(
        spec["document"], {"id": proposal["id"], "expectedVersion": version + offset} | spec["input"], actor
    )

    # Then
    assert payload == refused(
        step,
        {
            "code": "STALE_VERSION",
            "message": f"The proposal is at version {version}, not {version + offset}: reload it and retry.",
            "field": ["expectedVersion"],
        },
    )
    assert await snapshot(engine, *WORKFLOW_TABLES) == before


@pytest.mark.parametrize(("step", "status", "actor"), STALE_CASES)
async def test_the_right_expected_version_works_and_the_version_counts_the_changes(flow, step, status, actor):
    # Given
    proposal = await flow.in_status(status)
    version = proposal["version"]
    spec = STEPS[step]

    # When
    payload = await flow.ok(spec["document"], {"id": proposal["id"], "expectedVersion": version} | spec["input"], actor)

    # Then one version per change, each change one line of history
    assert payload["proposal"]["status"] == spec["target"]
    assert payload["proposal"]["version"] == version + len(spec["actions"])
    assert payload["proposal"]["version"] == len(payload["proposal"]["history"])
    # and the old version no longer does
    new_version = payload["proposal"]["version"]
    again = await flow.call(
        WITHDRAW, {"id": proposal["id"], "expectedVersion": version, "reason": "Superseded."}, "secretariat"
    )
    assert again["userErrors"] == [
        {
            "code": "STALE_VERSION",
            "message": f"The proposal is at version {new_version}, not {version}: reload it and retry.",
            "field": ["expectedVersion"],
        }
    ]


async def test_versions_run_one_per_change_along_the_whole_way(flow):
    proposal = await flow.create(who="VN")
    ref = {"id": proposal["id"]}
    steps = [
        (SUBMIT, {}, "VN", "SUBMITTED"),
        (RETURN, {"reason": "Annex missing."}, "secretariat", "RETURNED"),
        (SUBMIT, {}, "VN", "SUBMITTED"),
        (OPEN_PUBLIC_INPUT, {}, "secretariat", "PUBLIC_INPUT"),
        (CIRCULATE, {"mode": "ELECTRONIC", "deadline": "2026-12-31"}, "secretariat", "UNDER_CONSIDERATION"),
        (CONSENT, {}, "japan", "UNDER_CONSIDERATION"),
        (CONSENT, {}, "VN", "APPROVED"),
    ]
    versions = [proposal["version"]]
    for document, extra, who, status in steps:
        payload = await flow.ok(document, ref | extra | {"expectedVersion": versions[-1]}, who)
        assert payload["proposal"]["status"] == status
        versions.append(payload["proposal"]["version"])

    assert versions == [1, 2, 3, 4, 5, 6, 7, 9]  # the last consent also records the approval
    assert [e["action"] for e in (await flow.read(proposal["id"]))["history"]] == [
        "created",
        "submitted",
        "returned",
        "submitted",
        "publicInputOpened",
        "circulated",
        "consented",
        "consented",
        "approved",
    ]
