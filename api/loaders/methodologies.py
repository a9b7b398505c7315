"""Loaders of methodologies, their scopes and versions."""

from functools import cached_property

from strawberry.dataloader import DataLoader

from api.loaders.base import LoaderGroup
from models.methodology import Methodology, MethodologyScope
from resolvers import loaders as batch


class MethodologyLoaders(LoaderGroup):
    @cached_property
    def methodology(self) -> DataLoader[int, Methodology | None]:
        """Any methodology, as the subject of a proposal already visible."""
        return self.batch(batch.one_by, Methodology, "id")

    @cached_property
    def visible_methodology(self) -> DataLoader[int, Methodology | None]:
        return self.batch(batch.one_visible, self.principal, Methodology)

    @cached_property
    def methodology_scopes(self) -> DataLoader[int, list[MethodologyScope]]:
        return self.batch(batch.grouped, MethodologyScope, "methodology_id", "scope")

    @cached_property
    def methodology_versions(self) -> DataLoader[str, list[Methodology]]:
        """Every version the principal may see, by AM reference, newest first."""
        return self.batch(batch.grouped_visible, self.principal, Methodology, "reference", "-id")
