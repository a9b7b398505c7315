import strawberry

from api.context import Info
from api.mutations.base import mutate
from api.mutations.project_payloads import ProjectPayload, render_proposed
from resolvers import projects


@strawberry.input(description="A Project Idea Note (PIN).")
class ProposePlannedProjectInput:
    committee_code: str = strawberry.field(description="The partner's ISO code: VN.")
    title: str = strawberry.field(description="At most 300 characters.")
    participants: list[str] = strawberry.field(
        description="The project participants, at least one, each named once, at most 300 characters each."
    )
    sectoral_scopes: list[int] = strawberry.field(description="At least one, each 1 to 15.")


@strawberry.mutation(
    description="Propose a planned project: its PIN gets a VN_PIN001 reference at once, and a DRAFT PLANNED_PROJECT "
    "proposal goes to the committee. Both sides' consent makes it PLANNED; an objection, OBJECTED. "
    "The secretariat, Japan, or that committee's partner."
)
async def propose_planned_project(info: Info, input: ProposePlannedProjectInput) -> ProjectPayload:
    return await mutate(
        info,
        lambda session, principal: projects.propose_planned_project(
            session,
            principal,
            committee_code=input.committee_code,
            title=input.title,
            participants=input.participants,
            sectoral_scopes=input.sectoral_scopes,
        ),
        ProjectPayload,
        render_proposed,
    )
