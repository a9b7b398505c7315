"""What a GraphQL operation would cost, estimated from its document before anything runs.

Depth, alias and token limits do not bound the work of one request: ten aliases of
`committees { decisions(first: 100) { ... proposal { history } } }` stay within all three and
still ask for millions of objects. The estimate is an upper bound of the objects and values the
answer may hold:

- every field costs 1, times the product of the sizes of the lists that enclose it;
- a field with a `first` argument is a page of that many items (the literal, the variable's value,
  the variable's default, or the argument's default, capped at the largest page a list serves);
  one given `last` instead is a page of `last` items.
  The lists directly inside the page (`edges`, or `SearchResults.decisions`) are that page, not
  another multiplication;
- any other list counts its known or typical size (below), else the largest page size;
- fragments and inline fragments are expanded, each spread counted where it is used, and aliases
  count separately;
- introspection (`__schema`, `__type`) is free: it is bounded by the schema, not by the data,
  and `JCM_INTROSPECTION=false` turns it off; `__typename` costs 1 like any field.

The estimate needs the variables, so it runs per request (after validation, which is cached per
document) rather than as a validation rule.
"""

from collections.abc import Mapping
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLField,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
    get_named_type,
    get_nullable_type,
    is_list_type,
)
from graphql.pyutils import Undefined

# Lists without `first` whose length is known or small by the nature of the domain: counting
# them at the largest page size would make `countries { name }` or a proposal's history look as
# costly as a page of 100 decisions. Sizes are generous typical maxima, not hard bounds (the
# request time limit and the statement timeout catch what an estimate misses). "*" is any type.
KNOWN_SIZES: dict[tuple[str, str], int] = {
    ("Query", "countries"): 31,  # Japan and the 30 partner countries
    ("Query", "committees"): 30,  # one joint committee per partner
    ("Query", "sectoralScopes"): 15,
    ("Methodology", "sectoralScopes"): 15,
    ("TpeDesignation", "scopes"): 15,
    ("JointCommittee", "rules"): 10,  # one document per kind of rule
    ("RuleDocument", "versions"): 10,
    ("Methodology", "versions"): 10,
    ("JointCommittee", "members"): 20,
    ("JointCommittee", "meetings"): 20,
    ("Meeting", "decisions"): 20,
    ("Proposal", "history"): 20,  # a workflow's steps, a few more when circulated again
    ("TpeDesignation", "decisions"): 10,
    ("ThirdPartyEntity", "designations"): 30,  # at most one standing designation per committee
    ("Project", "sectoralScopes"): 15,
    ("Project", "participants"): 50,  # resolvers/projects.py PARTICIPANTS_MAX
    ("Project", "decisions"): 20,  # PIN, registration, one per issuance, withdrawal
    ("Project", "issuances"): 20,  # one per monitoring period
    ("CreditIssuance", "allocations"): 3,  # one per holder
    ("CreditIssuance", "authorizations"): 2,  # one per government
    ("Authorization", "usePurposes"): 2,
    ("Transfer", "serialRanges"): 5,  # one range, a few when the units came from several blocks
    ("*", "positions"): 2,  # one per side
    ("*", "userErrors"): 5,
}

INTROSPECTION = frozenset({"__schema", "__type"})


def select_operation(document: DocumentNode, operation_name: str | None) -> OperationDefinitionNode | None:
    """The operation that will run: the named one, or the only one; None if graphql-core will refuse."""
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if operation_name is None:
        return operations[0] if len(operations) == 1 else None
    return next((o for o in operations if o.name and o.name.value == operation_name), None)


def operation_cost(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation_name: str | None,
    variables: Mapping[str, Any] | None,
    max_page_size: int,
) -> int:
    """The estimated cost of the operation that `operation_name` selects (0 if none is selected)."""
    operation = select_operation(document, operation_name)
    if operation is None:
        return 0
    root = schema.get_root_type(operation.operation)
    if root is None:
        return 0
    return _Estimate(schema, document, operation, variables or {}, max_page_size).cost(operation.selection_set, root)


def expanded_size(document: DocumentNode) -> int:
    """Fields in the whole document once its fragments are expanded: a lower bound of any of its
    operations' cost, counted in linear time.

    Checked before validation: strawberry's depth and alias limits expand every fragment spread
    anew, so ~40 fragments each spreading the next twice would keep them busy for hours.
    """
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    sizes: dict[str, int] = {}

    def size(selection_set: SelectionSetNode | None, expanding: frozenset[str]) -> int:
        total = 0
        for selection in selection_set.selections if selection_set else ():
            if isinstance(selection, FieldNode):
                total += 1 + size(selection.selection_set, expanding)
            elif isinstance(selection, InlineFragmentNode):
                total += size(selection.selection_set, expanding)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                if name not in sizes and name in fragments and name not in expanding:
                    sizes[name] = size(fragments[name].selection_set, expanding | {name})
                total += sizes.get(name, 0)
        return total

    return sum(
        size(d.selection_set, frozenset()) for d in document.definitions if isinstance(d, OperationDefinitionNode)
    )


class _Estimate:
    def __init__(
        self,
        schema: GraphQLSchema,
        document: DocumentNode,
        operation: OperationDefinitionNode,
        variables: Mapping[str, Any],
        max_page_size: int,
    ):
        self.schema, self.max_page_size = schema, max_page_size
        self.fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
        defaults = {
            v.variable.name.value: int(v.default_value.value)
            for v in operation.variable_definitions or ()
            if isinstance(v.default_value, IntValueNode)
        }
        self.variables = {**defaults, **variables}
        # A fragment's cost per use, so that fragments spreading fragments twice over cost
        # linear time to estimate, not exponential.
        self._fragment_costs: dict[tuple[str, bool], int] = {}
        self._expanding: set[str] = set()

    def cost(self, selection_set: SelectionSetNode, parent: Any, paged: bool = False) -> int:
        """Cost of one item's selection; `paged` when the item is a page, its lists being the page."""
        total = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                total += self._field(selection, parent, paged)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                on = self.schema.get_type(condition.name.value) if condition else parent
                total += self.cost(selection.selection_set, on, paged)
            elif isinstance(selection, FragmentSpreadNode):
                total += self._fragment(selection.name.value, paged)
        return total

    def _field(self, node: FieldNode, parent: Any, paged: bool) -> int:
        name = node.name.value
        if name in INTROSPECTION:
            return 0
        fields = getattr(parent, "fields", None) or {}
        definition: GraphQLField | None = fields.get(name)
        if node.selection_set is None or definition is None:
            return 1
        size, page = self._size(parent.name, name, definition, node, paged)
        return 1 + size * self.cost(node.selection_set, get_named_type(definition.type), page)

    def _size(self, parent: str, name: str, definition: GraphQLField, node: FieldNode, paged: bool) -> tuple[int, bool]:
        """How many items the field holds, and whether its items' lists are the page it is."""
        is_list = is_list_type(get_nullable_type(definition.type))
        if "first" in definition.args:
            return self._first(definition, node), not is_list
        if not is_list or paged:
            return 1, False
        return KNOWN_SIZES.get((parent, name)) or KNOWN_SIZES.get(("*", name)) or self.max_page_size, False

    def _first(self, definition: GraphQLField, node: FieldNode) -> int:
        value = self._argument(definition, node, "first")
        if "last" in definition.args:
            last = self._argument(definition, node, "last")
            if last is not None and last is not Undefined:  # a backward page of `last` (never with `first`)
                value = last
        if value is Undefined or value is None or not isinstance(value, int) or isinstance(value, bool):
            return self.max_page_size
        # A larger page is refused by the list itself, with an error naming `first` (or `last`).
        return min(max(value, 1), self.max_page_size)

    def _argument(self, definition: GraphQLField, node: FieldNode, name: str) -> Any:
        """The argument's literal, its variable's value or default, else the argument's default."""
        value: Any = definition.args[name].default_value
        for argument in node.arguments or ():
            if argument.name.value != name:
                continue
            if isinstance(argument.value, IntValueNode):
                value = int(argument.value.value)
            elif isinstance(argument.value, VariableNode):
                value = self.variables.get(argument.value.name.value, value)
        return value

    def _fragment(self, name: str, paged: bool) -> int:
        key = (name, paged)
        if key in self._fragment_costs:
            return self._fragment_costs[key]
        fragment = self.fragments.get(name)
        if fragment is None or name in self._expanding:
            return 0  # unknown or cyclic: validation refuses both before this runs
        self._expanding.add(name)
        try:
            on = self.schema.get_type(fragment.type_condition.name.value)
            cost = self.cost(fragment.selection_set, on, paged)
        finally:
            self._expanding.discard(name)
        self._fragment_costs[key] = cost
        return cost
