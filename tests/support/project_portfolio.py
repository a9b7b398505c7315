"""Projects of Viet Nam and Mongolia in every stage a read tells apart, and the readers that tell
them apart: the starting state of the project read tests."""

from typing import Any

from api.ids import to_global_id
from resolvers.comments import submit_public_comment
from tests.support.projects import PROJECT, ProjectSteps
from tests.support.workflow import pk

ROLES = [None, "secretariat", "japan", "VN", "MN"]


async def a_portfolio(projects: ProjectSteps, frozen_clock: Any) -> dict[str, Any]:
    """Projects of Viet Nam and Mongolia in every stage a read tells apart:

    VN_PIN001  VN051, REGISTERED: issuance 1 NOTIFIED and authorized by both (1,000 and 800);
               issuance 2 requested, its proposal a DRAFT
    VN_PIN002  PLANNED, its PDD in public input with one comment
    VN_PIN003  PROPOSED by Viet Nam, its PIN proposal a DRAFT
    VN_PIN004  PROPOSED, its PIN proposal circulated (published) but not yet decided
    VN_PIN005  OBJECTED by Japan
    MN_PIN001  PLANNED
    MN_PIN002  PROPOSED, its PIN proposal a DRAFT
    """
    notified = await projects.notified(frozen_clock)
    first_issuance = pk(notified["issuance"])
    await projects.authorized_by("japan", first_issuance)
    await projects.authorized_by("VN", first_issuance, 800)
    draft_issuance = await projects.requested(notified["reference"], notified["tpe"], ("2026-01-01", "2026-06-30"))

    planned = await projects.planned()
    await projects.with_pdd(planned.id)
    await projects.run(
        "secretariat",
        submit_public_comment,
        project_id=planned.id,
        author="Nguyen Van A",
        body="Please publish the baseline data.",
    )
    draft_pin = await projects.pin(who="VN")
    circulated_pin = await projects.pin()
    await projects.submit(circulated_pin.proposal.id)
    await projects.circulate(circulated_pin.proposal.id)
    objected = await projects.pin()
    await projects.decide(objected.proposal.id, objection="Not additional.")
    await projects.planned("MN")
    mongolian_draft = await projects.pin("MN")

    decisions = (await projects.gql(PROJECT, {"reference": "VN051"}))["project"]["decisions"]
    return {
        "registered": notified["id"],
        "issuance": notified["issuance"],
        "draft_issuance": to_global_id("CreditIssuance", draft_issuance.issuance.id),
        "draft_issuance_proposal": to_global_id("Proposal", draft_issuance.proposal.id),
        "planned": to_global_id("Project", planned.id),
        "vn_draft": to_global_id("Project", draft_pin.project.id),
        "circulated": to_global_id("Project", circulated_pin.project.id),
        "circulated_proposal": to_global_id("Proposal", circulated_pin.proposal.id),
        "objected": to_global_id("Project", objected.project.id),
        "mn_draft": to_global_id("Project", mongolian_draft.project.id),
        "decisions": [d["reference"] for d in decisions],
    }
