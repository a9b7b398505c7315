"""Third-party entities beyond the lifecycle (tests/test_tpe_lifecycle.py): who may register an entity
and propose its designation, what is refused (leaving no trace and consuming no TPE number), the
provisional cap, TPE references, partial and whole suspension and withdrawal, voluntary withdrawal,
and the designation's derived status."""

import asyncio
from datetime import UTC, datetime, timedelta
from typing import NamedTuple

import pytest

from api.ids import to_global_id
from models.db import new_session
from models.enums import AccreditationBasis, ProposalKind, Role
from models.errors import DomainError
from models.principal import Principal
from resolvers.tpes import propose_action, propose_designation, register_entity
from tests.support.db import snapshot
from tests.support.tpes import (
    DESIGNATE_ID,
    DESIGNATION_NODE,
    REGISTER,
    SUSPEND,
    TPE_TABLES,
    VOLUNTARY,
    WITHDRAW_TPE,
    TpeSteps,
    approve_directly,
)

# --- documents -------------------------------------------------------------------------------

ENTITY_NODE = """
query ($id: ID!) {
  node(id: $id) { ... on ThirdPartyEntity { name accreditation accreditationBody accreditationExpiresOn country { code } } }
}
"""

AUDIT = "query ($id: ID!) { auditTrail(subjectId: $id) { action actorRole subjectType after } }"

# --- helpers ---------------------------------------------------------------------------------

TODAY = "2026-11-28"
NAME = "Example Verification Ltd."
# Tables a TPE step may write to, plus the decisions it must not take.
TABLES = (*TPE_TABLES, "decision", "side_position")


def at(day: str) -> datetime:
    return datetime.fromisoformat(day).replace(hour=9, tzinfo=UTC)


def error(code: str, message: str, field: str | None = None) -> dict:
    return {"code": code, "message": message, "field": [field] if field else None}


def refused(expected: dict) -> dict:
    return {"designation": None, "proposal": None, "userErrors": [expected]}


def scope(function: str, number: int, status: str = "DESIGNATED", since: str = TODAY) -> dict:
    return {"function": function, "scope": {"number": number}, "status": status, "since": since}


def decision(reference: str, kind: str = "TPE_DESIGNATION", outcome: str = "APPROVED") -> dict:
    return {"reference": reference, "kind": kind, "outcome": outcome}


UNAUTHENTICATED = error("UNAUTHENTICATED", "Sign in with a bearer token to do this.")


def forbidden(mutation: str, reach: str = "the secretariat") -> dict:
    return error("FORBIDDEN", f"In the VN committee, {mutation} is for {reach} only.")


COMMITTEE_REACH = "the secretariat, the Japanese government or that committee's partner"


async def designated(flow: TpeSteps, validation: list[int], verification: list[int], name: str = NAME) -> dict:
    """An ISO 14065 entity designated in VN today; the designation (with its id)."""
    entity = await flow.entity(name, "JP")
    return await flow.designate(entity, validation, verification)


# --- registerEntity --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("input_", "expected"),
    [
        pytest.param(
            {
                "name": f"  {NAME} ",
                "countryCode": " vn ",
                "accreditation": "CDM_DOE",
                "accreditationBody": " UNFCCC CDM Executive Board ",
                "accreditationExpiresOn": "2028-03-31",
            },
            {
                "name": NAME,
                "accreditation": "CDM_DOE",
                "accreditationBody": "UNFCCC CDM Executive Board",
                "accreditationExpiresOn": "2028-03-31",
                "country": {"code": "VN"},
            },
            id="everything",
        ),
        pytest.param(
            {"name": NAME, "countryCode": "JP", "accreditation": "ISO_14065", "accreditationBody": "JAB"},
            {
                "name": NAME,
                "accreditation": "ISO_14065",
                "accreditationBody": "JAB",
                "accreditationExpiresOn": None,
                "country": {"code": "JP"},
            },
            id="japanese-no-expiry",
        ),
        pytest.param(
            {"name": NAME, "countryCode": "  ", "accreditation": "PROVISIONAL", "accreditationBody": "  "},
            {
                "name": NAME,
                "accreditation": "PROVISIONAL",
                "accreditationBody": None,
                "accreditationExpiresOn": None,
                "country": None,
            },
            id="provisional-blanks",
        ),
        pytest.param(
            {"name": "N" * 200, "accreditation": "ISO_14065", "accreditationBody": "B" * 200},
            {
                "name": "N" * 200,
                "accreditation": "ISO_14065",
                "accreditationBody": "B" * 200,
                "accreditationExpiresOn": None,
                "country": None,
            },
            id="longest",
        ),
    ],
)
async def test_the_secretariat_registers_an_entity_with_its_accreditation(tpe_flow, gql, input_, expected):
    # Given

    # When
    payload = await tpe_flow.ok(REGISTER, input_, "secretariat")

    # Then the payload is the entity as registered, and anyone reads the same through node(id)
    entity_id = payload["entity"].pop("id")
    assert payload == {"entity": expected, "userErrors": []}
    assert (await gql(ENTITY_NODE, {"id": entity_id}))["node"] == expected
    # and the registration is in the audit trail
    trail = (await gql(AUDIT, {"id": entity_id}, token=await tpe_flow.token("secretariat")))["auditTrail"]
    assert [(e["action"], e["actorRole"], e["subjectType"], e["after"]["name"]) for e in trail] == [
        ("entityRegistered", "SECRETARIAT", "ThirdPartyEntity", expected["name"]),
    ]


REGISTER_REFUSALS = [
    pytest.param("japan", {}, error("FORBIDDEN", "registerEntity is for the secretariat only."), id="japan"),
    pytest.param("VN", {}, error("FORBIDDEN", "registerEntity is for the secretariat only."), id="partner"),
    pytest.param(None, {}, UNAUTHENTICATED, id="anonymous"),
    pytest.param(
        "secretariat", {"name": "   "}, error("INVALID_INPUT", "name must not be blank.", "name"), id="blank-name"
    ),
    pytest.param(
        "secretariat",
        {"name": "N" * 201},
        error("INVALID_INPUT", "name must be at most 200 characters (got 201).", "name"),
        id="long-name",
    ),
    pytest.param(
        "secretariat",
        {"name": " example VERIFICATION ltd. "},
        error("INVALID_INPUT", "An entity named 'example VERIFICATION ltd.' is already registered.", "name"),
        id="duplicate-other-case",
    ),
    pytest.param(
        "secretariat",
        {"name": NAME},
        error("INVALID_INPUT", f"An entity named {NAME!r} is already registered.", "name"),
        id="duplicate",
    ),
    pytest.param(
        "secretariat",
        {"countryCode": " us "},
        error("NOT_FOUND", "US is not a country of the JCM (Japan or a partner).", "countryCode"),
        id="unknown-country",
    ),
    pytest.param(
        "secretariat",
        {"accreditationBody": "B" * 201},
        error("INVALID_INPUT", "accreditationBody must be at most 200 characters (got 201).", "accreditationBody"),
        id="long-body",
    ),
]


@pytest.mark.parametrize(("who", "overrides", "expected"), REGISTER_REFUSALS)
async def test_a_refused_registration_leaves_no_trace(tpe_flow, engine, who, overrides, expected):
    # Given one registered entity
    await tpe_flow.entity(NAME, "JP")
    if who:
        await tpe_flow.token(who)
    before = await snapshot(engine, "third_party_entity", "audit_event")

    # When
    payload = await tpe_flow.call(
        REGISTER, {"name": "Another Body Ltd.", "countryCode": "VN", "accreditation": "ISO_14065"} | overrides, who
    )

    # Then
    assert payload == {"entity": None, "userErrors": [expected]}
    assert await snapshot(engine, "third_party_entity", "audit_event") == before


async def test_a_duplicate_name_differing_only_in_the_case_of_accented_letters_is_refused(tpe_flow, engine):
    # Given an entity whose name has upper-case accented letters
    await tpe_flow.entity("TÜV SÜD Japan Ltd.", "JP")
    before = await snapshot(engine, "third_party_entity", "audit_event")

    # When the same name is registered in other case
    payload = await tpe_flow.call(REGISTER, {"name": "Tüv Süd Japan Ltd.", "accreditation": "ISO_14065"}, "secretariat")

    # Then it is a duplicate, as "EXAMPLE" is of "Example"
    assert payload == {
        "entity": None,
        "userErrors": [
            error("INVALID_INPUT", "An entity named 'Tüv Süd Japan Ltd.' is already registered.", "name"),
        ],
    }
    assert await snapshot(engine, "third_party_entity", "audit_event") == before


# --- proposeTpeDesignation: who may, what is refused -----------------------------------------


async def test_the_secretariat_proposes_a_designation(tpe_flow):
    # Given
    entity = await tpe_flow.entity(NAME, "JP", accreditationExpiresOn="2029-01-31")

    # When
    payload = await tpe_flow.call(
        DESIGNATE_ID,
        {"committeeCode": " vn ", "entityId": entity, "validationScopes": [3, 1, 3], "verificationScopes": []},
        "secretariat",
    )

    # Then a PROPOSED designation without reference, scopes or decision, and a DRAFT proposal
    assert payload["userErrors"] == []
    assert payload["designation"] | {"id": None} == {
        "id": None,
        "reference": None,
        "status": "PROPOSED",
        "designatedOn": None,
        "committee": {"code": "VN"},
        "entity": {"name": NAME},
        "scopes": [],
        "decisions": [],
    }
    assert payload["proposal"] | {"id": None} == {
        "id": None,
        "kind": "TPE_DESIGNATION",
        "status": "DRAFT",
        "title": f"Designation of {NAME} as a third-party entity: validation 1, 3",
    }


async def given_designation_state(flow: TpeSteps, given: str) -> str:
    """The entity the refusals are about (ISO 14065, Japanese), in the state named."""
    expires = {"expired": "2026-11-27"}.get(given)
    entity = await flow.entity(NAME, "JP", **({"accreditationExpiresOn": expires} if expires else {}))
    if given in ("designated", "suspension-open"):
        await flow.designate(entity, [1], [3, 10])
    if given == "open":
        await flow.propose(entity, [1], [3])
    if given == "suspension-open":
        await flow.ok(
            SUSPEND, {"reference": "TPE-VN-001", "reason": "Under review.", "function": "VERIFICATION"}, "japan"
        )
    return entity


def designation_input(entity: str, **overrides) -> dict:
    return {"committeeCode": "VN", "entityId": entity, "validationScopes": [2], "verificationScopes": [4]} | overrides


DESIGNATION_REFUSALS = [
    pytest.param("entity", "japan", {}, forbidden("proposeTpeDesignation"), id="japan"),
    pytest.param("entity", "VN", {}, forbidden("proposeTpeDesignation"), id="partner"),
    pytest.param("entity", "ID", {}, forbidden("proposeTpeDesignation"), id="another-partner"),
    pytest.param("entity", None, {}, UNAUTHENTICATED, id="anonymous"),
    pytest.param(
        "entity",
        "secretariat",
        {"validationScopes": [], "verificationScopes": []},
        error("INVALID_INPUT", "Name at least one sectoral scope, for validation or verification.", "validationScopes"),
        id="no-scope",
    ),
    pytest.param(
        "entity",
        "secretariat",
        {"validationScopes": [0]},
        error("INVALID_INPUT", "Sectoral scopes are numbered 1 to 15; 0 is not one.", "validationScopes"),
        id="validation-0",
    ),
    pytest.param(
        "entity",
        "secretariat",
        {"verificationScopes": [3, 16]},
        error("INVALID_INPUT", "Sectoral scopes are numbered 1 to 15; 16 is not one.", "verificationScopes"),
        id="verification-16",
    ),
    pytest.param(
        "entity",
        "secretariat",
        {"entityId": to_global_id("ThirdPartyEntity", 999)},
        error("NOT_FOUND", "No third-party entity has this id.", "entityId"),
        id="unknown-entity",
    ),
    pytest.param(
        "entity",
        "secretariat",
        {"entityId": "not-an-id"},
        error("INVALID_INPUT", "entityId is not the id of a ThirdPartyEntity.", "entityId"),
        id="malformed-id",
    ),
    pytest.param(
        "entity",
        "secretariat",
        {"entityId": to_global_id("JointCommittee", 1)},
        error("INVALID_INPUT", "entityId is not the id of a ThirdPartyEntity.", "entityId"),
        id="id-of-another-type",
    ),
    pytest.param(
        "entity",
        "secretariat",
        {"committeeCode": "XX"},
        error("NOT_FOUND", "No joint committee has the code 'XX'.", "committeeCode"),
        id="unknown-committee",
    ),
    pytest.param(
        "expired",
        "secretariat",
        {},
        error("INVALID_INPUT", f"{NAME}'s accreditation expired on 2026-11-27.", "entityId"),
        id="expired",
    ),
    pytest.param(
        "designated",
        "secretariat",
        {"validationScopes": [1, 2]},
        error("INVALID_INPUT", "Already designated: validation 1.", "validationScopes"),
        id="validation-designated",
    ),
    pytest.param(
        "designated",
        "secretariat",
        {"verificationScopes": [4, 3]},
        error("INVALID_INPUT", "Already designated: verification 3.", "verificationScopes"),
        id="verification-designated",
    ),
    pytest.param(
        "designated",
        "secretariat",
        {"validationScopes": [1], "verificationScopes": [3]},
        error("INVALID_INPUT", "Already designated: validation 1, verification 3.", "validationScopes"),
        id="both-designated",
    ),
    pytest.param(
        "designated",
        "secretariat",
        {"validationScopes": [], "verificationScopes": [10, 3]},
        error("INVALID_INPUT", "Already designated: verification 3, verification 10.", "verificationScopes"),
        id="designated-in-numeric-order",
    ),
    pytest.param(
        "open",
        "secretariat",
        {},
        error(
            "INVALID_TRANSITION",
            f"A proposal on this designation is still open (TPE_DESIGNATION: Designation of {NAME} as a third-party "
            "entity: validation 1; verification 3); decide or withdraw it first.",
        ),
        id="designation-open",
    ),
    pytest.param(
        "suspension-open",
        "secretariat",
        {},
        error(
            "INVALID_TRANSITION",
            f"A proposal on this designation is still open (TPE_SUSPENSION: Suspension of TPE-VN-001 ({NAME}): "
            "verification 3, verification 10); decide or withdraw it first.",
        ),
        id="suspension-open",
    ),
]


@pytest.mark.parametrize(("given", "who", "overrides", "expected"), DESIGNATION_REFUSALS)
async def test_a_refused_designation_proposal_leaves_no_trace_and_consumes_no_tpe_number(
    tpe_flow, engine, given, who, overrides, expected
):
    # Given
    entity = await given_designation_state(tpe_flow, given)
    if who:
        await tpe_flow.token(who)
    before = await snapshot(engine, *TABLES)

    # When
    payload = await tpe_flow.call(DESIGNATE_ID, designation_input(entity, **overrides), who)

    # Then
    assert payload == refused(expected)
    assert await snapshot(engine, *TABLES) == before
    # and the next designation in VN gets the next number
    following = await designated(tpe_flow, [5], [], name="Following Body Ltd.")
    assert following["reference"] == ("TPE-VN-002" if given in ("designated", "suspension-open") else "TPE-VN-001")


@pytest.mark.parametrize("expires", ["2026-11-28", "2026-11-29"])
async def test_an_entity_may_be_proposed_until_its_accreditation_expires(tpe_flow, frozen_clock, expires):
    # Given an entity whose accreditation expires today or tomorrow
    entity = await tpe_flow.entity(NAME, "JP", accreditationExpiresOn=expires)

    # When it is proposed today
    payload = await tpe_flow.call(DESIGNATE_ID, designation_input(entity), "secretariat")

    # Then it is accepted
    assert payload["userErrors"] == []
    assert payload["designation"]["status"] == "PROPOSED"

    # but the day after expiry it is refused in another committee
    frozen_clock.set(at(expires) + timedelta(days=1))
    late = await tpe_flow.call(DESIGNATE_ID, designation_input(entity, committeeCode="ID"), "secretariat")
    assert late == refused(error("INVALID_INPUT", f"{NAME}'s accreditation expired on {expires}.", "entityId"))


async def test_extra_scopes_may_be_proposed_once_the_first_designation_is_decided(tpe_flow):
    # Given a designation and a second proposal refused while the first is open
    entity = await tpe_flow.entity(NAME, "JP")
    first = await tpe_flow.propose(entity, [1], [])
    assert (await tpe_flow.call(DESIGNATE_ID, designation_input(entity), "secretariat"))["userErrors"][0]["code"] == (
        "INVALID_TRANSITION"
    )

    # When the first is approved, the second is accepted for the same designation
    await tpe_flow.approve(first["proposal"]["id"])
    second = await tpe_flow.call(DESIGNATE_ID, designation_input(entity), "secretariat")

    # Then
    assert second["userErrors"] == []
    assert second["designation"]["id"] == first["designation"]["id"]
    assert second["designation"]["reference"] == "TPE-VN-001"
    assert second["proposal"]["title"] == f"Designation of {NAME} as a third-party entity: validation 2; verification 4"


# --- the provisional cap ---------------------------------------------------------------------


def cap_error(committee: str, country: str, year: int) -> dict:
    return error(
        "INVALID_INPUT",
        f"The {committee} committee already has 2 provisional designations of entities from {country} in {year}: "
        "at most 2 a year.",
        "entityId",
    )


async def provisional(flow: TpeSteps, name: str, country: str | None) -> str:
    return await flow.entity(name, country, accreditation="PROVISIONAL")


async def given_the_first_designated_in_id(flow: TpeSteps, entity: str) -> None:
    proposed = await flow.propose(entity, [1], [], committee="ID")
    await flow.approve(proposed["proposal"]["id"], "ID")


@pytest.mark.parametrize("country", ["ID", "JP"])
async def test_the_third_provisional_entity_of_the_partner_or_of_japan_in_a_year_is_refused(tpe_flow, engine, country):
    # Given two provisional entities of `country` in the ID committee this year: one designated, one proposed
    first = await provisional(tpe_flow, "Provisional One", country)
    await given_the_first_designated_in_id(tpe_flow, first)
    await tpe_flow.propose(await provisional(tpe_flow, "Provisional Two", country), [], [1], committee="ID")
    third = await provisional(tpe_flow, "Provisional Three", country)
    before = await snapshot(engine, *TABLES)

    # When a third is proposed
    payload = await tpe_flow.call(DESIGNATE_ID, designation_input(third, committeeCode="ID"), "secretariat")

    # Then it is refused with a clear error, leaving no trace
    assert payload == refused(cap_error("ID", country, 2026))
    assert await snapshot(engine, *TABLES) == before

    # but the other capped country still has its own two, and the first may still get extra scopes
    other = {"ID": "JP", "JP": "ID"}[country]
    for n in (1, 2):
        accepted = await tpe_flow.call(
            DESIGNATE_ID,
            designation_input(await provisional(tpe_flow, f"Other {n}", other), committeeCode="ID"),
            "secretariat",
        )
        assert accepted["userErrors"] == [], n
    await tpe_flow.ok(
        DESIGNATE_ID,
        designation_input(first, committeeCode="ID", validationScopes=[2], verificationScopes=[]),
        "secretariat",
    )


async def test_the_cap_counts_per_committee_and_only_provisional_entities_of_the_partner_and_japan(tpe_flow):
    # Given two Indonesian and two Japanese provisional entities proposed in the ID committee
    for country in ("ID", "JP"):
        for n in (1, 2):
            await tpe_flow.propose(
                await provisional(tpe_flow, f"{country} provisional {n}", country), [1], [], committee="ID"
            )

    # When further entities are proposed there
    uncapped = (
        [await provisional(tpe_flow, f"Thai provisional {n}", "TH") for n in (1, 2, 3)]
        + [await provisional(tpe_flow, "Stateless provisional", None)]
        + [
            await tpe_flow.entity(f"Indonesian accredited {n}", "ID", accreditation=basis)
            for n, basis in enumerate(["ISO_14065", "CDM_DOE", "ISO_14065"])
        ]
    )
    results = [
        await tpe_flow.call(DESIGNATE_ID, designation_input(e, committeeCode="ID"), "secretariat") for e in uncapped
    ]

    # Then entities of a third country, without a country, or accredited are not capped
    assert [r["userErrors"] for r in results] == [[]] * len(uncapped)

    # and in VN Japan's count starts from zero, while VN's own provisional entities are capped at two
    japanese_in_vn = await provisional(tpe_flow, "JP provisional 3", "JP")
    assert (await tpe_flow.call(DESIGNATE_ID, designation_input(japanese_in_vn), "secretariat"))["userErrors"] == []
    vietnamese = [await provisional(tpe_flow, f"VN provisional {n}", "VN") for n in (1, 2, 3)]
    outcomes = [
        (await tpe_flow.call(DESIGNATE_ID, designation_input(e), "secretariat"))["userErrors"] for e in vietnamese
    ]
    assert outcomes == [[], [], [cap_error("VN", "VN", 2026)]]


async def test_the_provisional_count_starts_again_in_the_next_calendar_year(tpe_flow, frozen_clock):
    # Given two Indonesian provisional entities in the ID committee in 2026, one still open at year end
    await given_the_first_designated_in_id(tpe_flow, await provisional(tpe_flow, "Provisional 2026-1", "ID"))
    frozen_clock.set(datetime(2026, 12, 31, 23, 30, tzinfo=UTC))
    await tpe_flow.propose(await provisional(tpe_flow, "Provisional 2026-2", "ID"), [2], [], committee="ID")
    assert (
        await tpe_flow.call(
            DESIGNATE_ID,
            designation_input(await provisional(tpe_flow, "Provisional 2026-3", "ID"), committeeCode="ID"),
            "secretariat",
        )
    )["userErrors"] == [cap_error("ID", "ID", 2026)]

    # When the year turns
    frozen_clock.set(datetime(2027, 1, 1, 0, 30, tzinfo=UTC))
    entities = [await provisional(tpe_flow, f"Provisional 2027-{n}", "ID") for n in (1, 2, 3)]
    outcomes = [
        (await tpe_flow.call(DESIGNATE_ID, designation_input(e, committeeCode="ID"), "secretariat"))["userErrors"]
        for e in entities
    ]

    # Then two more are accepted, the third refused for 2027
    assert outcomes == [[], [], [cap_error("ID", "ID", 2027)]]


async def test_a_withdrawn_or_objected_proposal_does_not_count_against_the_cap(tpe_flow):
    # Given one Indonesian provisional entity whose proposal was withdrawn and one whose proposal was objected to
    withdrawn = await tpe_flow.propose(await provisional(tpe_flow, "Withdrawn", "ID"), [1], [], committee="ID")
    await tpe_flow.withdraw_proposal(withdrawn["proposal"]["id"])
    objected = await tpe_flow.propose(await provisional(tpe_flow, "Objected", "ID"), [1], [], committee="ID")
    await tpe_flow.object_to(objected["proposal"]["id"])

    # When three more are proposed
    entities = [await provisional(tpe_flow, f"Provisional {n}", "ID") for n in (1, 2, 3)]
    outcomes = [
        (await tpe_flow.call(DESIGNATE_ID, designation_input(e, committeeCode="ID"), "secretariat"))["userErrors"]
        for e in entities
    ]

    # Then the first two are accepted: only open and approved proposals count
    assert outcomes == [[], [], [cap_error("ID", "ID", 2026)]]


# --- references ------------------------------------------------------------------------------


async def test_tpe_references_run_per_committee_in_the_order_of_approval(tpe_flow, gql):
    # Given entities proposed in VN and ID, interleaved
    proposals = {}
    for name, committee in [("A", "VN"), ("B", "ID"), ("C", "VN"), ("D", "VN"), ("E", "ID")]:
        proposed = await tpe_flow.propose(await tpe_flow.entity(f"Entity {name}", "JP"), [1], [2], committee=committee)
        proposals[name] = (committee, proposed["proposal"]["id"], proposed["designation"]["id"])

    # When they are approved in another order
    for name in ["C", "B", "A", "E", "D"]:
        committee, proposal_id, _ = proposals[name]
        await tpe_flow.approve(proposal_id, committee)

    # Then each committee numbers its first designations from 001, by approval
    references = {
        name: (await gql(DESIGNATION_NODE, {"id": designation_id}))["node"]["reference"]
        for name, (_, _, designation_id) in proposals.items()
    }
    assert references == {"A": "TPE-VN-002", "B": "TPE-ID-001", "C": "TPE-VN-001", "D": "TPE-VN-003", "E": "TPE-ID-002"}


@pytest.mark.parametrize(
    ("ending", "status", "first_decisions", "approval"),
    [
        ("objection", "NOT_APPROVED", [decision("JC-VN-2026-002", outcome="NOT_APPROVED")], "JC-VN-2026-003"),
        ("withdrawal", "WITHDRAWN", [], "JC-VN-2026-002"),
    ],
)
async def test_a_first_designation_objected_or_withdrawn_gets_no_reference_until_a_later_approval(
    tpe_flow, gql, ending, status, first_decisions, approval
):
    # Given one designation in VN (TPE-VN-001)
    await designated(tpe_flow, [1], [])
    entity = await tpe_flow.entity("Second Body Ltd.", "VN")
    proposed = await tpe_flow.propose(entity, [], [3])
    designation_id = proposed["designation"]["id"]

    # When the second entity's first proposal is objected to or withdrawn
    if ending == "objection":
        await tpe_flow.object_to(proposed["proposal"]["id"])
    else:
        await tpe_flow.withdraw_proposal(proposed["proposal"]["id"])

    # Then it has no reference, no scope, and its status says how it ended
    read = (await gql(DESIGNATION_NODE, {"id": designation_id}, token=await tpe_flow.token("secretariat")))["node"]
    assert read == {
        "id": designation_id,
        "reference": None,
        "status": status,
        "designatedOn": None,
        "committee": {"code": "VN"},
        "entity": {"name": "Second Body Ltd."},
        "scopes": [],
        "decisions": first_decisions,
    }

    # When a later proposal for the same entity is approved
    again = await tpe_flow.propose(entity, [], [3])
    assert again["designation"]["id"] == designation_id
    await tpe_flow.approve(again["proposal"]["id"])

    # Then the same designation gets the next reference
    read = (await gql(DESIGNATION_NODE, {"id": designation_id}))["node"]
    assert read == {
        "id": designation_id,
        "reference": "TPE-VN-002",
        "status": "DESIGNATED",
        "designatedOn": TODAY,
        "committee": {"code": "VN"},
        "entity": {"name": "Second Body Ltd."},
        "scopes": [scope("VERIFICATION", 3)],
        "decisions": [*first_decisions, decision(approval)],
    }


# --- proposeTpeSuspension and proposeTpeWithdrawal -------------------------------------------


class ActionMutation(NamedTuple):
    document: str
    mutation: str
    kind: str
    verb: str  # in the proposal's title
    infinitive: str  # in the error when nothing matches
    changed: str  # the status of the scopes it reaches


ACTIONS = [
    pytest.param(
        ActionMutation(SUSPEND, "proposeTpeSuspension", "TPE_SUSPENSION", "Suspension", "suspend", "SUSPENDED"),
        id="suspension",
    ),
    pytest.param(
        ActionMutation(WITHDRAW_TPE, "proposeTpeWithdrawal", "TPE_WITHDRAWAL", "Withdrawal", "withdraw", "WITHDRAWN"),
        id="withdrawal",
    ),
]


@pytest.mark.parametrize("who", ["secretariat", "japan", "VN"])
@pytest.mark.parametrize("action", ACTIONS)
async def test_the_secretariat_and_both_sides_may_propose_a_suspension_or_withdrawal(tpe_flow, who, action):
    # Given a designation in VN
    await designated(tpe_flow, [1], [3])

    # When
    payload = await tpe_flow.call(
        action.document, {"reference": " tpe-vn-001 ", "reason": " Accreditation under review. "}, who
    )

    # Then a DRAFT proposal, and the designation unchanged until its decision
    assert payload["userErrors"] == []
    assert payload["proposal"] | {"id": None} == {
        "id": None,
        "kind": action.kind,
        "status": "DRAFT",
        "title": f"{action.verb} of TPE-VN-001 ({NAME}): the whole designation",
    }
    assert payload["designation"] == {
        "reference": "TPE-VN-001",
        "status": "DESIGNATED",
        "designatedOn": TODAY,
        "committee": {"code": "VN"},
        "entity": {"name": NAME},
        "scopes": [scope("VALIDATION", 1), scope("VERIFICATION", 3)],
        "decisions": [decision("JC-VN-2026-001")],
    }


async def given_action_state(flow: TpeSteps, given: str) -> None:
    """A Japanese entity designated in VN for validation 1 and 2 (TPE-VN-001), in the state named."""
    entity = await flow.entity(NAME, "JP")
    await flow.designate(entity, [1, 2], [])
    if given == "extra-open":
        await flow.propose(entity, [3], [])
    if given == "suspended":
        suspension = await flow.ok(SUSPEND, {"reference": "TPE-VN-001", "reason": "Under review."}, "secretariat")
        await flow.approve(suspension["proposal"]["id"])


def nothing_matches(infinitive: str) -> dict:
    what = "designated" if infinitive == "suspend" else "designated or suspended"
    return error(
        "INVALID_INPUT", f"TPE-VN-001 has no scope to {infinitive} here: nothing is {what} that matches.", "scopes"
    )


ACTION_REFUSALS = [
    pytest.param(
        "designated",
        "ID",
        {},
        lambda m, i: error("FORBIDDEN", f"In the VN committee, {m} is for {COMMITTEE_REACH} only."),
        id="another-partner",
    ),
    pytest.param("designated", None, {}, lambda m, i: UNAUTHENTICATED, id="anonymous"),
    pytest.param(
        "designated",
        "VN",
        {"reference": "TPE-VN-999"},
        lambda m, i: error(
            "NOT_FOUND", "No designated third-party entity has the reference 'TPE-VN-999'.", "reference"
        ),
        id="unknown-reference",
    ),
    pytest.param(
        "designated",
        "secretariat",
        {"reason": "  "},
        lambda m, i: error("INVALID_INPUT", "reason must not be blank.", "reason"),
        id="blank-reason",
    ),
    pytest.param(
        "designated",
        "japan",
        {"reason": "R" * 5001},
        lambda m, i: error("INVALID_INPUT", "reason must be at most 5000 characters (got 5001).", "reason"),
        id="long-reason",
    ),
    pytest.param(
        "designated", "VN", {"function": "VERIFICATION"}, lambda m, i: nothing_matches(i), id="function-not-designated"
    ),
    pytest.param(
        "designated", "secretariat", {"scopes": [5, 6]}, lambda m, i: nothing_matches(i), id="scopes-not-designated"
    ),
    pytest.param(
        "designated",
        "secretariat",
        {"function": "VALIDATION", "scopes": [3]},
        lambda m, i: nothing_matches(i),
        id="function-and-scope-not-designated",
    ),
    pytest.param(
        "designated",
        "secretariat",
        {"scopes": [16]},
        lambda m, i: error("INVALID_INPUT", "Sectoral scopes are numbered 1 to 15; 16 is not one.", "scopes"),
        id="scope-16",
    ),
    pytest.param(
        "extra-open",
        "secretariat",
        {},
        lambda m, i: error(
            "INVALID_TRANSITION",
            f"A proposal on this designation is still open (TPE_DESIGNATION: Designation of {NAME} as a third-party "
            "entity: validation 3); decide or withdraw it first.",
        ),
        id="proposal-open",
    ),
]


@pytest.mark.parametrize(("given", "who", "overrides", "expected"), ACTION_REFUSALS)
@pytest.mark.parametrize("action", ACTIONS)
async def test_a_refused_suspension_or_withdrawal_leaves_no_trace(
    tpe_flow, engine, given, who, overrides, expected, action
):
    # Given
    await given_action_state(tpe_flow, given)
    if who:
        await tpe_flow.token(who)
    before = await snapshot(engine, *TABLES)

    # When
    payload = await tpe_flow.call(
        action.document, {"reference": "TPE-VN-001", "reason": "Under review."} | overrides, who
    )

    # Then
    assert payload == refused(expected(action.mutation, action.infinitive))
    assert await snapshot(engine, *TABLES) == before


async def test_a_suspended_designation_cannot_be_suspended_again(tpe_flow, engine):
    # Given a designation suspended as a whole
    await given_action_state(tpe_flow, "suspended")
    before = await snapshot(engine, *TABLES)

    # When
    payload = await tpe_flow.call(SUSPEND, {"reference": "TPE-VN-001", "reason": "Again."}, "VN")

    # Then
    assert payload == refused(nothing_matches("suspend"))
    assert await snapshot(engine, *TABLES) == before


@pytest.mark.parametrize("ending", ["objection", "withdrawal"])
@pytest.mark.parametrize("action", ACTIONS)
async def test_an_objected_or_withdrawn_suspension_or_withdrawal_changes_nothing(
    tpe_flow, gql, frozen_clock, ending, action
):
    # Given a designation and a proposal to suspend or withdraw it as a whole
    before = await designated(tpe_flow, [1], [3])
    frozen_clock.set(at("2026-12-10"))
    proposed = await tpe_flow.ok(action.document, {"reference": "TPE-VN-001", "reason": "Under review."}, "VN")

    # When it is objected to, or withdrawn
    if ending == "objection":
        await tpe_flow.object_to(proposed["proposal"]["id"])
    else:
        await tpe_flow.withdraw_proposal(proposed["proposal"]["id"])

    # Then every scope keeps its status and date; only an objection adds a decision
    after = (await gql(DESIGNATION_NODE, {"id": before["id"]}))["node"]
    added = [decision("JC-VN-2026-002", action.kind, "NOT_APPROVED")] if ending == "objection" else []
    assert after == before | {"decisions": before["decisions"] + added}
    trail = (await gql(AUDIT, {"id": before["id"]}, token=await tpe_flow.token("secretariat")))["auditTrail"]
    assert [event["action"] for event in trail] == ["designated"]


FOUR_SCOPES = [("VALIDATION", 1), ("VALIDATION", 3), ("VERIFICATION", 3), ("VERIFICATION", 4)]


@pytest.mark.parametrize(
    ("extent", "reached", "extent_title", "whole"),
    [
        pytest.param(
            {"scopes": [3]},
            {("VALIDATION", 3), ("VERIFICATION", 3)},
            "validation 3, verification 3",
            False,
            id="scope-in-both-functions",
        ),
        pytest.param(
            {"function": "VALIDATION"},
            {("VALIDATION", 1), ("VALIDATION", 3)},
            "validation 1, validation 3",
            False,
            id="function",
        ),
        pytest.param(
            {"function": "VERIFICATION", "scopes": [4, 9]},
            {("VERIFICATION", 4)},
            "verification 4",
            False,
            id="function-and-scope",
        ),
        pytest.param({}, set(FOUR_SCOPES), "the whole designation", True, id="whole"),
        pytest.param(
            {"function": None, "scopes": None},
            set(FOUR_SCOPES),
            "the whole designation",
            True,
            id="whole-explicit-nulls",
        ),
    ],
)
@pytest.mark.parametrize("action", ACTIONS)
async def test_a_partial_or_whole_suspension_or_withdrawal_reaches_exactly_the_named_scopes(
    tpe_flow, frozen_clock, extent, reached, extent_title, whole, action
):
    # Given a designation for validation 1 and 3 and verification 3 and 4
    await designated(tpe_flow, [1, 3], [3, 4])
    frozen_clock.set(at("2026-12-10"))

    # When a suspension or withdrawal of part or all of it is proposed and approved
    proposed = await tpe_flow.ok(
        action.document, {"reference": "TPE-VN-001", "reason": "Non-conformities."} | extent, "japan"
    )
    assert proposed["proposal"]["title"] == f"{action.verb} of TPE-VN-001 ({NAME}): {extent_title}"
    await tpe_flow.approve(proposed["proposal"]["id"])

    # Then exactly the scopes reached change, from the day of the decision
    tpe = await tpe_flow.tpe("TPE-VN-001")
    assert tpe["scopes"] == [
        scope(f, n, action.changed, "2026-12-10") if (f, n) in reached else scope(f, n) for f, n in FOUR_SCOPES
    ]
    assert tpe["status"] == (action.changed if whole else "DESIGNATED")
    assert (tpe["reference"], tpe["designatedOn"]) == ("TPE-VN-001", TODAY)
    assert tpe["decisions"] == [decision("JC-VN-2026-001"), decision("JC-VN-2026-002", action.kind)]


# --- recordVoluntaryWithdrawal ---------------------------------------------------------------

VOLUNTARY_REFUSALS = [
    pytest.param("japan", {}, forbidden("recordVoluntaryWithdrawal"), id="japan"),
    pytest.param("VN", {}, forbidden("recordVoluntaryWithdrawal"), id="partner"),
    pytest.param(None, {}, UNAUTHENTICATED, id="anonymous"),
    pytest.param(
        "secretariat",
        {"reference": "TPE-VN-999"},
        error("NOT_FOUND", "No designated third-party entity has the reference 'TPE-VN-999'.", "reference"),
        id="unknown-reference",
    ),
    pytest.param(
        "secretariat", {"reason": " "}, error("INVALID_INPUT", "reason must not be blank.", "reason"), id="blank-reason"
    ),
    pytest.param(
        "secretariat",
        {"function": "VERIFICATION"},
        error("INVALID_INPUT", "TPE-VN-001 has no designated or suspended scope that matches.", "scopes"),
        id="function-not-designated",
    ),
    pytest.param(
        "secretariat",
        {"scopes": [7]},
        error("INVALID_INPUT", "TPE-VN-001 has no designated or suspended scope that matches.", "scopes"),
        id="scope-not-designated",
    ),
    pytest.param(
        "secretariat",
        {"scopes": [0]},
        error("INVALID_INPUT", "Sectoral scopes are numbered 1 to 15; 0 is not one.", "scopes"),
        id="scope-0",
    ),
]


@pytest.mark.parametrize(("who", "overrides", "expected"), VOLUNTARY_REFUSALS)
async def test_a_refused_voluntary_withdrawal_leaves_no_trace(tpe_flow, engine, who, overrides, expected):
    # Given a designation for validation 1 and 2
    await given_action_state(tpe_flow, "designated")
    if who:
        await tpe_flow.token(who)
    before = await snapshot(engine, *TABLES)

    # When
    payload = await tpe_flow.call(
        VOLUNTARY, {"reference": "TPE-VN-001", "reason": "Notice of 16 December."} | overrides, who
    )

    # Then
    assert payload == refused(expected)
    assert await snapshot(engine, *TABLES) == before


async def test_a_voluntary_withdrawal_takes_effect_at_once_without_a_decision_and_is_in_the_audit_trail(
    tpe_flow, gql, engine, frozen_clock
):
    # Given a designation for validation 1 and verification 3 and 4
    designation = await designated(tpe_flow, [1], [3, 4])
    frozen_clock.set(at("2026-12-16"))
    before = await snapshot(engine, "proposal", "workflow_event", "decision", "side_position", "reference_counter")

    # When the secretariat records the entity's notice for verification 4
    payload = await tpe_flow.ok(
        VOLUNTARY,
        {"reference": "tpe-vn-001", "reason": " Notice of 16 December. ", "function": "VERIFICATION", "scopes": [4]},
        "secretariat",
    )

    # Then the scope is withdrawn today, with no proposal and no decision
    assert payload["proposal"] is None
    assert payload["designation"] == {
        "reference": "TPE-VN-001",
        "status": "DESIGNATED",
        "designatedOn": TODAY,
        "committee": {"code": "VN"},
        "entity": {"name": NAME},
        "scopes": [
            scope("VALIDATION", 1),
            scope("VERIFICATION", 3),
            scope("VERIFICATION", 4, "VOLUNTARILY_WITHDRAWN", "2026-12-16"),
        ],
        "decisions": [decision("JC-VN-2026-001")],
    }
    assert await tpe_flow.tpe("TPE-VN-001") == payload["designation"]
    assert (
        await snapshot(engine, "proposal", "workflow_event", "decision", "side_position", "reference_counter") == before
    )

    # and the audit trail of the designation shows it, with the reason
    for who in ("secretariat", "japan", "VN"):
        trail = (await gql(AUDIT, {"id": designation["id"]}, token=await tpe_flow.token(who)))["auditTrail"]
        assert [(e["action"], e["actorRole"], e["subjectType"]) for e in trail] == [
            ("designated", "PARTNER", "TpeDesignation"),
            ("voluntaryWithdrawalRecorded", "SECRETARIAT", "TpeDesignation"),
        ], who
        last = trail[-1]["after"]
        assert (last["note"], last["status"], last["reference"]) == (
            "Notice of 16 December.",
            "DESIGNATED",
            "TPE-VN-001",
        )
        assert last["scopes"] == [
            "VALIDATION 1: DESIGNATED since 2026-11-28",
            "VERIFICATION 3: DESIGNATED since 2026-11-28",
            "VERIFICATION 4: VOLUNTARILY_WITHDRAWN since 2026-12-16",
        ]
    assert (await gql(AUDIT, {"id": designation["id"]}, token=await tpe_flow.token("ID")))["auditTrail"] == []


async def test_a_whole_voluntary_withdrawal_ends_the_designation_and_keeps_it_readable(tpe_flow, frozen_clock):
    # Given a designation with one scope suspended
    await designated(tpe_flow, [1], [3])
    frozen_clock.set(at("2026-12-10"))
    suspension = await tpe_flow.ok(
        SUSPEND, {"reference": "TPE-VN-001", "reason": "Review.", "function": "VALIDATION"}, "VN"
    )
    await tpe_flow.approve(suspension["proposal"]["id"])

    # When the entity withdraws from all of it
    frozen_clock.set(at("2026-12-16"))
    await tpe_flow.ok(VOLUNTARY, {"reference": "TPE-VN-001", "reason": "Ceasing operations."}, "secretariat")

    # Then designated and suspended scopes alike are voluntarily withdrawn, and nothing is deleted
    tpe = await tpe_flow.tpe("TPE-VN-001")
    assert (tpe["status"], tpe["scopes"]) == (
        "VOLUNTARILY_WITHDRAWN",
        [
            scope("VALIDATION", 1, "VOLUNTARILY_WITHDRAWN", "2026-12-16"),
            scope("VERIFICATION", 3, "VOLUNTARILY_WITHDRAWN", "2026-12-16"),
        ],
    )
    assert tpe["decisions"] == [decision("JC-VN-2026-001"), decision("JC-VN-2026-002", "TPE_SUSPENSION")]
    # and nothing is left to withdraw
    again = await tpe_flow.call(VOLUNTARY, {"reference": "TPE-VN-001", "reason": "Again."}, "secretariat")
    assert again == refused(
        error("INVALID_INPUT", "TPE-VN-001 has no designated or suspended scope that matches.", "scopes")
    )


# --- the derived status ----------------------------------------------------------------------

STEP_DOCUMENTS = {"suspend": SUSPEND, "withdraw": WITHDRAW_TPE}


@pytest.mark.parametrize(
    "steps",
    [
        pytest.param(
            [
                ("2026-12-01", "suspend", {"function": "VALIDATION"}, "DESIGNATED"),
                ("2026-12-05", "voluntary", {"function": "VERIFICATION"}, "SUSPENDED"),
            ],
            id="suspended-when-every-active-scope-is",
        ),
        pytest.param(
            [
                ("2026-12-01", "voluntary", {"function": "VALIDATION"}, "DESIGNATED"),
                ("2026-12-05", "suspend", {}, "SUSPENDED"),
            ],
            id="suspended-after-a-voluntary-withdrawal",
        ),
        pytest.param(
            [
                ("2026-12-01", "voluntary", {"function": "VALIDATION"}, "DESIGNATED"),
                ("2026-12-05", "withdraw", {}, "WITHDRAWN"),
            ],
            id="withdrawn-last",
        ),
        pytest.param(
            [
                ("2026-12-01", "withdraw", {"function": "VALIDATION"}, "DESIGNATED"),
                ("2026-12-05", "voluntary", {}, "VOLUNTARILY_WITHDRAWN"),
            ],
            id="voluntarily-withdrawn-last",
        ),
        pytest.param(
            [
                ("2026-12-05", "voluntary", {"function": "VALIDATION"}, "DESIGNATED"),
                ("2026-12-05", "withdraw", {}, "WITHDRAWN"),
            ],
            id="withdrawn-last-the-same-day",
        ),
        pytest.param(
            [
                ("2026-12-05", "withdraw", {"function": "VALIDATION"}, "DESIGNATED"),
                ("2026-12-05", "voluntary", {}, "VOLUNTARILY_WITHDRAWN"),
            ],
            id="voluntarily-withdrawn-last-the-same-day",
        ),
        pytest.param(
            [
                ("2026-12-01", "suspend", {}, "SUSPENDED"),
                ("2026-12-05", "withdraw", {"scopes": [1]}, "SUSPENDED"),
                ("2026-12-09", "voluntary", {}, "VOLUNTARILY_WITHDRAWN"),
            ],
            id="suspended-then-withdrawn-in-turn",
        ),
        pytest.param(
            [
                ("2026-12-01", "suspend", {}, "SUSPENDED"),
                ("2026-12-05", "designate", {"verification": [3]}, "DESIGNATED"),
            ],
            id="lifted",
        ),
        pytest.param(
            [
                ("2026-12-01", "withdraw", {}, "WITHDRAWN"),
                ("2026-12-05", "designate", {"validation": [2]}, "DESIGNATED"),
            ],
            id="re-designated",
        ),
    ],
)
async def test_the_designation_status_follows_its_scopes(tpe_flow, frozen_clock, steps):
    # Given a designation for validation 1 and verification 3
    entity = await tpe_flow.entity(NAME, "JP")
    await tpe_flow.designate(entity, [1], [3])

    for day, action, extent, expected in steps:
        # When
        frozen_clock.set(at(day))
        if action == "voluntary":
            await tpe_flow.ok(VOLUNTARY, {"reference": "TPE-VN-001", "reason": "Notice."} | extent, "secretariat")
        elif action == "designate":
            proposed = await tpe_flow.propose(entity, extent.get("validation", []), extent.get("verification", []))
            await tpe_flow.approve(proposed["proposal"]["id"])
        else:
            proposed = await tpe_flow.ok(
                STEP_DOCUMENTS[action], {"reference": "TPE-VN-001", "reason": "Review."} | extent, "VN"
            )
            await tpe_flow.approve(proposed["proposal"]["id"])

        # Then
        tpe = await tpe_flow.tpe("TPE-VN-001")
        assert (tpe["reference"], tpe["status"]) == ("TPE-VN-001", expected), (day, action, tpe["scopes"])


# --- parallel proposals on one designation ---------------------------------------------------

SECRETARIAT = Principal(Role.SECRETARIAT, name="JCMA")


async def outcome(engine, propose) -> str:
    async with new_session(engine) as session:
        try:
            await propose(session)
        except DomainError as refusal:
            return refusal.code.value
    return "accepted"


async def test_a_designation_proposal_and_a_suspension_at_the_same_instant_do_not_deadlock(database, engine):
    # Given five designations in VN
    designations = []
    async with new_session(engine) as session:
        for n in range(5):
            entity = await register_entity(
                session, SECRETARIAT, name=f"Entity {n + 1}", accreditation=AccreditationBasis.ISO_14065
            )
            proposed = await propose_designation(
                session,
                SECRETARIAT,
                committee_code="VN",
                entity_id=entity.id,
                validation_scopes=[1],
                verification_scopes=[],
            )
            designation, proposal = proposed.designation, proposed.proposal
            await approve_directly(session, proposal.id, "VN")
            designations.append((entity.id, designation.reference))

    # When, for each, extra scopes and a suspension are proposed at the same instant over two connections
    first, second = database.engine(), database.engine()
    try:
        for entity_id, reference in designations:
            outcomes = await asyncio.gather(
                outcome(
                    first,
                    lambda session: propose_designation(
                        session,
                        SECRETARIAT,
                        committee_code="VN",
                        entity_id=entity_id,  # noqa: B023 (awaited within the iteration)
                        validation_scopes=[2],
                        verification_scopes=[],
                    ),
                ),
                outcome(
                    second,
                    lambda session: propose_action(
                        session,
                        SECRETARIAT,
                        kind=ProposalKind.TPE_SUSPENSION,
                        reference=reference,  # noqa: B023 (awaited within the iteration)
                        reason="Under review.",
                    ),
                ),
                return_exceptions=True,
            )

            # Then one is accepted and the other refused as a transition, never a database error
            assert sorted(map(str, outcomes)) == ["INVALID_TRANSITION", "accepted"], (reference, outcomes)
    finally:
        await first.dispose()
        await second.dispose()
