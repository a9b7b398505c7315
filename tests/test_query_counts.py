"""Nested lists cost a fixed number of SQL statements, however many rows they hold."""

import itertools
from datetime import date, timedelta
from typing import Any

import httpx
import pytest
from sqlmodel import col, select

from api.app import close_listeners, create_app
from api.settings import Settings
from models import clock
from models.db import new_session
from models.enums import CreditHolder, DecisionMode, Position, Role, RuleDocumentType, UsePurpose
from models.principal import Principal
from models.project import Project
from resolvers.comments import submit_public_comment
from resolvers.issuances import authorize_credits, request_issuance
from resolvers.positions import give_position
from resolvers.projects import propose_planned_project, propose_registration, record_design_document
from resolvers.proposals import circulate_proposal, submit_proposal
from resolvers.rules import propose_rule_version
from tests.support.committees import DEEPER, given_members_and_meetings_everywhere
from tests.support.db import count_statements
from tests.support.graphql import GraphQLClient
from tests.support.projects import PDD_URI, SHA, ProjectSteps
from tests.support.tokens import principal

NESTED = """
query ($region: Region) {
  committees(region: $region) {
    members { name }
    coChair(side: JAPAN) { name }
    partner { name { en } }
  }
}
"""

SECRETARIAT = Principal(Role.SECRETARIAT, name="JCMA")
JAPAN, VIET_NAM = principal("japan"), principal("VN")


async def statements_for(gql, engine, document, region, token=None):
    with count_statements(engine) as counter:
        data = await gql(document, {"region": region}, token=token)
    return counter.count, data


async def test_nested_committee_fields_cost_the_same_for_3_committees_as_for_30(gql, engine):
    # Given members and co-chairs in several committees, three of them in Latin America
    await given_members_and_meetings_everywhere(engine)

    # When
    three, data_three = await statements_for(gql, engine, NESTED, "LATIN_AMERICA")
    thirty, data_thirty = await statements_for(gql, engine, NESTED, None)

    # Then
    assert len(data_three["committees"]) == 3
    assert len(data_thirty["committees"]) == 30
    assert data_three["committees"][0] == {
        "members": [
            {"name": "Co-chair CR JAPAN"},
            {"name": "Member CR JAPAN"},
            {"name": "Co-chair CR PARTNER"},
            {"name": "Member CR PARTNER"},
        ],
        "coChair": {"name": "Co-chair CR JAPAN"},
        "partner": {"name": {"en": "Costa Rica"}},
    }
    assert three == thirty
    assert thirty <= 5  # BEGIN, committees, members, co-chairs, countries


async def test_deeper_nesting_stays_constant_too(gql, engine):
    await given_members_and_meetings_everywhere(engine)

    three, _ = await statements_for(gql, engine, DEEPER, "LATIN_AMERICA")
    thirty, data = await statements_for(gql, engine, DEEPER, None)

    assert three == thirty
    assert thirty <= 8
    assert data["committees"][5]["meetings"] == [{"number": 1, "committee": {"partner": {"code": "VN"}}}]


RULES = """
query ($region: Region) {
  committees(region: $region) {
    rules { type inForce { code document { title } } versions { version status decision { reference } proposal { title } } }
  }
}
"""


async def test_rule_documents_of_every_committee_cost_the_same_for_3_as_for_30(gql, engine, tokens):
    # Given a Rules of Procedures version proposed in several committees
    async with new_session(engine) as session:
        for code in ["CR", "MX", "VN", "ID"]:
            await propose_rule_version(
                session, SECRETARIAT, committee_code=code, type=RuleDocumentType.RULES_OF_PROCEDURE
            )

    secretariat = await tokens.secretariat()  # drafts are the secretariat's to see
    three, data_three = await statements_for(gql, engine, RULES, "LATIN_AMERICA", secretariat)
    thirty, _ = await statements_for(gql, engine, RULES, None, secretariat)

    assert three == thirty
    assert thirty <= 10
    assert data_three["committees"][0]["rules"][0] == {
        "type": "RULES_OF_PROCEDURE",
        "inForce": None,
        "versions": [
            {
                "version": "ver01.0",
                "status": "PROPOSED",
                "decision": None,
                "proposal": {"title": "Rules of Procedures for the Joint Committee ver01.0"},
            }
        ],
    }


# --- projects: a page of 100 with everything nested ----------------------------------------------

FULL_PAGE = """
query ($first: Int) {
  projects(first: $first) {
    totalCount
    edges { node { %s } }
  }
}
"""

COMMITTEE_PAGE = """
query ($first: Int) {
  committee(code: "VN") { projects(first: $first) { totalCount edges { node { %s } } } }
}
"""

EVERYTHING = """
  pinReference reference title participants status registeredOn
  committee { code partner { name { en } } }
  sectoralScopes { number }
  methodology { reference version }
  validator { reference }
  designDocument { uri publicInput { opensOn closesOn comments { author body } } }
  pinProposal { kind status }
  issuances {
    number status
    allocations { holder notifiedAmount }
    authorizations { side amount }
    authorized authorizedAmount
    verifier { reference }
    project { pinReference }
    decision { reference }
  }
  decisions { reference kind subject { __typename } }
"""


async def decided(session: Any, proposal_id: int) -> None:
    """Submitted, circulated and consented to by both sides: approved."""
    await submit_proposal(session, SECRETARIAT, proposal_id=proposal_id)
    await circulate_proposal(
        session,
        SECRETARIAT,
        proposal_id=proposal_id,
        mode=DecisionMode.ELECTRONIC,
        deadline=clock.today() + timedelta(days=14),
    )
    for who in (JAPAN, VIET_NAM):
        await give_position(session, who, proposal_id=proposal_id, position=Position.CONSENT)


async def fully_loaded_projects(projects: ProjectSteps, frozen_clock: Any, count: int) -> None:
    """`count` VN projects, each with every nested relation filled: scopes, a PDD with a comment,
    a methodology and a validator, a registration, and a notified issuance authorized by both
    governments. Built through the resolvers, in one session."""
    methodology = await projects.valid_methodology(frozen_clock)
    tpe = await projects.designated_entity()
    ids = []
    async with new_session(projects.engine) as session:
        for n in range(count):
            pin = await propose_planned_project(
                session,
                SECRETARIAT,
                committee_code="VN",
                title=f"Project {n + 1}",
                participants=[f"Developer {n + 1}", "Viet Textile JSC"],
                sectoral_scopes=[3],
            )
            await decided(session, pin.proposal.id)
            await record_design_document(
                session, SECRETARIAT, project_id=pin.project.id, uri=PDD_URI, sha256=SHA, public_input_days=1
            )
            await submit_public_comment(
                session, SECRETARIAT, project_id=pin.project.id, author=f"Reader {n}", body="Baseline?"
            )
            ids.append(pin.project.id)
        frozen_clock.set(frozen_clock.at + timedelta(days=1))
        for project_id in ids:
            registration = await propose_registration(
                session, SECRETARIAT, project_id=project_id, methodology_reference=methodology, validator_reference=tpe
            )
            await decided(session, registration.proposal.id)
            reference = (await session.exec(select(Project.reference).where(col(Project.id) == project_id))).one()
            issuance = await request_issuance(
                session,
                SECRETARIAT,
                project_reference=reference or "",
                monitoring_from=date(2025, 1, 1),
                monitoring_to=date(2025, 12, 31),
                verifier_reference=tpe,
                requested_amount=1000,
                allocations=[(CreditHolder.JAPAN_GOVERNMENT, 400), (CreditHolder.PARTNER_GOVERNMENT, 600)],
            )
            await decided(session, issuance.proposal.id)
            for who in (JAPAN, VIET_NAM):
                await authorize_credits(
                    session, who, issuance_id=issuance.issuance.id, amount=1000, use_purposes=[UsePurpose.NDC]
                )


@pytest.fixture
async def both_paths(settings: Settings, engine: Any) -> Any:
    """A GraphQL client per read path (compiled, graphql-core), with no cost limit, so that a page of
    100 with everything nested is answered, and no response cache, so that every answer is read."""
    apps = [
        create_app(
            settings.model_copy(update={"compiled_reads": on, "max_query_cost": 10**9, "response_cache_bytes": 0}),
            engine=engine,
        )
        for on in (True, False)
    ]
    clients = [httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://jcm") for app in apps]
    yield {True: GraphQLClient(clients[0]), False: GraphQLClient(clients[1])}
    for client, app in zip(clients, apps, strict=True):
        await client.aclose()
        await close_listeners(app)


async def page_statements(
    engine: Any, gql: GraphQLClient, document: str, first: int, token: str | None
) -> tuple[int, dict[str, Any]]:
    with count_statements(engine) as counter:
        data = await gql(document, {"first": first}, token=token)
    return counter.count, data


async def test_a_page_of_100_projects_costs_the_statements_of_a_page_of_1(both_paths, engine, projects, frozen_clock):
    # Given 100 registered projects, each with every nested relation filled (built once: on
    # PostgreSQL a state is not kept between tests, so every reader and path is asked here)
    await fully_loaded_projects(projects, frozen_clock, 100)

    answers: dict[tuple[str | None, str], dict[str, Any]] = {}
    for who, fast_path, document in itertools.product(
        [None, "VN"], [True, False], [FULL_PAGE % EVERYTHING, COMMITTEE_PAGE % EVERYTHING]
    ):
        token = await projects.token(who) if who else None

        # When a page of 1 and a page of 100 are read with every nested field
        one, small = await page_statements(engine, both_paths[fast_path], document, 1, token)
        hundred, large = await page_statements(engine, both_paths[fast_path], document, 100, token)

        # Then both cost the same statements, and the large page holds everything
        page = large.get("projects") or large["committee"]["projects"]
        assert len(page["edges"]) == 100 and page["totalCount"] == 100
        last = page["edges"][-1]["node"]
        assert last["pinReference"] == "VN_PIN001" and last["reference"] == "VN051"
        assert last["designDocument"]["publicInput"]["comments"] == [{"author": "Reader 0", "body": "Baseline?"}]
        assert last["issuances"][0]["authorized"] is True and len(last["issuances"][0]["allocations"]) == 2
        assert [d["kind"] for d in last["decisions"]] == ["PLANNED_PROJECT", "PROJECT_REGISTRATION", "CREDIT_ISSUANCE"]
        assert (small.get("projects") or small["committee"]["projects"])["edges"][0]["node"]["reference"] == "VN150"
        assert one == hundred, (who, fast_path, document, one, hundred)
        # and both read paths give the same answer
        assert answers.setdefault((who, document), large) == large
        # 18–22 statements: BEGIN (and the token's lookup), the page with its count, then one
        # batch per relation (committee, country, scopes, methodology, validator, comments, PIN
        # proposal, issuances, allocations, authorizations, verifier, decisions and their subjects)
        assert one <= 22, (who, fast_path, one)
