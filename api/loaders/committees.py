"""Loaders of committees and what hangs off them: countries, members, meetings, sectoral scopes."""

from functools import cached_property

from strawberry.dataloader import DataLoader

from api.loaders.base import LoaderGroup
from models import CommitteeMember, Country, JointCommittee, Meeting, SectoralScope
from models.enums import Side
from resolvers import loaders as batch
from resolvers.loaders import MembersKey


class CommitteeLoaders(LoaderGroup):
    @cached_property
    def country(self) -> DataLoader[int, Country | None]:
        return self.batch(batch.one_by, Country, "id")

    @cached_property
    def country_by_code(self) -> DataLoader[str, Country | None]:
        return self.batch(batch.one_by, Country, "code")

    @cached_property
    def committee(self) -> DataLoader[int, JointCommittee | None]:
        return self.batch(batch.one_by, JointCommittee, "id")

    @cached_property
    def committee_by_country(self) -> DataLoader[int, JointCommittee | None]:
        return self.batch(batch.one_by, JointCommittee, "country_id")

    @cached_property
    def member(self) -> DataLoader[int, CommitteeMember | None]:
        return self.batch(batch.one_by, CommitteeMember, "id")

    @cached_property
    def members(self) -> DataLoader[MembersKey, list[CommitteeMember]]:
        return self.batch(batch.members)

    @cached_property
    def co_chair(self) -> DataLoader[tuple[int, Side], CommitteeMember | None]:
        return self.batch(batch.co_chairs)

    @cached_property
    def meeting(self) -> DataLoader[int, Meeting | None]:
        return self.batch(batch.one_by, Meeting, "id")

    @cached_property
    def meetings(self) -> DataLoader[int, list[Meeting]]:
        """A committee's meetings by number."""
        return self.batch(batch.grouped, Meeting, "committee_id", "number")

    @cached_property
    def scope(self) -> DataLoader[int, SectoralScope | None]:
        """A sectoral scope by number."""
        return self.batch(batch.one_by, SectoralScope, "number")
