"""GraphQL documents and the driver of the methodology tests."""

from tests.support.documents import CONSENT, OBJECT
from tests.support.workflow import Workflow, pk

METHODOLOGY_FIELDS = """
  proposedReference reference version status title summary proponent approvedOn
  committee { code }
  sectoralScopes { number }
  decision { reference outcome }
"""

PROPOSE = (
    """
mutation ($input: ProposeMethodologyInput!) {
  proposeMethodology(input: $input) {
    methodology { id %s }
    proposal { id kind status title summary proposerSide }
    userErrors { code message field }
  }
}
"""
    % METHODOLOGY_FIELDS
)

REVISE = (
    """
mutation ($input: ProposeMethodologyRevisionInput!) {
  proposeMethodologyRevision(input: $input) {
    methodology { id %s }
    proposal { id kind status title summary }
    userErrors { code message field }
  }
}
"""
    % METHODOLOGY_FIELDS
)

METHODOLOGY = (
    """
query ($reference: String!) {
  methodology(reference: $reference) { %s versions { version status summary } }
}
"""
    % METHODOLOGY_FIELDS
)


CYCLE_PROPOSE = """
mutation ($input: ProposeMethodologyInput!) {
  proposeMethodology(input: $input) {
    methodology { id proposedReference reference version status title proponent sectoralScopes { number name } }
    proposal { id kind status title }
    userErrors { code message field }
  }
}
"""

CYCLE_REVISE = """
mutation ($input: ProposeMethodologyRevisionInput!) {
  proposeMethodologyRevision(input: $input) {
    methodology { id proposedReference reference version status summary }
    proposal { id kind status title }
    userErrors { code message field }
  }
}
"""


def chillers(committee: str = "VN", **overrides) -> dict:
    return {
        "committeeCode": committee,
        "title": "Energy saving by high-efficiency chillers",
        "summary": "Replaces old chillers.",
        "sectoralScopes": [3],
        "proponent": "Example Engineering Co.",
    } | overrides


class Methodologies(Workflow):
    """The workflow driver with the methodology steps: proposed over HTTP (the payload is what
    tests read), then moved on through the resolvers; deciding positions over HTTP."""

    async def propose(self, committee: str = "VN", who: str = "secretariat", **overrides) -> dict:
        return await self.ok(PROPOSE, chillers(committee, **overrides), who)

    async def published(self, committee: str = "VN", **overrides) -> dict:
        """Proposed, submitted and open for public input from today."""
        proposed = await self.propose(committee, **overrides)
        id = pk(proposed["proposal"]["id"])
        await self.submit(id)
        await self.open_public_input(id)
        return proposed

    async def circulate_for_ten_days(self, proposal_id: str) -> None:
        await self.circulate(pk(proposal_id), days=10)

    async def approve(self, proposal_id: str, committee: str = "VN") -> dict:
        """Circulated and consented to by both sides today; the deciding payload (over HTTP)."""
        await self.circulate_for_ten_days(proposal_id)
        await self.position(pk(proposal_id), "japan")
        return await self.ok(CONSENT, {"id": proposal_id}, committee)

    async def object(self, proposal_id: str) -> dict:
        await self.circulate_for_ten_days(proposal_id)
        return await self.ok(
            OBJECT, {"id": proposal_id, "statement": "Reference emissions are not conservative."}, "japan"
        )

    async def read_methodology(self, reference: str, who: str | None = "secretariat") -> dict | None:
        token = await self.token(who) if who else None
        return (await self.gql(METHODOLOGY, {"reference": reference}, token=token))["methodology"]
