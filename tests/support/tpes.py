"""GraphQL documents and the driver of the third-party-entity tests: entities registered and
designations proposed and decided through the resolvers, actions over HTTP."""

from datetime import date

from api.ids import to_global_id
from models.enums import AccreditationBasis, DecisionMode, Position, Role
from models.principal import Principal
from resolvers.positions import give_position
from resolvers.proposals import circulate_proposal, submit_proposal
from resolvers.tpes import propose_designation, register_entity
from tests.support.documents import CONSENT, OBJECT, WITHDRAW
from tests.support.workflow import Workflow, pk

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


class TpeSteps(Workflow):
    """The workflow driver with entities and designations; deadlines relative to the (movable) clock."""

    async def register(self, name: str = "Example Verification Ltd.", **input) -> str:
        """An entity registered by the secretariat (`input` as in RegisterEntityInput); its global id."""
        expires = input.pop("accreditationExpiresOn", None)
        entity = await self.run(
            "secretariat",
            register_entity,
            name=name,
            accreditation=AccreditationBasis(input.pop("accreditation", "ISO_14065")),
            country_code=input.pop("countryCode", None),
            accreditation_body=input.pop("accreditationBody", None),
            accreditation_expires_on=date.fromisoformat(expires) if expires else None,
        )
        assert not input, input
        return to_global_id("ThirdPartyEntity", entity.id)

    async def entity(self, name: str, country: str | None = None, accreditation: str = "ISO_14065", **input) -> str:
        return await self.register(
            name, accreditation=accreditation, **({"countryCode": country} if country else {}), **input
        )

    async def proposed(
        self, entity_id: str, validation: list[int] = (), verification: list[int] = (), committee: str = "VN"
    ) -> tuple[int, int]:
        """A designation proposed by the secretariat: the designation's and the proposal's primary keys."""
        proposed = await self.run(
            "secretariat",
            propose_designation,
            committee_code=committee,
            entity_id=pk(entity_id),
            validation_scopes=list(validation),
            verification_scopes=list(verification),
        )
        return proposed.designation.id, proposed.proposal.id

    async def propose(
        self,
        entity_id: str,
        validation: list[int] = (),
        verification: list[int] = (),
        committee: str = "VN",
        who: str = "secretariat",
    ) -> dict:
        """The proposeTpeDesignation payload over HTTP (with the designation's id); fails on userErrors."""
        input = {
            "committeeCode": committee,
            "entityId": entity_id,
            "validationScopes": list(validation),
            "verificationScopes": list(verification),
        }
        return await self.ok(DESIGNATE_ID, input, who)

    async def circulate_now(self, proposal_id: str) -> None:
        """Submitted and circulated for 14 days from today."""
        await self.submit(pk(proposal_id))
        await self.circulate(pk(proposal_id), days=14)

    async def approve(self, proposal_id: str, committee: str = "VN") -> dict:
        """Submitted, circulated and consented to by both sides today; the deciding payload (over HTTP)."""
        await self.circulate_now(proposal_id)
        await self.position(pk(proposal_id), "japan")
        return await self.ok(CONSENT, {"id": proposal_id}, committee)

    async def decide_in(self, committee: str, proposal_id: str) -> dict:
        """Submitted, circulated until 31 December and consented to by both sides; the deciding payload
        (over HTTP)."""
        await self.submit(pk(proposal_id))
        await self.circulate(pk(proposal_id), "2026-12-31")
        await self.position(pk(proposal_id), "japan")
        return await self.ok(CONSENT, {"id": proposal_id}, committee)

    async def object_to(self, proposal_id: str) -> dict:
        await self.circulate_now(proposal_id)
        return await self.ok(OBJECT, {"id": proposal_id, "statement": "Competence not shown."}, "japan")

    async def withdraw_proposal(self, proposal_id: str) -> dict:
        return await self.ok(WITHDRAW, {"id": proposal_id, "reason": "Proposed in error."}, "secretariat")

    async def designated(
        self, entity_id: str, validation: list[int], verification: list[int], committee: str = "VN"
    ) -> dict:
        """Proposed (over HTTP) and decided with a deadline of 31 December; the proposeTpeDesignation payload."""
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

    async def designate(
        self, entity_id: str, validation: list[int] = (), verification: list[int] = (), committee: str = "VN"
    ) -> dict:
        """Proposed and approved today; the designation as read back by its id."""
        designation, proposal = await self.proposed(entity_id, validation, verification, committee)
        await self.submit(proposal)
        await self.circulate(proposal, days=14)
        await self.position(proposal, "japan")
        await self.position(proposal, committee)
        return (await self.gql(DESIGNATION_NODE, {"id": to_global_id("TpeDesignation", designation)}))["node"]

    async def tpe(self, reference: str) -> dict:
        return (await self.gql(TPE, {"reference": reference}))["tpe"]


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
