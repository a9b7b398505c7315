"""GraphQL documents and steps shared by the workflow tests."""

PROPOSAL_FIELDS = """
  id status version kind title summary mode deadline dueOn overdue proposerSide
  committee { code }
  publicInput { opensOn closesOn comments { author affiliation body } }
  positions { side position statement recordedBy }
  decision { reference outcome }
  history { action actor fromStatus toStatus note }
"""

CREATE = """
mutation ($input: CreateProposalInput!) {
  createProposal(input: $input) { proposal { %s } userErrors { code message field } }
}
""" % PROPOSAL_FIELDS

SUBMIT = """
mutation ($input: ProposalRef!) {
  submitProposal(input: $input) { proposal { %s } userErrors { code message field } }
}
""" % PROPOSAL_FIELDS

RETURN = """
mutation ($input: ReasonInput!) {
  returnProposal(input: $input) { proposal { %s } userErrors { code message field } }
}
""" % PROPOSAL_FIELDS

WITHDRAW = """
mutation ($input: ReasonInput!) {
  withdrawProposal(input: $input) { proposal { %s } userErrors { code message field } }
}
""" % PROPOSAL_FIELDS

OPEN_PUBLIC_INPUT = """
mutation ($input: OpenPublicInputInput!) {
  openPublicInput(input: $input) { proposal { %s } userErrors { code message field } }
}
""" % PROPOSAL_FIELDS

COMMENT = """
mutation ($input: CommentInput!) {
  submitPublicComment(input: $input) { comment { author affiliation body } userErrors { code message field } }
}
"""

CIRCULATE = """
mutation ($input: CirculateInput!) {
  circulateProposal(input: $input) { proposal { %s } userErrors { code message field } }
}
""" % PROPOSAL_FIELDS

CONSENT = """
mutation ($input: PositionInput!) {
  giveConsent(input: $input) {
    proposal { %s }
    decision { reference outcome kind title decidedOn mode committee { code } positions { side position statement } }
    userErrors { code message field }
  }
}
""" % PROPOSAL_FIELDS

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

    async def create(self, committee: str = "VN", who: str = "secretariat", kind: str = "OTHER", title: str = "Interim special measures") -> dict:
        return (await self.ok(CREATE, {"committeeCode": committee, "kind": kind, "title": title, "summary": "Why and what."}, who))["proposal"]

    async def submitted(self, committee: str = "VN", kind: str = "OTHER", title: str = "Interim special measures") -> dict:
        proposal = await self.create(committee, kind=kind, title=title)
        return (await self.ok(SUBMIT, {"id": proposal["id"]}, "secretariat"))["proposal"]

    async def circulated(self, committee: str = "VN", deadline: str = "2026-12-10", kind: str = "OTHER", title: str = "Interim special measures") -> dict:
        proposal = await self.submitted(committee, kind=kind, title=title)
        return (await self.ok(CIRCULATE, {"id": proposal["id"], "mode": "ELECTRONIC", "deadline": deadline}, "secretariat"))["proposal"]

    async def decided(self, committee: str = "VN", title: str = "Interim special measures") -> dict:
        proposal = await self.circulated(committee, title=title)
        await self.ok(CONSENT, {"id": proposal["id"]}, "japan")
        return await self.ok(CONSENT, {"id": proposal["id"]}, committee)

    async def read(self, proposal_id: str, who: str | None = "secretariat") -> dict | None:
        token = await self.token(who) if who else None
        return (await self.gql(PROPOSAL, {"id": proposal_id}, token=token))["node"]
