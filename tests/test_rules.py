"""Rules and guidelines: each committee's own version lines, adopted only by decision."""

import pytest

from tests.support.db import snapshot
from tests.support.documents import CONSENT, WITHDRAW
from tests.support.rules import PROPOSE, RULES
from tests.support.workflow import pk

RULE_TABLES = ("rule_document", "rule_version", "proposal", "workflow_event", "audit_event")


async def test_every_committee_starts_with_its_ten_documents_and_nothing_in_force(gql):
    data = await gql(RULES, {"code": "KZ"})

    documents = data["committee"]["rules"]
    assert [d["type"] for d in documents] == [
        "RULES_OF_PROCEDURE",
        "RULES_OF_IMPLEMENTATION",
        "PROJECT_CYCLE_PROCEDURE",
        "GUIDELINES_PROPOSED_METHODOLOGY",
        "GUIDELINES_PDD_AND_MONITORING",
        "GUIDELINES_SUSTAINABLE_DEVELOPMENT",
        "GUIDELINES_TPE_DESIGNATION",
        "GUIDELINES_VALIDATION_AND_VERIFICATION",
        "REGISTRY_SPECIFICATIONS",
        "GLOSSARY",
    ]
    assert documents[0] == {
        "type": "RULES_OF_PROCEDURE",
        "title": "Rules of Procedures for the Joint Committee",
        "inForce": None,
        "versions": [],
    }


async def test_a_proposed_version_gets_the_next_major_version_and_its_code(rules):
    proposed = await rules.propose(
        type="RULES_OF_PROCEDURE",
        uri="https://www.jcm.go.jp/vn-jp/rules/rop",
        sha256="AB" * 32,
    )

    assert proposed["userErrors"] == []
    assert proposed["ruleVersion"] | {"id": None} == {
        "id": None,
        "version": "ver01.0",
        "code": "JCM_VN_RoP_ver01.0",
        "status": "PROPOSED",
        "effectiveOn": None,
        "uri": "https://www.jcm.go.jp/vn-jp/rules/rop",
        "sha256": "ab" * 32,
        "document": {
            "type": "RULES_OF_PROCEDURE",
            "title": "Rules of Procedures for the Joint Committee",
            "formName": None,
        },
    }
    assert proposed["proposal"] | {"id": None} == {
        "id": None,
        "kind": "RULE_VERSION",
        "title": "Rules of Procedures for the Joint Committee ver01.0",
        "status": "DRAFT",
        "subject": {"__typename": "RuleVersion", "code": "JCM_VN_RoP_ver01.0"},
    }


async def test_nothing_but_the_rules_of_procedure_is_adopted_before_they_are_in_force(rules, engine):
    # Given guidelines circulated before any Rules of Procedures are in force, and Japan's consent
    proposed = await rules.propose(type="PROJECT_CYCLE_PROCEDURE")
    proposal_id = proposed["proposal"]["id"]
    await rules.to_consideration(proposal_id)
    await rules.position(pk(proposal_id), "japan")
    before = await snapshot(engine, *RULE_TABLES, "decision", "side_position")

    # When the partner's consent would adopt them
    refused = await rules.call(CONSENT, {"id": proposal_id}, "VN")

    # Then it is refused and nothing changed
    assert refused == {
        "proposal": None,
        "decision": None,
        "userErrors": [
            {
                "code": "INVALID_TRANSITION",
                "message": "The Rules of Procedures of the VN committee must be in force before any other rule can be "
                "adopted; adopt them first.",
                "field": None,
            }
        ],
    }
    assert await snapshot(engine, *RULE_TABLES, "decision", "side_position") == before

    # And once the Rules of Procedures are adopted, the same consent adopts the guidelines
    await rules.adopt(type="RULES_OF_PROCEDURE")
    adopted = await rules.ok(CONSENT, {"id": proposal_id}, "VN")
    assert adopted["decision"]["reference"] == "JC-VN-2026-002"
    assert (await rules.document("PROJECT_CYCLE_PROCEDURE"))["inForce"] == {
        "version": "ver01.0",
        "code": "JCM_VN_PCP_ver01.0",
        "status": "IN_FORCE",
        "effectiveOn": "2026-11-28",
    }


async def test_an_adopted_version_supersedes_the_one_in_force_and_history_stays(rules):
    await rules.adopt(type="RULES_OF_PROCEDURE", effectiveOn="2027-01-01")
    await rules.adopt(type="RULES_OF_PROCEDURE", version="ver02.1")

    document = await rules.document("RULES_OF_PROCEDURE", who=None)

    assert document["inForce"] == {
        "version": "ver02.1",
        "code": "JCM_VN_RoP_ver02.1",
        "status": "IN_FORCE",
        "effectiveOn": "2026-11-28",
    }
    assert document["versions"] == [
        {"version": "ver02.1", "status": "IN_FORCE"},
        {"version": "ver01.0", "status": "SUPERSEDED"},
    ]


@pytest.mark.parametrize(
    ("version", "message"),
    [
        ("ver01.0", "ver01.0 is not higher than ver01.0, which is in force."),
        ("ver00.9", "ver00.9 is not higher than ver01.0, which is in force."),
        ("ver3", "version must look like \"ver06.0\" (two digits, a dot, one digit); got 'ver3'."),
        ("v02.0", "version must look like \"ver06.0\" (two digits, a dot, one digit); got 'v02.0'."),
    ],
)
async def test_a_given_version_must_be_well_formed_and_higher_than_the_one_in_force(rules, engine, version, message):
    await rules.adopt(type="RULES_OF_PROCEDURE")
    before = await snapshot(engine, *RULE_TABLES)

    refused = await rules.propose(type="RULES_OF_PROCEDURE", version=version)

    assert refused["userErrors"] == [{"code": "INVALID_INPUT", "message": message, "field": ["version"]}]
    assert await snapshot(engine, *RULE_TABLES) == before


@pytest.mark.parametrize(
    ("input", "error"),
    [
        ({"sha256": "12ab"}, ("sha256 must be 64 hexadecimal characters.", "sha256")),
        ({"sha256": "g" * 64}, ("sha256 must be 64 hexadecimal characters.", "sha256")),
        (
            {"uri": "ftp://example.org/rop.pdf"},
            ("uri must be an http(s) address where the adopted text is published.", "uri"),
        ),
        ({"formName": "PIN"}, ("formName is only for documents of type FORM.", "formName")),
        ({"title": "x" * 301}, ("title must be at most 300 characters (got 301).", "title")),
    ],
)
async def test_bad_input_names_its_field_and_writes_nothing(rules, engine, input, error):
    before = await snapshot(engine, *RULE_TABLES)

    refused = await rules.propose(type="RULES_OF_PROCEDURE", **input)

    assert refused["userErrors"] == [{"code": "INVALID_INPUT", "message": error[0], "field": [error[1]]}]
    assert await snapshot(engine, *RULE_TABLES) == before


async def test_forms_are_documents_of_their_own_named_by_form_name(rules):
    missing = await rules.propose(type="FORM")
    assert missing["userErrors"] == [
        {
            "code": "INVALID_INPUT",
            "message": "A FORM needs formName, the form's short name: PIN, PDD, MR ...",
            "field": ["formName"],
        }
    ]

    proposed = await rules.propose(type="FORM", formName="PIN")

    assert proposed["ruleVersion"]["code"] == "JCM_VN_F_PIN_ver01.0"
    assert proposed["ruleVersion"]["document"] == {"type": "FORM", "title": "Form: PIN", "formName": "PIN"}


async def test_one_open_version_per_document(rules, engine):
    await rules.propose(type="GLOSSARY")
    before = await snapshot(engine, *RULE_TABLES)

    second = await rules.propose(type="GLOSSARY", version="ver02.0")

    assert second["userErrors"] == [
        {
            "code": "INVALID_TRANSITION",
            "message": "JCM_VN_Glossary_ver01.0 is already proposed for this document; decide or withdraw it first.",
            "field": ["type"],
        }
    ]
    assert await snapshot(engine, *RULE_TABLES) == before


async def test_an_objected_or_withdrawn_version_is_not_adopted_and_may_be_proposed_again(rules):
    # Given an objected version and a withdrawn one
    objected = await rules.propose(type="RULES_OF_PROCEDURE")
    await rules.to_consideration(objected["proposal"]["id"])
    await rules.objection(pk(objected["proposal"]["id"]), "VN", "Quorum rules missing.")
    withdrawn = await rules.propose(type="RULES_OF_PROCEDURE")
    await rules.ok(WITHDRAW, {"id": withdrawn["proposal"]["id"], "reason": "Redrafting."}, "secretariat")

    # Then both are NOT_ADOPTED, kept in the history, and ver01.0 can be proposed once more
    document = await rules.document("RULES_OF_PROCEDURE")
    assert document["inForce"] is None
    assert document["versions"] == [{"version": "ver01.0", "status": "NOT_ADOPTED"}] * 2
    again = await rules.propose(type="RULES_OF_PROCEDURE")
    assert (again["userErrors"], again["ruleVersion"]["code"]) == ([], "JCM_VN_RoP_ver01.0")


@pytest.mark.parametrize(
    ("who", "code", "message"),
    [
        (None, "UNAUTHENTICATED", "Sign in with a bearer token to do this."),
        (
            "ID",
            "FORBIDDEN",
            "In the VN committee, proposeRuleVersion is for the secretariat, the Japanese government or "
            "that committee's partner only.",
        ),
    ],
)
async def test_only_the_secretariat_and_the_committees_sides_propose(rules, engine, who, code, message):
    before = await snapshot(engine, *RULE_TABLES)

    refused = await rules.call(PROPOSE, {"committeeCode": "VN", "type": "RULES_OF_PROCEDURE"}, who)

    assert refused == {
        "ruleVersion": None,
        "proposal": None,
        "userErrors": [{"code": code, "message": message, "field": None}],
    }
    assert await snapshot(engine, *RULE_TABLES) == before


@pytest.mark.parametrize("who", ["secretariat", "japan", "VN"])
async def test_the_secretariat_and_both_sides_propose(rules, who):
    proposed = await rules.propose(who, type="GLOSSARY")

    assert (proposed["userErrors"], proposed["ruleVersion"]["status"]) == ([], "PROPOSED")


async def test_drafts_stay_out_of_public_sight_and_adopted_versions_are_public(rules):
    await rules.adopt(type="RULES_OF_PROCEDURE")
    await rules.propose(type="RULES_OF_PROCEDURE")

    public = await rules.document("RULES_OF_PROCEDURE", who=None)
    inside = await rules.document("RULES_OF_PROCEDURE", who="VN")
    other_partner = await rules.document("RULES_OF_PROCEDURE", who="ID")

    assert public["versions"] == other_partner["versions"] == [{"version": "ver01.0", "status": "IN_FORCE"}]
    assert inside["versions"] == [
        {"version": "ver02.0", "status": "PROPOSED"},
        {"version": "ver01.0", "status": "IN_FORCE"},
    ]
