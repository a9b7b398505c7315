"""The projects area's Mutation root. Projects and credits: PINs, design documents, registration,
withdrawal, issuance requests and Article 6.3 authorizations."""

import strawberry

from api.mutations.authorize_credits import authorize_credits
from api.mutations.propose_planned_project import propose_planned_project
from api.mutations.propose_registration import propose_project_withdrawal, propose_registration
from api.mutations.record_project_design_document import record_project_design_document
from api.mutations.request_issuance import request_issuance


@strawberry.type
class ProjectMutations:
    propose_planned_project = propose_planned_project
    record_project_design_document = record_project_design_document
    propose_registration = propose_registration
    propose_project_withdrawal = propose_project_withdrawal
    request_issuance = request_issuance
    authorize_credits = authorize_credits
