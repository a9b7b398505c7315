"""GraphQL documents and the driver of the project and credit tests: starting states built through
the resolvers (a valid methodology, designated entities, a planned or registered project, a
notified issuance), actions over HTTP.

Dates: the test clock starts at 2026-11-28 (tests/conftest.py). A PDD recorded through
`with_closed_pdd` gets a 1-day window, and the clock is then moved one day on, so that its public
input has closed; callers that need the original day keep `frozen_clock` themselves.
"""

from datetime import date, timedelta
from typing import Any

from api.ids import to_global_id
from models import clock
from models.enums import AccreditationBasis, CreditHolder, DecisionMode, Position, UsePurpose
from resolvers.issuances import authorize_credits, request_issuance
from resolvers.methodologies import propose_methodology
from resolvers.positions import give_position
from resolvers.projects import propose_planned_project, propose_registration, record_design_document
from resolvers.proposals import circulate_proposal
from resolvers.tpes import propose_designation, register_entity
from tests.support.db import snapshot
from tests.support.documents import CIRCULATE, CONSENT, OBJECT, SUBMIT
from tests.support.workflow import Workflow

PROJECT_FIELDS = """
  id pinReference reference title participants status registeredOn
  committee { code }
  sectoralScopes { number }
  methodology { reference version }
  validator { reference }
  designDocument { uri sha256 recordedOn publicInput { opensOn closesOn comments { author body } } }
  decisions { reference kind outcome }
  issuances { number status requestedAmount notifiedAmount authorized }
"""

ISSUANCE_FIELDS = """
  id number monitoringFrom monitoringTo requestedAmount notifiedAmount notifiedOn status
  project { reference }
  verifier { reference }
  allocations { holder requestedAmount notifiedAmount issuedAmount issuedOn }
  decision { reference outcome }
  authorizations { side amount usePurposes authorizedOn recordedBy }
  authorized authorizedAmount
"""

_PROJECT_PAYLOAD = "{ project { %s } proposal { id kind status title } userErrors { code message field } }" % (
    PROJECT_FIELDS
)
_ISSUANCE_PAYLOAD = "{ issuance { %s } proposal { id kind status title } userErrors { code message field } }" % (
    ISSUANCE_FIELDS
)

PROPOSE_PIN = "mutation ($input: ProposePlannedProjectInput!) { proposePlannedProject(input: $input) %s }" % (
    _PROJECT_PAYLOAD
)
RECORD_PDD = (
    "mutation ($input: RecordProjectDesignDocumentInput!) { recordProjectDesignDocument(input: $input) %s }"
    % _PROJECT_PAYLOAD
)
PROPOSE_REGISTRATION = "mutation ($input: ProposeRegistrationInput!) { proposeRegistration(input: $input) %s }" % (
    _PROJECT_PAYLOAD
)
PROPOSE_WITHDRAWAL = (
    "mutation ($input: ProposeProjectWithdrawalInput!) { proposeProjectWithdrawal(input: $input) %s }"
    % _PROJECT_PAYLOAD
)
REQUEST_ISSUANCE = "mutation ($input: RequestIssuanceInput!) { requestIssuance(input: $input) %s }" % (
    _ISSUANCE_PAYLOAD
)
AUTHORIZE = "mutation ($input: AuthorizeCreditsInput!) { authorizeCredits(input: $input) %s }" % _ISSUANCE_PAYLOAD
COMMENT = """
mutation ($input: CommentInput!) {
  submitPublicComment(input: $input) { comment { id author body } userErrors { code message field } }
}
"""
PROJECT = "query ($reference: String!) { project(reference: $reference) { %s } }" % PROJECT_FIELDS
ISSUANCE_NODE = "query ($id: ID!) { node(id: $id) { ... on CreditIssuance { %s } } }" % ISSUANCE_FIELDS

# Every table a project or issuance mutation may write to, to show that a refused one wrote nothing.
PROJECT_TABLES = (
    "project",
    "project_scope",
    "credit_issuance",
    "credit_allocation",
    "credit_authorization",
    "proposal",
    "workflow_event",
    "public_comment",
    "reference_counter",
    "audit_event",
)

# What a refused project or credit mutation must leave as it was: the tables above and the decisions.
NO_TRACE_TABLES = (*PROJECT_TABLES, "decision", "side_position")

SHA = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
PDD_URI = "https://www.jcm.go.jp/vn-jp/projects/pdd/VN_PIN001.pdf"


def pin_input(committee: str = "VN", **overrides: Any) -> dict:
    return {
        "committeeCode": committee,
        "title": "Energy saving by high-efficiency chillers in a textile factory",
        "participants": ["Example Engineering Co.", "Viet Textile JSC"],
        "sectoralScopes": [3],
    } | overrides


def allocations(partner: int = 100, japan: int = 400, participants: int = 500) -> list[dict]:
    return [
        {"holder": "PARTNER_GOVERNMENT", "amount": partner},
        {"holder": "JAPAN_GOVERNMENT", "amount": japan},
        {"holder": "PROJECT_PARTICIPANTS", "amount": participants},
    ]


class ProjectSteps(Workflow):
    """The workflow driver with the project cycle. Builders return references and global ids."""

    async def decide(self, proposal_id: int, committee: str = "VN", objection: str | None = None) -> None:  # type: ignore[override]
        """Submitted, circulated for 14 days and decided by both sides (or objected to by Japan)."""
        await self.submit(proposal_id)
        await self.run(
            "secretariat",
            circulate_proposal,
            proposal_id=proposal_id,
            mode=DecisionMode.ELECTRONIC,
            deadline=clock.today() + timedelta(days=14),
        )
        if objection is not None:
            await self.run(
                "japan", give_position, proposal_id=proposal_id, position=Position.OBJECTION, statement=objection
            )
            return
        await self.position(proposal_id, "japan")
        await self.position(proposal_id, committee)

    async def valid_methodology(self, frozen_clock: Any, committee: str = "VN", scopes: tuple[int, ...] = (3,)) -> str:
        """A methodology approved after a one-day public input (the clock moves one day on); its AM reference."""
        proposed = await self.run(
            "secretariat",
            propose_methodology,
            committee_code=committee,
            title="Energy saving by high-efficiency chillers",
            sectoral_scopes=list(scopes),
            proponent="Example Engineering Co.",
        )
        await self.submit(proposed.proposal.id)
        await self.open_public_input(proposed.proposal.id, days=1)
        frozen_clock.set(frozen_clock.at + timedelta(days=1))
        await self.run(
            "secretariat",
            circulate_proposal,
            proposal_id=proposed.proposal.id,
            mode=DecisionMode.ELECTRONIC,
            deadline=clock.today() + timedelta(days=14),
        )
        await self.position(proposed.proposal.id, "japan")
        await self.position(proposed.proposal.id, committee)
        methodology = await self.gql(METHODOLOGY_OF, {"id": to_global_id("Methodology", proposed.methodology.id)})
        return methodology["node"]["reference"]

    async def designated_entity(
        self,
        name: str = "Example Verification Ltd.",
        committee: str = "VN",
        validation: tuple[int, ...] = (3,),
        verification: tuple[int, ...] = (3,),
    ) -> str:
        """An entity designated today in `committee`; its TPE reference."""
        entity = await self.run("secretariat", register_entity, name=name, accreditation=AccreditationBasis.ISO_14065)
        proposed = await self.run(
            "secretariat",
            propose_designation,
            committee_code=committee,
            entity_id=entity.id,
            validation_scopes=list(validation),
            verification_scopes=list(verification),
        )
        await self.decide(proposed.proposal.id, committee)
        node = await self.gql(DESIGNATION_OF, {"id": to_global_id("TpeDesignation", proposed.designation.id)})
        return node["node"]["reference"]

    async def pin(self, committee: str = "VN", who: str = "secretariat", scopes: tuple[int, ...] = (3,)) -> Any:
        """A PIN proposed (DRAFT proposal); the resolver's result (`.project`, `.proposal`)."""
        return await self.run(
            who,
            propose_planned_project,
            committee_code=committee,
            title="Energy saving by high-efficiency chillers in a textile factory",
            participants=["Example Engineering Co.", "Viet Textile JSC"],
            sectoral_scopes=list(scopes),
        )

    async def planned(self, committee: str = "VN", scopes: tuple[int, ...] = (3,)) -> Any:
        """A PIN the committee did not object to: the project is PLANNED."""
        proposed = await self.pin(committee, scopes=scopes)
        await self.decide(proposed.proposal.id, committee)
        return proposed.project

    async def with_pdd(self, project_id: int, days: int = 30) -> None:
        await self.run(
            "secretariat",
            record_design_document,
            project_id=project_id,
            uri=PDD_URI,
            sha256=SHA,
            public_input_days=days,
        )

    async def with_closed_pdd(self, frozen_clock: Any, committee: str = "VN", scopes: tuple[int, ...] = (3,)) -> Any:
        """A PLANNED project whose PDD's one-day window closed: the clock moved one day on."""
        project = await self.planned(committee, scopes)
        await self.with_pdd(project.id, days=1)
        frozen_clock.set(frozen_clock.at + timedelta(days=1))
        return project

    async def registered(self, frozen_clock: Any, committee: str = "VN") -> dict[str, str]:
        """A registered project with a methodology and an entity designated for both functions in
        scope 3: {"id", "reference", "methodology", "tpe"} (the TPE also verifies)."""
        methodology = await self.valid_methodology(frozen_clock, committee)
        tpe = await self.designated_entity(committee=committee)
        project = await self.with_closed_pdd(frozen_clock, committee)
        proposed = await self.run(
            "secretariat",
            propose_registration,
            project_id=project.id,
            methodology_reference=methodology,
            validator_reference=tpe,
        )
        await self.decide(proposed.proposal.id, committee)
        read = await self.gql(PROJECT, {"reference": project.pin_reference})
        return {
            "id": to_global_id("Project", project.id),
            "reference": read["project"]["reference"],
            "methodology": methodology,
            "tpe": tpe,
        }

    async def requested(
        self,
        project_reference: str,
        verifier: str,
        monitoring: tuple[str, str] = ("2025-01-01", "2025-12-31"),
        amount: int = 1000,
    ) -> Any:
        """An issuance requested for the period (split 100/400/500 of 1000 by default); the
        resolver's result (`.issuance`, `.proposal`)."""
        split = [(CreditHolder(a["holder"]), a["amount"] * amount // 1000) for a in allocations()]
        return await self.run(
            "secretariat",
            request_issuance,
            project_reference=project_reference,
            monitoring_from=date.fromisoformat(monitoring[0]),
            monitoring_to=date.fromisoformat(monitoring[1]),
            verifier_reference=verifier,
            requested_amount=amount,
            allocations=split,
        )

    async def notified(self, frozen_clock: Any, committee: str = "VN") -> dict[str, Any]:
        """A registered project with a NOTIFIED issuance of 1,000 t-CO2e: `registered` plus "issuance"
        (its global id)."""
        project = await self.registered(frozen_clock, committee)
        requested = await self.requested(project["reference"], project["tpe"])
        await self.decide(requested.proposal.id, committee)
        return project | {"issuance": to_global_id("CreditIssuance", requested.issuance.id)}

    async def authorized_by(self, who: str, issuance_pk: int, amount: int = 1000) -> None:
        await self.run(who, authorize_credits, issuance_id=issuance_pk, amount=amount, use_purposes=[UsePurpose.NDC])

    async def decide_over_http(self, proposal_id: str, committee: str = "VN", objection: str | None = None) -> dict:
        """The action under test for a decision: submitted and circulated by the secretariat, then
        consented to by Japan and the partner (or objected to by Japan), all over HTTP; the payload
        of the deciding position."""
        await self.ok(SUBMIT, {"id": proposal_id}, "secretariat")
        deadline = (clock.today() + timedelta(days=14)).isoformat()
        await self.ok(CIRCULATE, {"id": proposal_id, "mode": "ELECTRONIC", "deadline": deadline}, "secretariat")
        if objection is not None:
            return await self.ok(OBJECT, {"id": proposal_id, "statement": objection}, "japan")
        await self.ok(CONSENT, {"id": proposal_id}, "japan")
        return await self.ok(CONSENT, {"id": proposal_id}, committee)

    async def refused(self, document: str, input: dict, who: str | None, code: str, field: str | None) -> str:
        """Posts `document` and asserts that it was refused with one userError of `code` naming
        `field` (None: no field) and that nothing changed; the error's message."""
        before = await snapshot(self.engine, *NO_TRACE_TABLES)
        payload = await self.call(document, input, who)
        errors = payload["userErrors"]
        assert [(e["code"], e["field"]) for e in errors] == [(code, None if field is None else [field])], errors
        assert [value for key, value in payload.items() if key != "userErrors"] in ([None], [None, None]), payload
        assert await snapshot(self.engine, *NO_TRACE_TABLES) == before
        return errors[0]["message"]

    async def sample_objects(self, frozen_clock: Any) -> dict[str, str]:
        """What tests/test_auth.py's samples act on, by Given kind: a PLANNED project, one whose
        PDD's public input has closed, a registered project (with its methodology and its entity
        designated in scope 3 for both functions) holding a NOTIFIED issuance for the first half
        of 2025, and another registered project, to be withdrawn (a withdrawal proposed of the
        first would stop its issuance request)."""
        planned = await self.planned()
        registered = await self.registered(frozen_clock)
        other = await self.with_closed_pdd(frozen_clock)
        registration = await self.run(
            "secretariat",
            propose_registration,
            project_id=other.id,
            methodology_reference=registered["methodology"],
            validator_reference=registered["tpe"],
        )
        await self.decide(registration.proposal.id)
        closed = await self.with_closed_pdd(frozen_clock)
        requested = await self.requested(registered["reference"], registered["tpe"], ("2025-01-01", "2025-06-30"))
        await self.decide(requested.proposal.id)
        return {
            "PLANNED_PROJECT": to_global_id("Project", planned.id),
            "PDD_CLOSED_PROJECT": to_global_id("Project", closed.id),
            "PROJECT_METHODOLOGY": registered["methodology"],
            "PROJECT_TPE": registered["tpe"],
            "OTHER_REGISTERED_PROJECT": to_global_id("Project", other.id),
            "REGISTERED_REFERENCE": registered["reference"],
            "NOTIFIED_ISSUANCE": to_global_id("CreditIssuance", requested.issuance.id),
        }

    async def project(self, reference: str, who: str | None = "secretariat") -> dict | None:
        token = await self.token(who) if who else None
        return (await self.gql(PROJECT, {"reference": reference}, token=token))["project"]

    async def issuance(self, id: str, who: str | None = "secretariat") -> dict | None:
        token = await self.token(who) if who else None
        return (await self.gql(ISSUANCE_NODE, {"id": id}, token=token))["node"]


METHODOLOGY_OF = "query ($id: ID!) { node(id: $id) { ... on Methodology { reference } } }"
DESIGNATION_OF = "query ($id: ID!) { node(id: $id) { ... on TpeDesignation { reference } } }"
