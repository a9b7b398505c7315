"""GraphQL documents and steps shared by the workflow tests."""

from datetime import timedelta

import models
from models import clock

# Every table a workflow step may write to, to show that a refused step wrote nothing. The counter
# of decision references is `decision_counter`, or `reference_counter` where it counts several
# sequences.
COUNTER_TABLE = next(name for name in ("reference_counter", "decision_counter") if name in models.metadata.tables)
WORKFLOW_TABLES = (
    "proposal",
    "workflow_event",
    "side_position",
    "decision",
    COUNTER_TABLE,
    "public_comment",
    "audit_event",
)

PROPOSAL_FIELDS = """
  id status version kind title summary mode deadline dueOn overdue proposerSide
  committee { code }
  publicInput { opensOn closesOn comments { author affiliation body } }
  positions { side position statement recordedBy }
  decision { reference outcome }
  history { action actor fromStatus toStatus note }
"""

CREATE = (
    """
mutation ($input: CreateProposalInput!) {
  createProposal(input: $input) { proposal { %s } userErrors { code message field } }
}
"""
    % PROPOSAL_FIELDS
)

SUBMIT = (
    """
mutation ($input: ProposalRef!) {
  submitProposal(input: $input) { proposal { %s } userErrors { code message field } }
}
"""
    % PROPOSAL_FIELDS
)

RETURN = (
    """
mutation ($input: ReasonInput!) {
  returnProposal(input: $input) { proposal { %s } userErrors { code message field } }
}
"""
    % PROPOSAL_FIELDS
)

WITHDRAW = (
    """
mutation ($input: ReasonInput!) {
  withdrawProposal(input: $input) { proposal { %s } userErrors { code message field } }
}
"""
    % PROPOSAL_FIELDS
)

OPEN_PUBLIC_INPUT = (
    """
mutation ($input: OpenPublicInputInput!) {
  openPublicInput(input: $input) { proposal { %s } userErrors { code message field } }
}
"""
    % PROPOSAL_FIELDS
)

COMMENT = """
mutation ($input: CommentInput!) {
  submitPublicComment(input: $input) { comment { author affiliation body } userErrors { code message field } }
}
"""

CIRCULATE = (
    """
mutation ($input: CirculateInput!) {
  circulateProposal(input: $input) { proposal { %s } userErrors { code message field } }
}
"""
    % PROPOSAL_FIELDS
)

CONSENT = (
    """
mutation ($input: PositionInput!) {
  giveConsent(input: $input) {
    proposal { %s }
    decision { reference outcome kind title decidedOn mode committee { code } positions { side position statement } }
    userErrors { code message field }
  }
}
"""
    % PROPOSAL_FIELDS
)

OBJECT = CONSENT.replace("giveConsent", "raiseObjection")

SCHEDULE = """
mutation ($input: ScheduleMeetingInput!) {
  scheduleMeeting(input: $input) { meeting { id number heldOn } userErrors { code message field } }
}
"""

PROPOSAL = "query ($id: ID!) { node(id: $id) { ... on Proposal { %s } } }" % PROPOSAL_FIELDS


class Workflow:
    """Drives proposals through GraphQL as the secretariat and the two sides would."""

    def __init__(self, gql, tokens):
        self.gql, self.tokens = gql, tokens
        self._tokens: dict[str, str] = {}

    async def token(self, who: str) -> str:
        if who not in self._tokens:
            if who == "secretariat":
                self._tokens[who] = await self.tokens.secretariat()
            elif who == "japan":
                self._tokens[who] = await self.tokens.japan()
            else:
                self._tokens[who] = await self.tokens.partner(who)
        return self._tokens[who]

    async def call(self, document: str, input: dict, who: str | None) -> dict:
        token = await self.token(who) if who else None
        data = await self.gql(document, {"input": input}, token=token)
        return next(iter(data.values()))

    async def ok(self, document: str, input: dict, who: str | None) -> dict:
        payload = await self.call(document, input, who)
        assert payload["userErrors"] == [], payload["userErrors"]
        return payload

    async def create(
        self,
        committee: str = "VN",
        who: str = "secretariat",
        kind: str = "OTHER",
        title: str = "Interim special measures",
        summary: str = "Why and what.",
    ) -> dict:
        return (
            await self.ok(CREATE, {"committeeCode": committee, "kind": kind, "title": title, "summary": summary}, who)
        )["proposal"]

    async def submitted(
        self, committee: str = "VN", kind: str = "OTHER", title: str = "Interim special measures"
    ) -> dict:
        proposal = await self.create(committee, kind=kind, title=title)
        return (await self.ok(SUBMIT, {"id": proposal["id"]}, "secretariat"))["proposal"]

    async def circulated(
        self,
        committee: str = "VN",
        deadline: str = "2026-12-10",
        kind: str = "OTHER",
        title: str = "Interim special measures",
    ) -> dict:
        proposal = await self.submitted(committee, kind=kind, title=title)
        return (
            await self.ok(CIRCULATE, {"id": proposal["id"], "mode": "ELECTRONIC", "deadline": deadline}, "secretariat")
        )["proposal"]

    async def decided(self, committee: str = "VN", title: str = "Interim special measures") -> dict:
        proposal = await self.circulated(committee, title=title)
        await self.ok(CONSENT, {"id": proposal["id"]}, "japan")
        return await self.ok(CONSENT, {"id": proposal["id"]}, committee)

    async def read(self, proposal_id: str, who: str | None = "secretariat") -> dict | None:
        token = await self.token(who) if who else None
        return (await self.gql(PROPOSAL, {"id": proposal_id}, token=token))["node"]

    # --- added for the transition, rule and visibility tests ------------------------------------

    async def in_status(
        self,
        status: str,
        committee: str = "VN",
        proposer: str = "secretariat",
        kind: str = "OTHER",
        title: str = "Interim special measures",
        frozen_clock=None,
    ) -> dict:
        """A proposal created by `proposer` and moved by the secretariat and both sides into `status`.

        LAPSED needs `frozen_clock`: the item is circulated with tomorrow as its deadline and the
        clock is then moved two days on (the caller's clock stays there).
        """
        proposal = await self.create(committee, who=proposer, kind=kind, title=title)
        ref = {"id": proposal["id"]}
        deadline = (clock.today() + timedelta(days=1 if status == "LAPSED" else 12)).isoformat()
        submit = (SUBMIT, {}, "secretariat")
        circulate = (CIRCULATE, {"mode": "ELECTRONIC", "deadline": deadline}, "secretariat")
        steps = {
            "DRAFT": [],
            "SUBMITTED": [submit],
            "RETURNED": [submit, (RETURN, {"reason": "Annex missing."}, "secretariat")],
            "PUBLIC_INPUT": [submit, (OPEN_PUBLIC_INPUT, {}, "secretariat")],
            "UNDER_CONSIDERATION": [submit, circulate],
            "APPROVED": [submit, circulate, (CONSENT, {}, "japan"), (CONSENT, {}, committee)],
            "NOT_APPROVED": [submit, circulate, (OBJECT, {"statement": "Not additional."}, "japan")],
            "WITHDRAWN": [(WITHDRAW, {"reason": "Superseded."}, "secretariat")],
            "LAPSED": [submit, circulate],
        }[status]
        for document, extra, who in steps:
            await self.ok(document, ref | extra, who)
        if status == "LAPSED":
            assert frozen_clock is not None, "LAPSED moves the clock: pass frozen_clock"
            frozen_clock.set(frozen_clock.at + timedelta(days=2))
        read = await self.read(proposal["id"])
        assert read["status"] == status, read
        return read

    async def decide(
        self,
        committee: str = "VN",
        *,
        kind: str = "OTHER",
        title: str = "Interim special measures",
        summary: str = "Why and what.",
        outcome: str = "APPROVED",
    ) -> dict:
        """A proposal created, circulated and decided today; the payload of the deciding position."""
        proposal = await self.create(committee, kind=kind, title=title, summary=summary)
        await self.ok(SUBMIT, {"id": proposal["id"]}, "secretariat")
        deadline = (clock.today() + timedelta(days=14)).isoformat()
        await self.ok(CIRCULATE, {"id": proposal["id"], "mode": "ELECTRONIC", "deadline": deadline}, "secretariat")
        if outcome == "NOT_APPROVED":
            return await self.ok(OBJECT, {"id": proposal["id"], "statement": "Not additional."}, "japan")
        await self.ok(CONSENT, {"id": proposal["id"]}, "japan")
        return await self.ok(CONSENT, {"id": proposal["id"]}, committee)

    async def meeting(self, committee: str = "VN", held_on: str = "2026-12-15") -> dict:
        return (
            await self.ok(SCHEDULE, {"committeeCode": committee, "heldOn": held_on, "venue": "Online"}, "secretariat")
        )["meeting"]


PROPOSALS = """
query ($first: Int, $after: String, $committeeCode: String, $status: [ProposalStatus!]) {
  proposals(first: $first, after: $after, committeeCode: $committeeCode, status: $status) {
    totalCount
    edges { node { title status } }
  }
}
"""

COMMITTEE_PROPOSALS = """
query ($code: String!, $status: [ProposalStatus!]) {
  committee(code: $code) { proposals(status: $status) { totalCount edges { node { title status } } } }
}
"""

DECISIONS = """
query ($first: Int, $after: String, $filter: DecisionFilter) {
  decisions(first: $first, after: $after, filter: $filter) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { reference } }
  }
}
"""

DECISION = """
query ($reference: String!) {
  decision(reference: $reference) {
    reference outcome kind title decidedOn mode committee { code } meeting { number heldOn }
    positions { side position statement }
    proposal { title status }
  }
}
"""

AUDIT_TRAIL = """
query ($id: ID!) {
  auditTrail(subjectId: $id) { at actor actorRole action subjectType subjectId hash previousHash }
}
"""
