"""Reading projects and credit issuances: by reference, as keyset connections with totals, by
global id and as what proposals and decisions are about; each visibility rule in SQL, counts
included, as the public and as each kind of token holder."""

from typing import Any

import pytest

from resolvers.projects import propose_registration
from tests.support.project_portfolio import ROLES, a_portfolio
from tests.support.projects import PROJECT, ProjectSteps

LIST = """
query ($first: Int, $after: String, $committeeCode: String, $status: [ProjectStatus!]) {
  projects(first: $first, after: $after, committeeCode: $committeeCode, status: $status) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage endCursor }
    edges { cursor node { pinReference reference status committee { code } } }
  }
}
"""

COMMITTEE_LIST = """
query ($code: String!, $first: Int, $after: String, $status: [ProjectStatus!]) {
  committee(code: $code) {
    projects(first: $first, after: $after, status: $status) { totalCount edges { node { pinReference status } } }
  }
}
"""

NODE = """
query ($id: ID!) {
  node(id: $id) { ... on Project { pinReference status } ... on CreditIssuance { number issuanceStatus: status project { reference } } }
}
"""

SUBJECT = """
query ($id: ID!) {
  node(id: $id) {
    ... on Proposal { kind status subject { __typename ... on Project { pinReference } ... on CreditIssuance { number } } }
  }
}
"""

DECISION_SUBJECT = """
query ($reference: String!) {
  decision(reference: $reference) {
    kind outcome subject { __typename ... on Project { pinReference status } ... on CreditIssuance { number issuanceStatus: status } }
  }
}
"""

ISSUANCE_READ = """
query ($id: ID!) {
  node(id: $id) {
    ... on CreditIssuance {
      number status monitoringFrom monitoringTo requestedAmount notifiedAmount notifiedOn
      project { pinReference reference }
      verifier { reference }
      decision { reference outcome kind }
      proposal { kind status }
      allocations { holder requestedAmount notifiedAmount }
      authorizations { side amount usePurposes }
      authorized authorizedAmount
    }
  }
}
"""

PUBLIC = ["MN_PIN001", "VN_PIN005", "VN_PIN002", "VN_PIN001"]  # newest first
SEES = {
    None: PUBLIC,
    "secretariat": ["MN_PIN002", "MN_PIN001", "VN_PIN005", "VN_PIN004", "VN_PIN003", "VN_PIN002", "VN_PIN001"],
    "japan": ["MN_PIN002", "MN_PIN001", "VN_PIN005", "VN_PIN004", "VN_PIN003", "VN_PIN002", "VN_PIN001"],
    "VN": ["MN_PIN001", "VN_PIN005", "VN_PIN004", "VN_PIN003", "VN_PIN002", "VN_PIN001"],
    "MN": ["MN_PIN002", "MN_PIN001", "VN_PIN005", "VN_PIN002", "VN_PIN001"],
}


async def as_(projects: ProjectSteps, who: str | None, document: str, variables: dict[str, Any]) -> dict[str, Any]:
    token = await projects.token(who) if who else None
    return await projects.gql(document, variables, token=token)


async def every_page(projects: ProjectSteps, who: str | None, first: int, **filters: Any) -> tuple[list[str], int]:
    """Walk the list page by page; the references seen and the totalCount of the first page."""
    seen: list[str] = []
    after, total = None, None
    while True:
        page = (await as_(projects, who, LIST, {"first": first, "after": after} | filters))["projects"]
        total = page["totalCount"] if total is None else total
        assert page["totalCount"] == total
        seen += [edge["node"]["pinReference"] for edge in page["edges"]]
        assert page["pageInfo"]["hasPreviousPage"] is (after is not None)
        if not page["pageInfo"]["hasNextPage"]:
            return seen, total
        after = page["pageInfo"]["endCursor"]


@pytest.mark.parametrize("who", ROLES, ids=lambda who: who or "public")
async def test_each_reader_lists_and_counts_the_projects_it_may_see(who, projects, frozen_clock, prebuilt):
    # Given projects of two committees in every stage
    await prebuilt(a_portfolio, projects, frozen_clock)

    # When the reader walks the list two at a time
    seen, total = await every_page(projects, who, 2)

    # Then it sees exactly its projects, newest first, and the total counts only those
    assert seen == SEES[who]
    assert total == len(SEES[who])

    # and the committee filter (any case) and the status filter apply in the same query
    vn, vn_total = await every_page(projects, who, 2, committeeCode="vn")
    assert vn == [r for r in SEES[who] if r.startswith("VN")] and vn_total == len(vn)
    proposed, proposed_total = await every_page(projects, who, 5, status=["PROPOSED", "OBJECTED"])
    assert proposed == [r for r in SEES[who] if r in ("MN_PIN002", "VN_PIN005", "VN_PIN004", "VN_PIN003")]
    assert proposed_total == len(proposed)

    # and committee { projects } is the same list
    for code in ("VN", "MN"):
        page = (await as_(projects, who, COMMITTEE_LIST, {"code": code, "first": 10}))["committee"]["projects"]
        assert [edge["node"]["pinReference"] for edge in page["edges"]] == [r for r in SEES[who] if r.startswith(code)]
        assert page["totalCount"] == len(page["edges"])
    planned = (await as_(projects, who, COMMITTEE_LIST, {"code": "VN", "first": 10, "status": ["PLANNED"]}))[
        "committee"
    ]["projects"]
    assert [edge["node"]["pinReference"] for edge in planned["edges"]] == ["VN_PIN002"]
    assert planned["totalCount"] == 1


@pytest.mark.parametrize("who", ROLES, ids=lambda who: who or "public")
async def test_each_reader_finds_by_reference_and_global_id_only_what_it_may_see(who, projects, frozen_clock, prebuilt):
    # Given projects of two committees in every stage
    state = await prebuilt(a_portfolio, projects, frozen_clock)
    every = SEES["secretariat"]

    for reference in every:
        # When the reader asks for each by its PIN (in lower case)
        found = (await as_(projects, who, PROJECT, {"reference": reference.lower()}))["project"]

        # Then it gets exactly those it may see
        assert (found is not None) is (reference in SEES[who]), reference
    # and the registered one by its project reference, in any case
    for reference in ("VN051", "vn051", " Vn051 "):
        found = (await as_(projects, who, PROJECT, {"reference": reference}))["project"]
        assert found is not None and found["pinReference"] == "VN_PIN001"

    # and node(id:) follows the same rule
    for key, reference in [
        ("registered", "VN_PIN001"),
        ("planned", "VN_PIN002"),
        ("vn_draft", "VN_PIN003"),
        ("circulated", "VN_PIN004"),
        ("objected", "VN_PIN005"),
        ("mn_draft", "MN_PIN002"),
    ]:
        node = (await as_(projects, who, NODE, {"id": state[key]}))["node"]
        assert (node is not None) is (reference in SEES[who]), reference
        assert node is None or node["pinReference"] == reference


@pytest.mark.parametrize("who", ROLES, ids=lambda who: who or "public")
async def test_a_published_pin_proposal_does_not_reveal_its_undecided_project(who, projects, frozen_clock, prebuilt):
    # Given VN_PIN004's proposal circulated, so public, while the project awaits the decision
    state = await prebuilt(a_portfolio, projects, frozen_clock)

    # When the reader asks for the proposal and what it is about
    proposal = (await as_(projects, who, SUBJECT, {"id": state["circulated_proposal"]}))["node"]

    # Then everyone sees the proposal; only those who see the project see its subject
    assert proposal is not None and (proposal["kind"], proposal["status"]) == ("PLANNED_PROJECT", "UNDER_CONSIDERATION")
    visible = "VN_PIN004" in SEES[who]
    assert proposal["subject"] == ({"__typename": "Project", "pinReference": "VN_PIN004"} if visible else None)


@pytest.mark.parametrize("who", ROLES, ids=lambda who: who or "public")
async def test_issuances_are_seen_as_their_proposals_are(who, projects, frozen_clock, prebuilt):
    # Given VN051 with a notified, authorized issuance and a second one whose proposal is a DRAFT
    state = await prebuilt(a_portfolio, projects, frozen_clock)
    sees_drafts = who in ("secretariat", "japan", "VN")

    # When the reader reads the project's issuances and each issuance by global id
    project = (await as_(projects, who, PROJECT, {"reference": "VN051"}))["project"]
    notified = (await as_(projects, who, ISSUANCE_READ, {"id": state["issuance"]}))["node"]
    draft = (await as_(projects, who, NODE, {"id": state["draft_issuance"]}))["node"]
    draft_proposal = (await as_(projects, who, SUBJECT, {"id": state["draft_issuance_proposal"]}))["node"]

    # Then the notified issuance is everyone's, with its relations
    assert notified == {
        "number": 1,
        "status": "NOTIFIED",
        "monitoringFrom": "2025-01-01",
        "monitoringTo": "2025-12-31",
        "requestedAmount": 1000,
        "notifiedAmount": 1000,
        "notifiedOn": notified["notifiedOn"],
        "project": {"pinReference": "VN_PIN001", "reference": "VN051"},
        "verifier": {"reference": notified["verifier"]["reference"]},
        "decision": {"reference": state["decisions"][-1], "outcome": "APPROVED", "kind": "CREDIT_ISSUANCE"},
        "proposal": {"kind": "CREDIT_ISSUANCE", "status": "APPROVED"},
        "allocations": [
            {"holder": "PARTNER_GOVERNMENT", "requestedAmount": 100, "notifiedAmount": 100},
            {"holder": "JAPAN_GOVERNMENT", "requestedAmount": 400, "notifiedAmount": 400},
            {"holder": "PROJECT_PARTICIPANTS", "requestedAmount": 500, "notifiedAmount": 500},
        ],
        "authorizations": [
            {"side": "JAPAN", "amount": 1000, "usePurposes": ["NDC"]},
            {"side": "PARTNER", "amount": 800, "usePurposes": ["NDC"]},
        ],
        "authorized": True,
        "authorizedAmount": 800,
    }
    assert notified["verifier"]["reference"].startswith("TPE-VN-")
    # and the requested one only to those who see its draft proposal: in the list and by id
    assert [i["number"] for i in project["issuances"]] == ([1, 2] if sees_drafts else [1])
    assert (draft is not None) is sees_drafts
    assert draft is None or draft == {"number": 2, "issuanceStatus": "REQUESTED", "project": {"reference": "VN051"}}
    assert (draft_proposal is not None) is sees_drafts
    assert draft_proposal is None or draft_proposal["subject"] == {"__typename": "CreditIssuance", "number": 2}


@pytest.mark.parametrize("who", [None, "MN"], ids=lambda who: who or "public")
async def test_decisions_on_a_project_name_it_as_their_subject(who, projects, frozen_clock, prebuilt):
    # Given VN051: decided as a PIN, a registration and an issuance
    state = await prebuilt(a_portfolio, projects, frozen_clock)

    # When anyone reads the project's decisions and each decision's subject
    project = (await as_(projects, who, PROJECT, {"reference": "VN051"}))["project"]
    subjects = [
        (await as_(projects, who, DECISION_SUBJECT, {"reference": reference}))["decision"]
        for reference in state["decisions"]
    ]

    # Then they are the PIN's, the registration's and the issuance's, oldest first
    assert [(d["kind"], d["outcome"]) for d in project["decisions"]] == [
        ("PLANNED_PROJECT", "APPROVED"),
        ("PROJECT_REGISTRATION", "APPROVED"),
        ("CREDIT_ISSUANCE", "APPROVED"),
    ]
    assert [d["subject"] for d in subjects] == [
        {"__typename": "Project", "pinReference": "VN_PIN001", "status": "REGISTERED"},
        {"__typename": "Project", "pinReference": "VN_PIN001", "status": "REGISTERED"},
        {"__typename": "CreditIssuance", "number": 1, "issuanceStatus": "NOTIFIED"},
    ]
    # and the objected PIN's decision is public with its project
    objected = (
        await as_(
            projects,
            who,
            "query ($r: String!) { project(reference: $r) { status decisions { outcome } } }",
            {"r": "VN_PIN005"},
        )
    )["project"]
    assert objected == {"status": "OBJECTED", "decisions": [{"outcome": "NOT_APPROVED"}]}


async def test_the_design_document_and_its_comments_are_public(projects, frozen_clock, prebuilt):
    # Given VN_PIN002's PDD in its 30-day public input, with one comment
    await prebuilt(a_portfolio, projects, frozen_clock)

    # When the public reads the project
    project = (await as_(projects, None, PROJECT, {"reference": "vn_pin002"}))["project"]

    # Then the document, its window and the comment are there
    document = project["designDocument"]
    assert document["uri"].startswith("https://") and len(document["sha256"]) == 64
    window = document["publicInput"]
    assert window["opensOn"] == document["recordedOn"]
    assert window["comments"] == [{"author": "Nguyen Van A", "body": "Please publish the baseline data."}]
    assert project["status"] == "PLANNED" and project["issuances"] == [] and project["reference"] is None
    assert [d["kind"] for d in project["decisions"]] == ["PLANNED_PROJECT"]


async def test_bad_paging_of_projects_is_an_input_error_and_unknown_names_find_nothing(
    projects, frozen_clock, prebuilt
):
    # Given projects of two committees in every stage
    await prebuilt(a_portfolio, projects, frozen_clock)

    async def error_of(variables: dict[str, Any]) -> dict[str, Any]:
        body = (await projects.gql.raw(LIST, variables)).json()
        assert body["data"] is None, body
        [error] = body["errors"]
        return {"message": error["message"], "extensions": error["extensions"]}

    # When a page size outside 1–100 or a cursor of no list is asked for, Then an input error
    for first in (0, 101):
        assert await error_of({"first": first}) == {
            "message": "first must be between 1 and 100.",
            "extensions": {"code": "INVALID_INPUT", "field": ["first"]},
        }
    assert await error_of({"first": 2, "after": "bm90IGEgY3Vyc29y"}) == {
        "message": "after is not a cursor of this list.",
        "extensions": {"code": "INVALID_INPUT", "field": ["after"]},
    }
    # and an unknown committee or reference finds nothing
    empty = (await projects.gql(LIST, {"first": 5, "committeeCode": "XX"}))["projects"]
    assert (empty["totalCount"], empty["edges"], empty["pageInfo"]["hasNextPage"]) == (0, [], False)
    for reference in ("VN_PIN999", "VN999", "nothing", ""):
        assert (await projects.gql(PROJECT, {"reference": reference}))["project"] is None


async def test_the_public_sees_a_project_as_soon_as_its_pin_is_decided_even_through_the_cache(projects):
    # Given a PIN circulated to the committee, and the public's (cached) answer without it
    proposed = await projects.pin()
    await projects.submit(proposed.proposal.id)
    await projects.circulate(proposed.proposal.id)
    for _ in range(2):
        before = (await projects.gql(LIST, {"first": 5}))["projects"]
        assert (before["totalCount"], before["edges"]) == (0, [])

    # When the committee decides on it
    await projects.position(proposed.proposal.id, "japan")
    await projects.position(proposed.proposal.id, "VN")

    # Then the same anonymous question is answered afresh: the project is there, PLANNED
    after = (await projects.gql(LIST, {"first": 5}))["projects"]
    assert after["totalCount"] == 1
    assert after["edges"][0]["node"] == {
        "pinReference": "VN_PIN001",
        "reference": None,
        "status": "PLANNED",
        "committee": {"code": "VN"},
    }


REGISTRATION_SEEN = """
query ($reference: String!, $status: [ProjectStatus!]) {
  project(reference: $reference) { status methodology { reference } validator { reference } }
  projects(status: $status) { totalCount }
}
"""


async def a_drafted_registration(projects: ProjectSteps, frozen_clock: Any) -> dict[str, Any]:
    """VN_PIN001 PLANNED with its PDD window closed, and its registration proposed: a DRAFT proposal."""
    methodology = await projects.valid_methodology(frozen_clock)
    tpe = await projects.designated_entity()
    project = await projects.with_closed_pdd(frozen_clock)
    proposed = await projects.run(
        "secretariat",
        propose_registration,
        project_id=project.id,
        methodology_reference=methodology,
        validator_reference=tpe,
    )
    return {"proposal": proposed.proposal.id, "methodology": methodology, "tpe": tpe}


@pytest.fixture(params=[True, False], ids=["compiled", "graphql-core"])
def read_path(request: Any, monkeypatch: Any) -> None:
    """Both read paths: the masked fields answer later, from a loader, on either."""
    monkeypatch.setenv("JCM_COMPILED_READS", str(request.param).lower())


@pytest.mark.parametrize("who", ROLES, ids=lambda who: who or "public")
async def test_a_registration_in_draft_is_seen_as_a_draft_is(read_path, who, projects, frozen_clock, prebuilt, client):
    # Given a registration proposal still in draft for a public, PLANNED project
    made = await prebuilt(a_drafted_registration, projects, frozen_clock)
    insider = who in ("secretariat", "japan", "VN")
    variables = {"reference": "VN_PIN001", "status": ["REGISTRATION_REQUESTED"]}

    # When the reader asks for the project and for the projects requesting registration
    read = await as_(projects, who, REGISTRATION_SEEN, variables)

    # Then only those who see the draft see the request, its methodology and validator, in the
    # project and in the filtered count alike; the others see the project as it was, PLANNED
    if insider:
        assert read["project"] == {
            "status": "REGISTRATION_REQUESTED",
            "methodology": {"reference": made["methodology"]},
            "validator": {"reference": made["tpe"]},
        }
        assert read["projects"]["totalCount"] == 1
    else:
        assert read["project"] == {"status": "PLANNED", "methodology": None, "validator": None}
        assert read["projects"]["totalCount"] == 0
        planned = await as_(projects, who, REGISTRATION_SEEN, variables | {"status": ["PLANNED"]})
        assert planned["projects"]["totalCount"] == 1
    if who is None:  # and the public export agrees
        exported = (await client.get("/exports/projects.json")).json()
        assert [(p["status"], p["methodology"], p["validator"]) for p in exported] == [("PLANNED", None, None)]

    # When the proposal is circulated (published)
    await projects.submit(made["proposal"])
    await projects.circulate(made["proposal"])

    # Then every reader sees the request
    read = await as_(projects, who, REGISTRATION_SEEN, variables)
    assert (read["project"]["status"], read["project"]["validator"], read["projects"]["totalCount"]) == (
        "REGISTRATION_REQUESTED",
        {"reference": made["tpe"]},
        1,
    )
