"""What every group of loaders shares: the operation's session and principal, and how a batch
function of `resolvers.loaders` becomes a DataLoader."""

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from strawberry.dataloader import DataLoader

from api.db import Db
from models.principal import Principal


class LoaderGroup:
    """Base of each area's loaders. A loader is a `functools.cached_property` typed
    `DataLoader[key, value]`, made on the first field that asks for it and kept for the operation."""

    def __init__(self, db: Db, principal: Principal):
        self.db = db
        self.principal = principal

    def batch(self, fn: Callable[..., Awaitable[list[Any]]], *arguments: Any) -> DataLoader[Any, Any]:
        """A loader calling `fn(session, *arguments, keys)` once per batch of keys."""
        db = self.db

        async def load(keys: Sequence[Any]) -> list[Any]:
            return await db.run(fn, *arguments, list(keys))

        return DataLoader(load_fn=load)


def now_or_later(loader: DataLoader[Any, Any], key: Any, render: Callable[[Any], Any]) -> Any:
    """The rendered value at once when the loader already holds it (a list prefetched it), else an
    awaitable of it. Resolvers that return this stay synchronous in the common case, which spares
    GraphQL execution a task per field and per row."""
    future = loader.cache_map.get(key)
    if future is not None and future.done() and not future.cancelled() and future.exception() is None:
        return render(future.result())

    async def later() -> Any:
        return render(await loader.load(key))

    return later()
