"""Per-operation DataLoaders over the batch functions of `resolvers.loaders`."""

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from strawberry.dataloader import DataLoader

from api.context import Db
from models import CommitteeMember, Country, JointCommittee, Meeting
from resolvers import loaders as batch


def _loader(db: Db, fn: Callable[..., Awaitable[list[Any]]], *args: Any) -> DataLoader[Any, Any]:
    async def load(keys: Sequence[Any]) -> list[Any]:
        return await db.run(fn, *args, list(keys))

    return DataLoader(load_fn=load)


class Loaders:
    def __init__(self, db: Db):
        self.country = _loader(db, batch.by_id, Country)
        self.committee = _loader(db, batch.by_id, JointCommittee)
        self.member = _loader(db, batch.by_id, CommitteeMember)
        self.meeting = _loader(db, batch.by_id, Meeting)
        self.committee_by_country = _loader(db, batch.committee_by_country)
        self.members = _loader(db, batch.members)
        self.co_chair = _loader(db, batch.co_chairs)
        self.meetings = _loader(db, batch.meetings)
