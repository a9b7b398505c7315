"""GraphQL documents and the driver of the rules-and-guidelines tests."""

from tests.support.documents import CONSENT
from tests.support.workflow import Workflow, pk

PROPOSE = """
mutation ($input: ProposeRuleVersionInput!) {
  proposeRuleVersion(input: $input) {
    ruleVersion { id version code status effectiveOn uri sha256 document { type title formName } }
    proposal { id kind title status subject { __typename ... on RuleVersion { code } } }
    userErrors { code message field }
  }
}
"""

RULES = """
query ($code: String!) {
  committee(code: $code) {
    rules { type title inForce { version code status effectiveOn } versions { version status } }
  }
}
"""


class Rules(Workflow):
    """The workflow driver with rule versions: proposed over HTTP (the payload is what tests read),
    moved on through the resolvers, decided by a consent over HTTP."""

    async def propose(self, who: str = "secretariat", **input) -> dict:
        return await self.call(PROPOSE, {"committeeCode": "VN", **input}, who)

    async def to_consideration(self, proposal_id: str) -> None:
        """Submitted and circulated until 31 December."""
        await self.submit(pk(proposal_id))
        await self.circulate(pk(proposal_id), "2026-12-31")

    async def adopt(self, **input) -> dict:
        """Proposed, circulated and consented to by both sides; the deciding payload (over HTTP)."""
        proposed = await self.propose(**input)
        assert proposed["userErrors"] == [], proposed["userErrors"]
        proposal_id = proposed["proposal"]["id"]
        await self.to_consideration(proposal_id)
        await self.position(pk(proposal_id), "japan")
        return await self.ok(CONSENT, {"id": proposal_id}, "VN")

    async def document(self, type: str, who: str | None = "secretariat") -> dict:
        token = await self.token(who) if who else None
        rules = (await self.gql(RULES, {"code": "VN"}, token=token))["committee"]["rules"]
        return next(rule for rule in rules if rule["type"] == type)
