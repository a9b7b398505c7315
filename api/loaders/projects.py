"""Loaders of projects, their scopes, comments and decisions, and of credit issuances with their
allocations and authorizations."""

from functools import cached_property

from strawberry.dataloader import DataLoader

from api.loaders.base import LoaderGroup
from models.decision import Decision
from models.project import CreditAllocation, CreditAuthorization, CreditIssuance, Project, ProjectScope
from resolvers import loaders as batch
from resolvers import project_queries


class ProjectLoaders(LoaderGroup):
    @cached_property
    def visible_project(self) -> DataLoader[int, Project | None]:
        """A project by id, None where the principal may not see it (also as a proposal's subject:
        the public sees a project only from its PIN decision on)."""
        return self.batch(project_queries.visible_projects_by_id, self.principal)

    @cached_property
    def project(self) -> DataLoader[int, Project | None]:
        """Any project, for what is visible already: a visible issuance's project."""
        return self.batch(batch.one_by, Project, "id")

    @cached_property
    def project_scopes(self) -> DataLoader[int, list[ProjectScope]]:
        return self.batch(batch.grouped, ProjectScope, "project_id", "scope")

    @cached_property
    def project_decisions(self) -> DataLoader[int, list[Decision]]:
        return self.batch(project_queries.project_decisions)

    @cached_property
    def project_issuances(self) -> DataLoader[int, list[CreditIssuance]]:
        """A project's issuance requests the principal may see, in the order requested."""
        return self.batch(project_queries.visible_issuances_by, self.principal, "project_id")

    @cached_property
    def visible_issuance(self) -> DataLoader[int, CreditIssuance | None]:
        return self.batch(project_queries.one_visible_issuance, self.principal)

    @cached_property
    def allocations(self) -> DataLoader[int, list[CreditAllocation]]:
        return self.batch(batch.grouped, CreditAllocation, "issuance_id", "id")

    @cached_property
    def authorizations(self) -> DataLoader[int, list[CreditAuthorization]]:
        return self.batch(batch.grouped, CreditAuthorization, "issuance_id", "id")
