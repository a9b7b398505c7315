"""GraphQL documents and a driver for the third-party-entity tests."""

from datetime import date, timedelta

from models import clock
from models.enums import DecisionMode, Position, Role
from models.principal import Principal
from resolvers.positions import give_position
from resolvers.proposals import circulate_proposal, submit_proposal
from tests.workflow_documents import CIRCULATE, CONSENT, OBJECT, SUBMIT, WITHDRAW, Workflow

DESIGNATION_FIELDS = """
  reference status designatedOn committee { code } entity { name }
  scopes { function scope { number } status since }
  decisions { reference kind outcome }
"""

REGISTER = """
mutation ($input: RegisterEntityInput!) {
  registerEntity(input: $input) {
    entity { id name accreditation accreditationBody accreditationExpiresOn country { code } }
    userErrors { code message field }
  }
}
"""

PAYLOAD = (
    "{ designation { %s } proposal { id kind title status } userErrors { code message field } }" % DESIGNATION_FIELDS
)

DESIGNATE = "mutation ($input: ProposeTpeDesignationInput!) { proposeTpeDesignation(input: $input) %s }" % PAYLOAD
SUSPEND = "mutation ($input: ProposeTpeActionInput!) { proposeTpeSuspension(input: $input) %s }" % PAYLOAD
WITHDRAW_TPE = "mutation ($input: ProposeTpeActionInput!) { proposeTpeWithdrawal(input: $input) %s }" % PAYLOAD
VOLUNTARY = "mutation ($input: ProposeTpeActionInput!) { recordVoluntaryWithdrawal(input: $input) %s }" % PAYLOAD

TPE = "query ($reference: String!) { tpe(reference: $reference) { %s } }" % DESIGNATION_FIELDS


class Tpes(Workflow):
    async def register(self, name: str = "Example Verification Ltd.", **input) -> str:
        payload = await self.ok(REGISTER, {"name": name, "accreditation": "ISO_14065", **input}, "secretariat")
        return payload["entity"]["id"]

    async def decide(self, proposal_id: str) -> dict:
        await self.ok(SUBMIT, {"id": proposal_id}, "secretariat")
        await self.ok(CIRCULATE, {"id": proposal_id, "mode": "ELECTRONIC", "deadline": "2026-12-31"}, "secretariat")
        await self.ok(CONSENT, {"id": proposal_id}, "japan")
        return await self.ok(CONSENT, {"id": proposal_id}, "VN")

    async def designated(
        self, entity_id: str, validation: list[int], verification: list[int], committee: str = "VN"
    ) -> dict:
        proposed = await self.ok(
            DESIGNATE,
            {
                "committeeCode": committee,
                "entityId": entity_id,
                "validationScopes": validation,
                "verificationScopes": verification,
            },
            "secretariat",
        )
        await self.decide_in(committee, proposed["proposal"]["id"])
        return proposed

    async def decide_in(self, committee: str, proposal_id: str) -> dict:
        await self.ok(SUBMIT, {"id": proposal_id}, "secretariat")
        await self.ok(CIRCULATE, {"id": proposal_id, "mode": "ELECTRONIC", "deadline": "2026-12-31"}, "secretariat")
        await self.ok(CONSENT, {"id": proposal_id}, "japan")
        return await self.ok(CONSENT, {"id": proposal_id}, committee)

    async def tpe(self, reference: str) -> dict:
        return (await self.gql(TPE, {"reference": reference}))["tpe"]


# --- added for tests/test_tpes.py and tests/test_tpe_queries.py --------------------------------

# Every table a TPE mutation may write to, to show that a refused one wrote nothing.
TPE_TABLES = (
    "third_party_entity",
    "tpe_designation",
    "designation_scope",
    "tpe_action",
    "proposal",
    "workflow_event",
    "reference_counter",
    "audit_event",
)

# The same payload with the designation's global id.
ID_PAYLOAD = (
    "{ designation { id %s } proposal { id kind title status } userErrors { code message field } }" % DESIGNATION_FIELDS
)
DESIGNATE_ID = "mutation ($input: ProposeTpeDesignationInput!) { proposeTpeDesignation(input: $input) %s }" % ID_PAYLOAD

DESIGNATION_NODE = "query ($id: ID!) { node(id: $id) { ... on TpeDesignation { id %s } } }" % DESIGNATION_FIELDS


class TpeSteps(Tpes):
    """The `Tpes` driver with deadlines relative to the (movable) clock, objection and withdrawal."""

    async def entity(self, name: str, country: str | None = None, accreditation: str = "ISO_14065", **input) -> str:
        return await self.register(
            name, accreditation=accreditation, **({"countryCode": country} if country else {}), **input
        )

    async def propose(
        self,
        entity_id: str,
        validation: list[int] = (),
        verification: list[int] = (),
        committee: str = "VN",
        who: str = "secretariat",
    ) -> dict:
        """The proposeTpeDesignation payload (with the designation's id); fails on userErrors."""
        input = {
            "committeeCode": committee,
            "entityId": entity_id,
            "validationScopes": list(validation),
            "verificationScopes": list(verification),
        }
        return await self.ok(DESIGNATE_ID, input, who)

    async def circulate_now(self, proposal_id: str) -> None:
        deadline = (clock.today() + timedelta(days=14)).isoformat()
        await self.ok(SUBMIT, {"id": proposal_id}, "secretariat")
        await self.ok(CIRCULATE, {"id": proposal_id, "mode": "ELECTRONIC", "deadline": deadline}, "secretariat")

    async def approve(self, proposal_id: str, committee: str = "VN") -> dict:
        """Submitted, circulated and consented to by both sides today; the deciding payload."""
        await self.circulate_now(proposal_id)
        await self.ok(CONSENT, {"id": proposal_id}, "japan")
        return await self.ok(CONSENT, {"id": proposal_id}, committee)

    async def object_to(self, proposal_id: str) -> dict:
        await self.circulate_now(proposal_id)
        return await self.ok(OBJECT, {"id": proposal_id, "statement": "Competence not shown."}, "japan")

    async def withdraw_proposal(self, proposal_id: str) -> dict:
        return await self.ok(WITHDRAW, {"id": proposal_id, "reason": "Proposed in error."}, "secretariat")

    async def designate(
        self, entity_id: str, validation: list[int] = (), verification: list[int] = (), committee: str = "VN"
    ) -> dict:
        """Proposed and approved today; the designation as read back by its reference."""
        proposed = await self.propose(entity_id, validation, verification, committee)
        await self.approve(proposed["proposal"]["id"], committee)
        return (await self.gql(DESIGNATION_NODE, {"id": proposed["designation"]["id"]}))["node"]


async def approve_directly(session, proposal_id: int, committee: str) -> None:
    """Submitted, circulated and consented to by both sides through the resolvers (no HTTP)."""
    secretariat = Principal(Role.SECRETARIAT, name="JCMA")
    await submit_proposal(session, secretariat, proposal_id=proposal_id)
    await circulate_proposal(
        session, secretariat, proposal_id=proposal_id, mode=DecisionMode.ELECTRONIC, deadline=date(2026, 12, 31)
    )
    await give_position(session, Principal(Role.JAPAN, name="MOEJ"), proposal_id=proposal_id, position=Position.CONSENT)
    partner = Principal(Role.PARTNER, committee, name="Authority")
    await give_position(session, partner, proposal_id=proposal_id, position=Position.CONSENT)
