"""One check of every string a GraphQL operation carries, before anything runs.

A lone UTF-16 surrogate (JSON's "\\ud800" decodes to one) is not a character: encoding it for the
database fails in the driver. PostgreSQL text cannot hold NUL. Either would surface as a masked
internal error from whichever resolver first put the value into SQL, read arguments included
(references, codes, filters, cursors), so they are refused here, once, for every argument and
variable alike: a GraphQL error whose `extensions.field` names the argument (`["decisions", "filter",
"search"]`) or the variable (`["$input", "title"]`). The operation does not run, so nothing is written.
"""

from collections.abc import Iterator
from typing import Any

from graphql import DocumentNode, GraphQLError, StringValueNode, Visitor, visit
from strawberry.types import ExecutionContext

from api.memo import ByIdentity
from models.validation import unstorable


def _error(kind: str, path: list[str], problem: str, node: Any = None) -> GraphQLError:
    return GraphQLError(
        f"{kind} {'.'.join(path)} {problem}.", nodes=node, extensions={"code": "INVALID_INPUT", "field": path}
    )


def variable_errors(value: Any, path: list[str]) -> Iterator[GraphQLError]:
    """Errors for every unstorable string in a variable's value (JSON: at most 32 levels deep)."""
    if isinstance(value, str):
        if problem := unstorable(value):
            yield _error("Variable", path, problem)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from variable_errors(key, path)
            yield from variable_errors(item, [*path, key])
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from variable_errors(item, [*path, str(index)])


class _Literals(Visitor):
    """Collects unstorable string literals with the path of names that leads to each."""

    def __init__(self) -> None:
        super().__init__()
        self.path: list[str] = []
        self.errors: list[GraphQLError] = []

    def _enter(self, name: str) -> None:
        self.path.append(name)

    def _leave(self, *_: Any) -> None:
        self.path.pop()

    def enter_field(self, node: Any, *_: Any) -> None:
        self._enter(node.name.value)

    def enter_argument(self, node: Any, *_: Any) -> None:
        self._enter(node.name.value)

    def enter_object_field(self, node: Any, *_: Any) -> None:
        self._enter(node.name.value)

    def enter_directive(self, node: Any, *_: Any) -> None:
        self._enter("@" + node.name.value)

    def enter_variable_definition(self, node: Any, *_: Any) -> None:
        self._enter("$" + node.variable.name.value)

    leave_field = leave_argument = leave_object_field = leave_directive = leave_variable_definition = _leave

    def enter_string_value(self, node: StringValueNode, *_: Any) -> None:
        if problem := unstorable(node.value):
            self.errors.append(_error("Argument", list(self.path), problem, node))


def refuse_unstorable_text(context: ExecutionContext) -> None:
    """After validation (api/extension.py): adds its errors to the validation errors, and an
    operation with any is answered with them instead of running."""
    errors = [
        error for name, value in (context.variables or {}).items() for error in variable_errors(value, ["$" + name])
    ]
    if context.graphql_document is not None:
        errors += literal_errors(context.graphql_document)
    if errors:
        context.pre_execution_errors = [*(context.pre_execution_errors or []), *errors]


_LITERALS: ByIdentity[list[GraphQLError]] = ByIdentity(512)  # as many documents as the parser cache keeps


def literal_errors(document: DocumentNode) -> list[GraphQLError]:
    """The errors of the document's string literals, found once per document (walking a document
    costs 50-70 µs)."""

    def walked() -> list[GraphQLError]:
        literals = _Literals()
        visit(document, literals)
        return literals.errors

    return _LITERALS.get((document,), walked)
