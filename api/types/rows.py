"""Rows to GraphQL objects, in one place.

Fields return rows (or what a loader holds) and `render` turns each into the object of the type
registered for its row class. Each type registers itself with `@renders(RowClass)` in its own
module, so type modules need not import each other to render a relation: they import only this
module, and name the types of other modules lazily in annotations. A table model's registration
covers its record class too (`models.records`): reads render records, mutations' payloads render
the ORM instances they wrote, and `render` takes either. The same registration says
how the type is found by global id (`node=`, for `Query.node`) and, for what proposals are about,
which `SubjectType` it is and how a proposal's subject is loaded (`subject=`, `subject_loader=`).

This module imports no type module; every type module is imported by `api.schema` before any
field resolves.
"""

import asyncio
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from strawberry.dataloader import DataLoader
from strawberry.types.base import get_object_definition

from api.context import Info
from api.loaders import Loaders
from models.records import record_class
from models.subjects import SubjectType


class FromRow(Protocol):
    @classmethod
    def from_row(cls, row: Any) -> Any: ...


C = TypeVar("C", bound=type[FromRow])

LoaderOf = Callable[[Loaders], DataLoader[Any, Any]]
"""Picks a loader of the operation: `lambda loaders: loaders.committee`."""


@dataclass(frozen=True)
class Lookup:
    """How to fetch one object by key: the loader, and the render of its row."""

    cls: type
    loader: LoaderOf
    render: Callable[[Any], Any]

    async def load(self, info: Info, key: Any) -> Any:
        row = await self.loader(info.context.loaders).load(key)
        return None if row is None else self.render(row)


_RENDER: dict[type, Callable[[Any], Any]] = {}
_NODES: dict[str, Lookup] = {}
_SUBJECTS: dict[SubjectType, Lookup] = {}


def renders(
    row_class: type,
    *,
    node: LoaderOf | None = None,
    subject: SubjectType | None = None,
    subject_loader: LoaderOf | None = None,
) -> Callable[[C], C]:
    """Registers the decorated strawberry type (its `from_row`) as the rendering of `row_class`;
    with `node`, as the type `Query.node` finds through that loader (None where the principal
    may not see it); with `subject` and `subject_loader`, as that kind of proposal subject."""

    def register(cls: C) -> C:
        render = cls.from_row
        row_classes = [row_class, record_class(row_class)] if hasattr(row_class, "__table__") else [row_class]
        for each in row_classes:
            if each in _RENDER:
                raise TypeError(f"{each.__name__} is rendered by two types")
            _RENDER[each] = render
        name = get_object_definition(cls, strict=True).name
        if node is not None:
            _NODES[name] = Lookup(cls, node, render)
        if subject is not None:
            if subject_loader is None or subject.value != name:  # the stored value is the type's name
                raise TypeError(f"{name} is registered as subject {subject} or without subject_loader")
            _SUBJECTS[subject] = Lookup(cls, subject_loader, render)
        return cls

    return register


def render(row: Any) -> Any:
    """The GraphQL object of `row`; None for None."""
    return None if row is None else _RENDER[type(row)](row)


def render_all(rows: Iterable[Any]) -> list[Any]:
    return [_RENDER[type(row)](row) for row in rows]


async def load_node(info: Info, type_name: str, key: int) -> Any:
    """The object of a global id, None when there is no such type or object or it is hidden."""
    lookup = _NODES.get(type_name)
    return None if lookup is None else await lookup.load(info, key)


async def load_nodes(info: Info, decoded: list[tuple[str, int] | None]) -> list[Any]:
    """The objects of several global ids in their order, None for each that names no object or a
    hidden one: one `load_many` per type, so that the ids of one type cost one batch, however many."""
    wanted: dict[str, list[int]] = {}
    for each in decoded:
        if each is not None and each[0] in _NODES:
            wanted.setdefault(each[0], []).append(each[1])
    names = list(wanted)
    batches = [_NODES[name].loader(info.context.loaders).load_many(wanted[name]) for name in names]
    found: dict[tuple[str, int], Any] = {}
    for name, rows in zip(names, await asyncio.gather(*batches), strict=True):
        lookup = _NODES[name]
        for key, row in zip(wanted[name], rows, strict=True):
            found[(name, key)] = None if row is None else lookup.render(row)
    return [None if each is None else found.get(each) for each in decoded]


def node_types() -> list[type]:
    """Every type found by global id, for the schema's `types`: the implementations of `Node`."""
    return [lookup.cls for lookup in _NODES.values()]


def subject_classes() -> tuple[type, ...]:
    """The types registered as proposal subjects, in the order of `SubjectType`; raises when a
    kind has none (its type module was not imported, or does not register `subject=`)."""
    missing = [kind.value for kind in SubjectType if kind not in _SUBJECTS]
    if missing:
        raise TypeError(f"No GraphQL type registered for subject kinds {missing}: see api.types.rows.renders")
    return tuple(_SUBJECTS[kind].cls for kind in SubjectType)


def subject_kinds() -> set[SubjectType]:
    """The kinds of subject a type is registered for (all of them, once every type module is imported)."""
    return set(_SUBJECTS)


async def load_subject(info: Info, subject_type: str | None, subject_id: int | None) -> Any:
    """What a proposal is about, None for kind OTHER."""
    if subject_type is None or subject_id is None:
        return None
    return await _SUBJECTS[SubjectType(subject_type)].load(info, subject_id)
