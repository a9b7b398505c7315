"""Render plans: what a read document asks of each type, worked out once per document.

graphql-core completes every field of every object on its own: a resolver call, a resolve info,
type checks and a completion per value (about 10 µs a field, 282 fields for a page of twenty
decisions). A plan does that work once, when the document is first seen: for each selected field
it records how the value is got (an attribute of the object, a relation batch-loaded for the whole
level, or the field's own resolver), how the value is checked and serialised, and the plan of the
objects below it. `api.compiled.execute` then renders a whole level of objects at a time.

Only what is rendered exactly as graphql-core renders it is planned: queries with objects,
lists, scalars, enums, aliases, variables, `__typename`, and fragments on concrete types. Anything
else (mutations, subscriptions, introspection, unions and interfaces as field types, directives)
has no plan, and the document runs through strawberry as before.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLEnumType,
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
    GraphQLUnionType,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
)

from api.types.relations import LOADS, Loads

DEFINITION = "strawberry-definition"  # where strawberry keeps a GraphQL field's own definition


class NotPlanned(Exception):
    """The document uses something a plan does not render: strawberry runs it."""


class Kind(Enum):
    TYPENAME = "typename"
    ATTRIBUTE = "attribute"  # a plain attribute of the object (strawberry's "basic field")
    RELATION = "relation"  # `api.types.relations.relation`: loaded for the whole level in one batch
    RESOLVER = "resolver"  # anything else: the field's resolver, called as graphql-core calls it


# How a value's list and non-null wrappers are walked, outermost first.
NON_NULL, LIST = "non_null", "list"


@dataclass(eq=False)
class FieldPlan:
    key: str  # the response key: the alias, else the name
    kind: Kind
    name: str
    python_name: str
    definition: GraphQLField | None  # None for __typename
    nodes: list[FieldNode]
    wrappers: tuple[str, ...]
    serialize: Callable[[Any], Any] | None  # for leaf types
    below: "ObjectPlan | None"  # for object types
    loads: Loads | None = None
    has_arguments: bool = False


@dataclass(eq=False)
class ObjectPlan:
    type: GraphQLObjectType
    fields: list[FieldPlan] = field(default_factory=list)


def plan_operation(
    schema: GraphQLSchema, operation: OperationDefinitionNode, fragments: dict[str, FragmentDefinitionNode]
) -> ObjectPlan:
    """The plan of a query operation; raises NotPlanned when any part of it is not covered."""
    if operation.operation is not OperationType.QUERY or operation.directives:
        raise NotPlanned("only queries without directives")
    root = schema.query_type
    assert root is not None
    return _plan_object(schema, root, [operation.selection_set], fragments, root=True)


def _plan_object(
    schema: GraphQLSchema,
    parent: GraphQLObjectType,
    selection_sets: list[SelectionSetNode],
    fragments: dict[str, FragmentDefinitionNode],
    root: bool = False,
) -> ObjectPlan:
    grouped: dict[str, list[FieldNode]] = {}
    for selection_set in selection_sets:
        _collect(schema, parent, selection_set, fragments, grouped)
    plan = ObjectPlan(parent)
    for key, nodes in grouped.items():
        plan.fields.append(_plan_field(schema, parent, key, nodes, fragments, root))
    return plan


def _collect(
    schema: GraphQLSchema,
    parent: GraphQLObjectType,
    selection_set: SelectionSetNode,
    fragments: dict[str, FragmentDefinitionNode],
    grouped: dict[str, list[FieldNode]],
) -> None:
    """The fields selected on `parent`, by response key in the order graphql-core collects them."""
    for selection in selection_set.selections:
        if selection.directives:
            raise NotPlanned("directives")
        if isinstance(selection, FieldNode):
            key = selection.alias.value if selection.alias else selection.name.value
            grouped.setdefault(key, []).append(selection)
        elif isinstance(selection, InlineFragmentNode):
            condition = selection.type_condition.name.value if selection.type_condition else None
            if _applies(schema, parent, condition):
                _collect(schema, parent, selection.selection_set, fragments, grouped)
        elif isinstance(selection, FragmentSpreadNode):
            fragment = fragments[selection.name.value]
            if _applies(schema, parent, fragment.type_condition.name.value):
                _collect(schema, parent, fragment.selection_set, fragments, grouped)
        else:
            raise NotPlanned(f"selection {type(selection).__name__}")


def _applies(schema: GraphQLSchema, parent: GraphQLObjectType, condition: str | None) -> bool:
    """Whether a fragment on `condition` applies to objects of the concrete type `parent`."""
    if condition is None or condition == parent.name:
        return True
    named = schema.get_type(condition)
    return isinstance(named, GraphQLInterfaceType | GraphQLUnionType) and schema.is_sub_type(named, parent)


def _plan_field(
    schema: GraphQLSchema,
    parent: GraphQLObjectType,
    key: str,
    nodes: list[FieldNode],
    fragments: dict[str, FragmentDefinitionNode],
    root: bool,
) -> FieldPlan:
    name = nodes[0].name.value
    if name == "__typename":
        return FieldPlan(key, Kind.TYPENAME, name, name, None, nodes, (NON_NULL,), None, None)
    if name.startswith("__"):
        raise NotPlanned("introspection")
    definition = parent.fields[name]
    wrappers, named = _unwrap(definition.type)
    serialize, below = None, None
    if isinstance(named, GraphQLScalarType | GraphQLEnumType):
        serialize = _serializer(named)
    elif isinstance(named, GraphQLObjectType):
        selection_sets = [node.selection_set for node in nodes if node.selection_set]
        below = _plan_object(schema, named, selection_sets, fragments)
    else:
        raise NotPlanned(f"abstract type {named}")
    own = definition.extensions.get(DEFINITION)
    loads = own.metadata.get(LOADS) if own is not None else None
    if root or own is None:
        kind = Kind.RESOLVER
    elif own.is_basic_field:
        kind = Kind.ATTRIBUTE
    elif loads is not None and not own.extensions:
        kind = Kind.RELATION
    else:
        kind = Kind.RESOLVER
    python_name = own.python_name if own is not None else name
    has_arguments = bool(definition.args or nodes[0].arguments)
    return FieldPlan(key, kind, name, python_name, definition, nodes, wrappers, serialize, below, loads, has_arguments)


def _unwrap(graphql_type: Any) -> tuple[tuple[str, ...], Any]:
    wrappers: list[str] = []
    while True:
        if isinstance(graphql_type, GraphQLNonNull):
            wrappers.append(NON_NULL)
        elif isinstance(graphql_type, GraphQLList):
            wrappers.append(LIST)
        else:
            return tuple(wrappers), graphql_type
        graphql_type = graphql_type.of_type


_INT_RANGE = range(-(2**31), 2**31)  # GraphQL's Int; graphql-core refuses what is outside it


def _serializer(named: GraphQLScalarType | GraphQLEnumType) -> Callable[[Any], Any]:
    """The type's own `serialize`, answering at once where its answer is known: a str for String
    and ID, an int in range for Int, a bool for Boolean (graphql-core returns those unchanged), and
    an enum value serialised before (enums serialise by a fixed table)."""
    serialize = named.serialize
    if isinstance(named, GraphQLEnumType):
        known: dict[Any, Any] = {}

        def enum(value: Any) -> Any:
            serialized = known.get(value)  # enum values are hashable; a value not serialised before is looked up
            if serialized is None:
                serialized = serialize(value)  # raises for what is no value of the enum
                if serialized is not None:
                    known[value] = serialized
            return serialized

        return enum
    if named.name in ("String", "ID"):
        return lambda value: value if type(value) is str else serialize(value)
    if named.name == "Int":
        return lambda value: value if type(value) is int and value in _INT_RANGE else serialize(value)
    if named.name == "Boolean":
        return lambda value: value if type(value) is bool else serialize(value)
    return serialize
