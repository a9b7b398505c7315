"""Loaders of the registries: registries, accounts (all, and those the principal may see), their
balances, transfers, the serial prefix of an issuance's units, and issuances whose units exist."""

from functools import cached_property

from strawberry.dataloader import DataLoader

from api.loaders.base import LoaderGroup
from models.project import CreditIssuance
from models.registry import Registry, RegistryAccount, Transfer
from resolvers import loaders as batch
from resolvers import registry_queries


class RegistryLoaders(LoaderGroup):
    @cached_property
    def registry(self) -> DataLoader[int, Registry | None]:
        return self.batch(batch.one_by, Registry, "id")

    @cached_property
    def account(self) -> DataLoader[int, RegistryAccount | None]:
        """Any account, for what is visible already: a visible transfer's counterparty, a visible block's holder."""
        return self.batch(batch.one_by, RegistryAccount, "id")

    @cached_property
    def visible_account(self) -> DataLoader[int, RegistryAccount | None]:
        """An account by id, None where it is a participant account the principal may not see."""
        return self.batch(registry_queries.visible_accounts_by_id, self.principal)

    @cached_property
    def balance(self) -> DataLoader[int, int]:
        return self.batch(registry_queries.balances, self.principal)

    @cached_property
    def visible_transfer(self) -> DataLoader[int, Transfer | None]:
        return self.batch(registry_queries.visible_transfers_by_id, self.principal)

    @cached_property
    def serial_prefix(self) -> DataLoader[int, tuple[str, int]]:
        """(project reference, issuance number) by issuance id."""
        return self.batch(registry_queries.serial_prefixes)

    @cached_property
    def issued_issuance(self) -> DataLoader[int, CreditIssuance | None]:
        """An issuance whose units exist: notified, so public."""
        return self.batch(batch.one_by, CreditIssuance, "id")
