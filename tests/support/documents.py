"""GraphQL documents of the proposal workflow, shared by the tests."""

import models

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

# A query and a mutation in one document: each request picks one by operationName.
TWO_OPERATIONS = """
query Who { viewer { role } }
mutation Meet { scheduleMeeting(input: {committeeCode: "VN", heldOn: "2026-12-15"}) { meeting { number } } }
"""

PROPOSAL = "query ($id: ID!) { node(id: $id) { ... on Proposal { %s } } }" % PROPOSAL_FIELDS


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
