"""Relation fields, declared once: their type, which loader, under which key of the parent object.

`relation(...)` makes both the field's resolver (answering at once from what the loader already
holds, see `now_or_later`) and its entry in the type's prefetch plan: a page of objects looks at
the fields selected on its nodes and loads, in one batch per relation, what those fields declare.
No type keeps a separate table of what to prefetch. Fields that do more than render a loaded row
(filtering, visibility, two loads in a row) stay ordinary resolvers and are loaded on demand.
"""

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, get_origin

import strawberry
from strawberry.types.base import get_object_definition

from api.context import Info
from api.loaders import now_or_later
from api.types.rows import LoaderOf, render, render_all

LOADS = "loads"  # the key of a relation's declaration in its field's metadata


@dataclass(frozen=True)
class Loads:
    loader: LoaderOf
    key: Callable[[Any], Any]  # parent object -> key; None when there is nothing to load
    render: Callable[[Any], Any]  # what the loader holds -> the field's value


def relation(graphql_type: Any, loader: LoaderOf, key: Callable[[Any], Any], *, description: str) -> Any:
    """A field of `graphql_type` rendering what `loader` holds under `key(parent)`: a list for a
    list type, else one object (None when the key or the row is None).

    Assign it unannotated, `committee = relation(...)`, where the field belongs in the type: the
    type comes as an argument so that the field keeps its place among the resolver methods (the
    order of the fields in schema.graphql), where an annotated attribute would move before them."""
    rendering = render_all if get_origin(graphql_type) is list else render

    def resolve(root: Any, info: Info) -> Any:
        value = key(root)
        if value is None:
            return None
        return now_or_later(loader(info.context.loaders), value, rendering)

    return strawberry.field(
        resolver=resolve,
        graphql_type=graphql_type,
        description=description,
        metadata={LOADS: Loads(loader, key, rendering)},
    )


def selected_under(info: Any, *path: str) -> set[str]:
    """Names of the fields selected at `path` below the current field (through fragments):
    selected_under(info, "edges", "node") for a connection's nodes."""
    level = [child for field in info.selected_fields for child in field.selections]
    for step in (*path, None):
        names: set[str] = set()
        below: list[Any] = []
        stack = list(level)
        while stack:
            selection = stack.pop()
            children = getattr(selection, "selections", None) or []
            name = getattr(selection, "name", None)
            if not hasattr(selection, "arguments") or name is None:  # a fragment: look inside
                stack.extend(children)
                continue
            names.add(name)
            if name == step:
                below.extend(children)
        if step is None:
            return names
        level = below
    return set()


_PLANS: dict[type, dict[str, Loads]] = {}


def _plan(info: Info, cls: type) -> dict[str, Loads]:
    """GraphQL field name -> what it loads, for the relation fields of `cls`; computed once per type."""
    plan = _PLANS.get(cls)
    if plan is None:
        names = info.schema.config.name_converter
        plan = {
            names.get_graphql_name(field): field.metadata[LOADS]
            for field in get_object_definition(cls, strict=True).fields
            if LOADS in field.metadata
        }
        _PLANS[cls] = plan
    return plan


async def prefetch(info: Info, nodes: list[Any], *path: str) -> None:
    """Load, in one batch per relation, what the fields selected at `path` below the current field
    will ask of these objects (all of one type), so that their resolvers answer at once."""
    if not nodes or info.context.planned:
        return
    plan = _plan(info, type(nodes[0]))
    if not plan:  # nothing to look for in the selection
        return
    selected = selected_under(info, *path)
    loads = []
    for name, declared in plan.items():
        if name in selected:
            keys = [k for k in map(declared.key, nodes) if k is not None]
            loads.append(declared.loader(info.context.loaders).load_many(keys))
    if loads:
        await asyncio.gather(*loads)
