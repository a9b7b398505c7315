"""proposeRegistration refuses every unmet condition with its own error naming its field, and
leaves no trace; withdrawing a registration proposal returns the project to PLANNED."""

from typing import Any

import pytest

from api.ids import to_global_id
from models.enums import ProposalKind, TpeFunction
from resolvers.methodologies import propose_methodology
from resolvers.projects import propose_registration
from resolvers.tpes import propose_action
from tests.support.documents import WITHDRAW
from tests.support.projects import PROPOSE_REGISTRATION, ProjectSteps


async def catalogue(projects: ProjectSteps, frozen_clock: Any) -> dict[str, str]:
    """Methodologies, entities and VN projects in every state a registration may meet, by name.

    Methodologies: "good" (VN, VALID, scope 3), "scope1" (VN, VALID, scope 1 only), "mn" (MN,
    VALID, scope 3), "proposed" (VN, still PROPOSED: its PM reference). Entities: "validator" (VN,
    both functions in scope 3), "mn_tpe", "verifier_only" (VN, verification 3), "other_scope"
    (VN, validation 1), "suspended" (VN, validation 3 suspended). Projects (global ids):
    "closed" (PDD window closed), "pin" (PROPOSED), "no_pdd" (PLANNED), "requested"
    (REGISTRATION_REQUESTED), "registered", "open" (PDD window open); "two_scopes" (PDD closed,
    scopes 3 and 4) with "m34" (VN, VALID, scopes 3 and 4)."""
    made: dict[str, str] = {}
    made["good"] = await projects.valid_methodology(frozen_clock, "VN")
    made["scope1"] = await projects.valid_methodology(frozen_clock, "VN", scopes=(1,))
    made["mn"] = await projects.valid_methodology(frozen_clock, "MN")
    made["proposed"] = (
        await projects.run(
            "secretariat",
            propose_methodology,
            committee_code="VN",
            title="Still proposed",
            sectoral_scopes=[3],
            proponent="Example Co.",
        )
    ).methodology.proposed_reference
    made["validator"] = await projects.designated_entity("Validator Ltd.")
    made["mn_tpe"] = await projects.designated_entity("Mongolian Ltd.", committee="MN")
    made["verifier_only"] = await projects.designated_entity("Verifier Ltd.", validation=(), verification=(3,))
    made["other_scope"] = await projects.designated_entity("Scope One Ltd.", validation=(1,), verification=())
    made["suspended"] = await projects.designated_entity("Suspended Ltd.", validation=(3,), verification=(3,))
    suspension = await projects.run(
        "japan",
        propose_action,
        kind=ProposalKind.TPE_SUSPENSION,
        reference=made["suspended"],
        reason="Non-conformities.",
        function=TpeFunction.VALIDATION,
        scopes=[3],
    )
    await projects.decide(suspension.proposal.id)

    def gid(project: Any) -> str:
        return to_global_id("Project", project.id)

    made["closed"] = gid(await projects.with_closed_pdd(frozen_clock))
    made["pin"] = gid((await projects.pin()).project)
    made["no_pdd"] = gid(await projects.planned())
    requested = await projects.with_closed_pdd(frozen_clock)
    await projects.run(
        "secretariat",
        propose_registration,
        project_id=requested.id,
        methodology_reference=made["good"],
        validator_reference=made["validator"],
    )
    made["requested"] = gid(requested)
    registered = await projects.with_closed_pdd(frozen_clock)
    proposed = await projects.run(
        "secretariat",
        propose_registration,
        project_id=registered.id,
        methodology_reference=made["good"],
        validator_reference=made["validator"],
    )
    await projects.decide(proposed.proposal.id)
    made["registered"] = gid(registered)
    opened = await projects.planned()
    await projects.with_pdd(opened.id)
    made["open"] = gid(opened)
    made["m34"] = await projects.valid_methodology(frozen_clock, "VN", scopes=(3, 4))
    made["two_scopes"] = gid(await projects.with_closed_pdd(frozen_clock, scopes=(3, 4)))
    return made


@pytest.fixture
async def made(projects, frozen_clock, prebuilt) -> dict[str, str]:
    return await prebuilt(catalogue, projects, frozen_clock)


def registration(
    made: dict[str, str], project: str = "closed", methodology: str = "good", validator: str = "validator"
):
    return {
        "projectId": made[project],
        "methodologyReference": made.get(methodology, methodology),
        "validatorReference": made.get(validator, validator),
    }


async def test_the_catalogue_registers_with_the_good_methodology_and_validator(projects, made):
    # When
    payload = await projects.ok(PROPOSE_REGISTRATION, registration(made), "secretariat")

    # Then
    assert payload["project"]["status"] == "REGISTRATION_REQUESTED"
    assert payload["project"]["methodology"]["reference"] == made["good"]
    assert payload["project"]["validator"] == {"reference": made["validator"]}


async def test_the_methodology_covers_every_scope_of_the_project_the_validator_one(projects, made):
    # When a project in scopes 3 and 4 names a methodology of both and a validator of scope 3 only
    chosen = registration(made, project="two_scopes", methodology="m34")
    payload = await projects.ok(PROPOSE_REGISTRATION, chosen, "secretariat")

    # Then its registration is proposed
    assert [s["number"] for s in payload["project"]["sectoralScopes"]] == [3, 4]
    assert payload["project"]["status"] == "REGISTRATION_REQUESTED"


CASES = [
    # the project
    ("pin", {"project": "pin"}, "INVALID_TRANSITION", "projectId", "its PIN awaits the committee's decision"),
    ("second", {"project": "requested"}, "INVALID_TRANSITION", "projectId", "its registration is already proposed"),
    ("registered", {"project": "registered"}, "INVALID_TRANSITION", "projectId", "already registered as VN051"),
    ("no-pdd", {"project": "no_pdd"}, "INVALID_TRANSITION", "projectId", "has no design document yet"),
    ("pdd-open", {"project": "open"}, "INVALID_TRANSITION", "projectId", "is open until"),
    # the methodology
    ("unknown-methodology", {"methodology": "VN_AM099"}, "NOT_FOUND", "methodologyReference", "VN_AM099"),
    ("methodology-not-valid", {"methodology": "proposed"}, "INVALID_INPUT", "methodologyReference", "not VALID"),
    ("pm-reference", {"methodology": "VN_PM001"}, "INVALID_INPUT", "methodologyReference", "approved as VN_AM001"),
    ("methodology-of-mn", {"methodology": "mn"}, "INVALID_INPUT", "methodologyReference", "another committee"),
    ("methodology-scope", {"methodology": "scope1"}, "INVALID_INPUT", "methodologyReference", "does not cover"),
    (
        "methodology-one-of-two-scopes",
        {"project": "two_scopes"},
        "INVALID_INPUT",
        "methodologyReference",
        "does not cover sectoral scope 4",
    ),
    # the validator
    ("unknown-validator", {"validator": "TPE-VN-099"}, "NOT_FOUND", "validatorReference", "TPE-VN-099"),
    ("validator-of-mn", {"validator": "mn_tpe"}, "INVALID_INPUT", "validatorReference", "another committee"),
    ("verifier-only", {"validator": "verifier_only"}, "INVALID_INPUT", "validatorReference", "VERIFICATION only"),
    ("suspended", {"validator": "suspended"}, "INVALID_INPUT", "validatorReference", "SUSPENDED"),
    ("other-scope", {"validator": "other_scope"}, "INVALID_INPUT", "validatorReference", "scope 1 only"),
]


@pytest.mark.parametrize(("case", "names", "code", "field", "says"), CASES, ids=[c[0] for c in CASES])
async def test_each_unmet_registration_condition_is_its_own_error(projects, made, case, names, code, field, says):
    # When the secretariat proposes a registration with one condition unmet
    message = await projects.refused(PROPOSE_REGISTRATION, registration(made, **names), "secretariat", code, field)

    # Then the error says which (and nothing was written: see `refused`)
    assert says in message, message


@pytest.mark.parametrize(("who", "code"), [("japan", "FORBIDDEN"), ("VN", "FORBIDDEN"), (None, "UNAUTHENTICATED")])
async def test_only_the_secretariat_proposes_a_registration(projects, made, who, code):
    await projects.refused(PROPOSE_REGISTRATION, registration(made), who, code, None)


async def test_a_withdrawn_registration_proposal_leaves_the_project_planned_to_propose_again(projects, made):
    # Given a registration proposed
    proposed = await projects.ok(PROPOSE_REGISTRATION, registration(made), "secretariat")

    # When its proposal is withdrawn
    await projects.ok(WITHDRAW, {"id": proposed["proposal"]["id"], "reason": "Wrong validator."}, "secretariat")

    # Then the project is PLANNED again, without methodology or validator
    project = await projects.project(proposed["project"]["pinReference"])
    assert (project["status"], project["methodology"], project["validator"]) == ("PLANNED", None, None)

    # And its registration may be proposed again, and approved
    again = await projects.ok(PROPOSE_REGISTRATION, registration(made), "secretariat")
    await projects.decide_over_http(again["proposal"]["id"])
    project = await projects.project(proposed["project"]["pinReference"])
    assert (project["status"], project["reference"]) == ("REGISTERED", "VN052")


async def test_an_objection_to_a_registration_leaves_the_project_not_registered(projects, made):
    proposed = await projects.ok(PROPOSE_REGISTRATION, registration(made), "secretariat")

    await projects.decide_over_http(proposed["proposal"]["id"], objection="The validation report is incomplete.")

    project = await projects.project(proposed["project"]["pinReference"], who=None)
    assert (project["status"], project["reference"]) == ("NOT_REGISTERED", None)
    assert [(d["kind"], d["outcome"]) for d in project["decisions"]][-1] == ("PROJECT_REGISTRATION", "NOT_APPROVED")
