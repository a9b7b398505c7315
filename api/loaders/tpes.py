"""Loaders of third-party entities and their designations."""

from functools import cached_property

from strawberry.dataloader import DataLoader

from api.loaders.base import LoaderGroup
from models.decision import Decision
from models.subjects import SubjectType
from models.tpe import DesignationScope, ThirdPartyEntity, TpeDesignation
from resolvers import loaders as batch


class TpeLoaders(LoaderGroup):
    @cached_property
    def entity(self) -> DataLoader[int, ThirdPartyEntity | None]:
        return self.batch(batch.one_by, ThirdPartyEntity, "id")

    @cached_property
    def designation(self) -> DataLoader[int, TpeDesignation | None]:
        """Any designation, as the subject of a proposal already visible."""
        return self.batch(batch.one_by, TpeDesignation, "id")

    @cached_property
    def visible_designation(self) -> DataLoader[int, TpeDesignation | None]:
        return self.batch(batch.one_of_visible_designations, self.principal)

    @cached_property
    def designation_scopes(self) -> DataLoader[int, list[DesignationScope]]:
        return self.batch(batch.grouped, DesignationScope, "designation_id", "id")

    @cached_property
    def designation_decisions(self) -> DataLoader[int, list[Decision]]:
        """The decisions on every proposal about a designation, oldest first."""
        return self.batch(batch.decisions_about, SubjectType.TPE_DESIGNATION)

    @cached_property
    def entity_designations(self) -> DataLoader[int, list[TpeDesignation]]:
        """An entity's designations the principal may see."""
        return self.batch(batch.visible_designations_of, self.principal, "entity_id")
