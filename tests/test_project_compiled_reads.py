"""Project and issuance reads answer the same on the compiled read path as on graphql-core, for
every reader, over projects in every stage (tests/support/project_portfolio.py)."""

import json
from typing import Any

import httpx
import pytest
from graphql import build_schema

import api.compiled.execute as compiled
from api.app import close_listeners, create_app
from api.settings import Settings
from tests.support.corpus import ROOT, documents_in_tests, generated_documents, variables_for
from tests.support.graphql import GraphQLClient
from tests.support.project_portfolio import ROLES, a_portfolio
from tests.support.projects import ISSUANCE_NODE, PROJECT


@pytest.fixture
async def unlimited(settings: Settings, engine: Any) -> Any:
    """A GraphQL client per read path (compiled, graphql-core), with no cost limit, so that
    documents selecting everything are answered, and no response cache, so that every answer is read."""
    clients = {}
    apps = []
    for on in (True, False):
        update = {"compiled_reads": on, "max_query_cost": 10**9, "response_cache_bytes": 0}
        app = create_app(settings.model_copy(update=update), engine=engine)
        apps.append(app)
        clients[on] = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://jcm")
    yield {on: GraphQLClient(client) for on, client in clients.items()}
    for client, app in zip(clients.values(), apps, strict=True):
        await client.aclose()
        await close_listeners(app)


def _same(answer: dict[str, Any]) -> dict[str, Any]:
    """Masked errors quote the request's own id."""
    for error in answer.get("errors") or []:
        error.get("extensions", {}).pop("requestId", None)
        error["message"] = error["message"].split(" Quote request id")[0]
    return answer


@pytest.mark.parametrize("who", ROLES, ids=lambda who: who or "public")
async def test_project_reads_answer_the_same_on_the_compiled_path(who, unlimited, projects, frozen_clock, prebuilt):
    # Given projects of two committees in every stage, and every project or issuance document of
    # the tests plus those generated from the schema, filled with each of them in turn
    state = await prebuilt(a_portfolio, projects, frozen_clock)
    schema = build_schema((ROOT / "schema.graphql").read_text(encoding="utf-8"))
    written = [d for d in documents_in_tests(schema) if "project" in d.lower() or "issuance" in d.lower()]
    written += [PROJECT, ISSUANCE_NODE]  # made with %, so not string constants
    keys = ["registered", "planned", "vn_draft", "circulated", "mn_draft", "issuance", "draft_issuance"]
    value_sets = [
        {
            "id": state[key],
            "reference": reference,
            "r": reference,
            "project.reference": reference,
            "decision.reference": state["decisions"][-1],
            "code": "VN",
            "committeeCode": "VN",
            "first": 10,
        }
        for key, reference in zip(
            keys, ["VN051", "vn_pin002", "VN_PIN003", "VN_PIN004", "MN_PIN002", "x", "y"], strict=True
        )
    ]
    generated = [d for d in generated_documents(schema, value_sets[0]) if "project" in d.lower()]
    headers = {"Authorization": f"Bearer {await projects.token(who)}"} if who else {}

    # When each is asked of both paths, once per distinct set of variables
    payloads = {
        json.dumps({"query": document, "variables": variables_for(document, values)}, sort_keys=True)
        for document in written + generated
        for values in value_sets
    }
    differences: list[Any] = []
    not_compiled: list[str] = []
    for text in sorted(payloads):
        payload = json.loads(text)
        before = compiled.COUNTS.compiled
        fast, slow = [await unlimited[on].http.post("/graphql", json=payload, headers=headers) for on in (True, False)]
        if (fast.status_code, _same(fast.json())) != (slow.status_code, _same(slow.json())):
            differences.append((payload, fast.json(), slow.json()))
        if payload["query"] in generated and "errors" not in fast.json() and compiled.COUNTS.compiled == before:
            not_compiled.append(payload["query"])

    # Then every answer is the same, and the compiled path answered every generated document
    # itself (those written with fragments on Node or ProposalSubject go to graphql-core by design)
    assert differences == []
    assert len(written) >= 12 and len(generated) >= 2
    assert not_compiled == []
