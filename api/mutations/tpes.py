"""The tpes area's Mutation root. Third-party entities: registration, and designations, suspensions and withdrawals."""

import strawberry

from api.mutations.register_entity import register_entity
from api.mutations.tpe_designation import (
    propose_tpe_designation,
    propose_tpe_suspension,
    propose_tpe_withdrawal,
    record_voluntary_withdrawal,
)


@strawberry.type
class TpeMutations:
    register_entity = register_entity
    propose_tpe_designation = propose_tpe_designation
    propose_tpe_suspension = propose_tpe_suspension
    propose_tpe_withdrawal = propose_tpe_withdrawal
    record_voluntary_withdrawal = record_voluntary_withdrawal
