"""Loaders of proposals and their decisions, positions, comments and history."""

from functools import cached_property

from strawberry.dataloader import DataLoader

from api.loaders.base import LoaderGroup
from models.decision import Decision
from models.proposal import Proposal, PublicComment, SidePosition, WorkflowEvent
from resolvers import comment_queries
from resolvers import loaders as batch


class ProposalLoaders(LoaderGroup):
    @cached_property
    def proposal(self) -> DataLoader[int, Proposal | None]:
        """Any proposal, for what is public anyway: a decision's proposal, a subject's proposal."""
        return self.batch(batch.one_by, Proposal, "id")

    @cached_property
    def visible_proposal(self) -> DataLoader[int, Proposal | None]:
        """A proposal by id, None where the principal may not see it."""
        return self.batch(batch.visible_proposals_by_id, self.principal)

    @cached_property
    def decision(self) -> DataLoader[int, Decision | None]:
        return self.batch(batch.one_by, Decision, "id")

    @cached_property
    def decision_of_proposal(self) -> DataLoader[int, Decision | None]:
        return self.batch(batch.one_by, Decision, "proposal_id")

    @cached_property
    def meeting_decisions(self) -> DataLoader[int, list[Decision]]:
        return self.batch(batch.grouped, Decision, "meeting_id", "id")

    @cached_property
    def positions(self) -> DataLoader[tuple[int, int], list[SidePosition]]:
        """Positions per (proposal, round)."""
        return self.batch(batch.positions)

    @cached_property
    def window_comments(self) -> DataLoader[tuple[int | None, int | None], list[PublicComment]]:
        """Comments per public-input window: (proposal id, None) or (None, project id)."""
        return self.batch(batch.window_comments)

    @cached_property
    def visible_comment(self) -> DataLoader[int, PublicComment | None]:
        """A comment by id, None where the principal sees neither its proposal nor its project."""
        return self.batch(comment_queries.visible_comments_by_id, self.principal)

    @cached_property
    def history(self) -> DataLoader[int, list[WorkflowEvent]]:
        return self.batch(batch.grouped, WorkflowEvent, "proposal_id", "id")
