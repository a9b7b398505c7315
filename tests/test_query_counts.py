"""Nested lists cost a fixed number of SQL statements, however many rows they hold."""

from models.db import new_session
from models.enums import Role, RuleDocumentType
from models.principal import Principal
from resolvers.rules import propose_rule_version
from tests.support.committees import DEEPER, given_members_and_meetings_everywhere
from tests.support.db import count_statements

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
