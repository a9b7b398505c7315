"""Loaders of rule documents and their versions."""

from functools import cached_property

from strawberry.dataloader import DataLoader

from api.loaders.base import LoaderGroup
from models.rule import RuleDocument, RuleVersion
from resolvers import loaders as batch


class RuleLoaders(LoaderGroup):
    @cached_property
    def rule_document(self) -> DataLoader[int, RuleDocument | None]:
        return self.batch(batch.one_by, RuleDocument, "id")

    @cached_property
    def rule_documents(self) -> DataLoader[int, list[RuleDocument]]:
        """A committee's documents."""
        return self.batch(batch.grouped, RuleDocument, "committee_id", "id")

    @cached_property
    def rule_version(self) -> DataLoader[int, RuleVersion | None]:
        """Any version, as the subject of a proposal already visible."""
        return self.batch(batch.one_by, RuleVersion, "id")

    @cached_property
    def visible_rule_version(self) -> DataLoader[int, RuleVersion | None]:
        return self.batch(batch.one_visible, self.principal, RuleVersion)

    @cached_property
    def rule_versions(self) -> DataLoader[int, list[RuleVersion]]:
        """A document's versions the principal may see, newest first."""
        return self.batch(batch.grouped_visible, self.principal, RuleVersion, "document_id", "-id")
