"""The proposals area's Mutation root. The proposal workflow: draft, submit, check, public input, circulate, positions, withdraw."""

import strawberry

from api.mutations.circulate_proposal import circulate_proposal
from api.mutations.create_proposal import create_proposal
from api.mutations.open_public_input import open_public_input
from api.mutations.positions import give_consent, raise_objection
from api.mutations.return_proposal import return_proposal
from api.mutations.submit_proposal import submit_proposal
from api.mutations.submit_public_comment import submit_public_comment
from api.mutations.withdraw_proposal import withdraw_proposal


@strawberry.type
class ProposalMutations:
    create_proposal = create_proposal
    submit_proposal = submit_proposal
    return_proposal = return_proposal
    open_public_input = open_public_input
    submit_public_comment = submit_public_comment
    circulate_proposal = circulate_proposal
    give_consent = give_consent
    raise_objection = raise_objection
    withdraw_proposal = withdraw_proposal
