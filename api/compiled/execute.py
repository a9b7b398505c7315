"""The compiled read path: graphql-core's executor, rendering planned documents a level at a time.

strawberry hands execution to graphql-core through an executor class; `CompiledReads` is that class.
For a query document with a plan (`api.compiled.plan`, made once per document) it renders the
answer itself: the root fields through their own resolvers (with the resolve info graphql-core
would give them), then each level of objects at once: attributes read directly, relations loaded
in one batch per relation and level, other fields through their resolvers, every value checked
and serialised as graphql-core does.

Errors stay strawberry's: the first exception of any kind, or a null where the schema promises a
value, abandons the compiled answer and the operation runs again through graphql-core, which then
reports it with its path, masking and logging exactly as before (a read has no effects, so running
it again changes nothing). Parsing, validation, limits and the other schema extensions run around
this executor as around graphql-core's.
"""

import asyncio
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from inspect import isawaitable
from typing import Any, cast

from graphql import GraphQLObjectType, Undefined, get_argument_values
from graphql.pyutils import Path
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from api.compiled.plan import NON_NULL, FieldPlan, Kind, NotPlanned, ObjectPlan, plan_operation
from api.context import Context
from api.memo import ByIdentity

PLANS_KEPT = 512  # documents; one plan is a few kilobytes


class Unrenderable(Exception):
    """A value graphql-core would report as an error: the operation runs through it instead."""


@dataclass
class Counts:
    """How often each path answered (tests assert the compiled path is the one that ran)."""

    compiled: int = 0
    fallen_back: int = 0  # planned, but an error or a null made graphql-core answer
    unplanned: int = 0


COUNTS = Counts()

# Plans by operation (and schema: tests build several), made once per parsed document.
_PLANS: ByIdentity[ObjectPlan | None] = ByIdentity(PLANS_KEPT)


class CompiledReads(StrawberryGraphQLCoreExecutionContext):
    def execute_operation(self, serially: bool | None = None) -> Any:
        plan = self._plan()
        if plan is None:
            COUNTS.unplanned += 1
            return super().execute_operation(serially)
        return self._render(plan, serially)

    def _plan(self) -> ObjectPlan | None:
        if self.middleware_manager is not None and self.middleware_manager.middlewares:
            return None  # field middleware would wrap every resolver: graphql-core's job
        return _PLANS.get((self.operation, self.schema), self._make_plan)

    def _make_plan(self) -> ObjectPlan | None:
        try:
            fragments = {name: details.definition for name, details in self.fragments.items()}
            return plan_operation(self.schema, self.operation, fragments)
        except NotPlanned:
            return None

    async def _render(self, plan: ObjectPlan, serially: bool | None) -> Any:
        context = self.context_value
        planned = isinstance(context, Context)
        try:
            if planned:
                context.planned = True
            data = await _Render(self).root(plan)
        except Exception:
            COUNTS.fallen_back += 1
            if planned:
                context.planned = False
                # graphql-core starts afresh: no loader keeps what the abandoned answer half-loaded,
                # and a session whose statement failed (PostgreSQL aborts its transaction) is closed.
                context.forget_loaded()
                await context.db.close()
            result = super().execute_operation(serially)
            return await result if isawaitable(result) else result
        finally:
            if planned:
                context.planned = False  # a socket's context serves its later operations too
        COUNTS.compiled += 1
        return self.finish(self.build_response(data))


_SLOT = object()  # where an object's rendering goes back into a value's lists


class _Render:
    def __init__(self, executor: CompiledReads):
        self.executor = executor
        self.context = executor.context_value

    async def root(self, plan: ObjectPlan) -> dict[str, Any]:
        return (await self.level(plan, [self.executor.root_value]))[0]

    async def level(self, plan: ObjectPlan, objects: list[Any]) -> list[dict[str, Any]]:
        """The answers of `objects`, all of `plan.type`: each field for all of them at once.

        The fields that load run concurrently, as graphql-core runs them, so that loads of one
        loader from several fields and subtrees meet in the same batch (the same statements)."""
        is_type_of = plan.type.is_type_of
        if is_type_of is not None:
            for item in objects:
                if not is_type_of(item, cast(Any, None)):  # strawberry's own check reads no info
                    raise Unrenderable(f"{item!r} is not a {plan.type.name}")
        columns: list[Any] = [None] * len(plan.fields)
        pending: dict[int, Awaitable[list[Any]]] = {}
        for at, field in enumerate(plan.fields):
            if field.kind is Kind.TYPENAME:
                columns[at] = [plan.type.name] * len(objects)
            elif field.kind is Kind.ATTRIBUTE:
                name = field.python_name
                values = [getattr(item, name) for item in objects]
                if field.serialize is not None:
                    columns[at] = _leaves(field, values)
                else:
                    pending[at] = self.complete(field, values)
            elif field.kind is Kind.RELATION:
                pending[at] = self.related(field, objects)
            else:
                pending[at] = self.resolved(field, plan.type, objects)
        if len(pending) == 1:
            [(at, awaitable)] = pending.items()
            columns[at] = await awaitable
        elif pending:
            for at, column in zip(pending, await _all(pending.values()), strict=True):
                columns[at] = column
        keys = [field.key for field in plan.fields]
        return [dict(zip(keys, row, strict=True)) for row in zip(*columns, strict=True)]

    async def related(self, field: FieldPlan, objects: list[Any]) -> list[Any]:
        loads = field.loads
        assert loads is not None
        keys = [loads.key(item) for item in objects]
        wanted = list(dict.fromkeys(key for key in keys if key is not None))
        if not wanted:
            return await self.complete(field, [None] * len(objects))
        rows = await loads.loader(self.context.loaders).load_many(wanted)
        found = dict(zip(wanted, rows, strict=True))
        render = loads.render
        return await self.complete(field, [None if key is None else render(found[key]) for key in keys])

    async def resolved(self, field: FieldPlan, parent: GraphQLObjectType, objects: list[Any]) -> list[Any]:
        executor = self.executor
        assert field.definition is not None
        arguments = (
            get_argument_values(field.definition, field.nodes[0], executor.variable_values)
            if field.has_arguments
            else {}
        )
        # No resolver of ours reads `info.path`; one info serves the level.
        info = executor.build_resolve_info(field.definition, field.nodes, parent, Path(None, field.key, parent.name))
        resolve = field.definition.resolve
        assert resolve is not None
        values = [resolve(item, info, **arguments) for item in objects]
        pending = [index for index, value in enumerate(values) if isawaitable(value)]
        if len(pending) == 1:  # a root field, or one object: no task for it
            values[pending[0]] = await values[pending[0]]
        elif pending:
            for index, result in zip(pending, await _all(values[index] for index in pending), strict=True):
                values[index] = result
        return await self.complete(field, values)

    async def complete(self, field: FieldPlan, values: list[Any]) -> list[Any]:
        if field.serialize is not None:
            return _leaves(field, values)
        assert field.below is not None
        found: list[Any] = []
        shaped = [_shape(value, field.wrappers, 0, found) for value in values]
        if not found:
            return shaped
        rendered = iter(await self.level(field.below, found))
        return [_fill(value, rendered) for value in shaped]


async def _all(awaitables: Iterable[Awaitable[Any]]) -> list[Any]:
    """Their results, once every one has run to its end (nothing is left running against the
    operation's session when graphql-core takes over); the first failure is raised then."""
    results = await asyncio.gather(*awaitables, return_exceptions=True)
    for result in results:
        if isinstance(result, BaseException):
            raise result
    return results


def _leaves(field: FieldPlan, values: list[Any]) -> list[Any]:
    """Scalar or enum values serialised; the two common shapes (`T!` and `T`) without the walk."""
    serialize = field.serialize
    assert serialize is not None

    def serialized(item: Any) -> Any:
        out = serialize(item)
        if out is None or out is Undefined:
            raise Unrenderable(f"{item!r} does not serialise")
        return out

    if field.wrappers == (NON_NULL,):
        if any(value is None for value in values):
            raise Unrenderable("null where the schema promises a value")
        return [serialized(value) for value in values]
    if not field.wrappers:
        return [None if value is None else serialized(value) for value in values]
    return [_walk(value, field.wrappers, 0, serialized) for value in values]


def _shape(value: Any, wrappers: tuple[str, ...], at: int, found: list[Any]) -> Any:
    """The value with each object replaced by a slot, the objects appended to `found` in order."""

    def slot(item: Any) -> Any:
        found.append(item)
        return _SLOT

    return _walk(value, wrappers, at, slot)


def _walk(value: Any, wrappers: tuple[str, ...], at: int, innermost: Callable[[Any], Any]) -> Any:
    """The value through its list and non-null wrappers (checked as graphql-core checks them), with
    `innermost` applied to each value inside them."""
    if at < len(wrappers) and wrappers[at] == NON_NULL:
        if value is None:
            raise Unrenderable("null where the schema promises a value")
        at += 1
    elif value is None:
        return None
    if at < len(wrappers):  # a list
        if not isinstance(value, list | tuple):
            raise Unrenderable("not a list")
        return [_walk(item, wrappers, at + 1, innermost) for item in value]
    return innermost(value)


def _fill(shaped: Any, rendered: Any) -> Any:
    if shaped is _SLOT:
        return next(rendered)
    if isinstance(shaped, list):
        return [_fill(item, rendered) for item in shaped]
    return shaped
