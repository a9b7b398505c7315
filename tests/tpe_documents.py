"""GraphQL documents and a driver for the third-party-entity tests."""

from tests.workflow_documents import CIRCULATE, CONSENT, SUBMIT, Workflow

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

PAYLOAD = "{ designation { %s } proposal { id kind title status } userErrors { code message field } }" % DESIGNATION_FIELDS

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

    async def designated(self, entity_id: str, validation: list[int], verification: list[int], committee: str = "VN") -> dict:
        proposed = await self.ok(
            DESIGNATE,
            {"committeeCode": committee, "entityId": entity_id, "validationScopes": validation, "verificationScopes": verification},
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
