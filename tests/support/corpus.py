"""Query documents to run through both read paths (tests/test_compiled_reads.py): every document
written in the README and in the tests, and documents generated from the schema, with variables
filled from what a state holds."""

import ast
import json
import re
from pathlib import Path
from typing import Any

from graphql import (
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLSyntaxError,
    OperationDefinitionNode,
    OperationType,
    get_named_type,
    is_leaf_type,
    parse,
    print_ast,
    validate,
)

ROOT = Path(__file__).resolve().parent.parent.parent


def _queries(text: str, schema: GraphQLSchema) -> str | None:
    """`text` when it is a valid document whose operations are all queries."""
    if "{" not in text:
        return None
    try:
        document = parse(text)
    except GraphQLSyntaxError:
        return None
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if not operations or any(o.operation is not OperationType.QUERY for o in operations) or len(operations) > 1:
        return None
    if validate(schema, document):
        return None
    return text


def readme_documents(schema: GraphQLSchema) -> list[str]:
    """Fenced graphql blocks, JSON bodies of the curl examples, and inline code that is a document."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    candidates = re.findall(r"```graphql\n(.+?)```", text, re.S)
    for body in re.findall(r"-d '(\{.+?\})'", text):
        try:
            candidates.append(json.loads(body)["query"])
        except (ValueError, KeyError):
            pass
    for span in re.findall(r"`([^`\n]*\{[^`\n]*\})`", text):  # inline: a document, or a root field's selection
        candidates += [span, "{ " + span + " }"]
    return sorted({doc for doc in candidates if _queries(doc, schema)})


def documents_in_tests(schema: GraphQLSchema) -> list[str]:
    """Every string literal in the tests that is a valid query document."""
    found: set[str] = set()
    for path in sorted((ROOT / "tests").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and _queries(node.value, schema):
                found.add(node.value)
    return sorted(found)


def generated_documents(schema: GraphQLSchema, values: dict[str, Any], depth: int = 4) -> list[str]:
    """One document per root query field: every field below it that takes no arguments it cannot
    be given, down to `depth` levels of objects, not entering a type twice on one path, nor
    unions and interfaces (which the compiled path leaves to graphql-core anyway)."""
    query = schema.query_type
    assert query is not None
    documents = []
    for name, field in query.fields.items():
        arguments = _arguments(field.args, values, name)
        if arguments is None:
            continue
        selection = _selection(get_named_type(field.type), values, depth, (query.name,))
        if selection is None:
            continue
        documents.append(f"query Generated{name[0].upper()}{name[1:]} {{ {name}{arguments} {selection} }}")
    return documents


def _selection(named: Any, values: dict[str, Any], depth: int, path: tuple[str, ...]) -> str | None:
    if is_leaf_type(named):
        return ""
    if not isinstance(named, GraphQLObjectType) or depth == 0 or named.name in path:
        return None
    parts = []
    for name, field in named.fields.items():
        arguments = _arguments(field.args, values)
        if arguments is None:
            continue
        below = _selection(get_named_type(field.type), values, depth - 1, (*path, named.name))
        if below is None:
            continue
        parts.append(f"{name}{arguments} {below}".strip())
    return "{ " + " ".join(parts) + " }" if parts else None


def _arguments(arguments: dict[str, Any], values: dict[str, Any], field: str = "") -> str | None:
    """Literal arguments: required ones from `values` ("field.argument", else "argument"; None when
    one is missing), and `first: 3`."""
    given = []
    for name, argument in arguments.items():
        value = values.get(f"{field}.{name}", values.get(name))
        if value is not None and isinstance(argument.type, GraphQLNonNull):
            given.append(f"{name}: {json.dumps(value)}")
        elif name == "first":
            given.append("first: 3")
        elif isinstance(argument.type, GraphQLNonNull):
            return None
    return f"({', '.join(given)})" if given else ""


def variables_for(document: str, values: dict[str, Any]) -> dict[str, Any]:
    """Values for the document's variables: by name from `values`, else a plain value of the type."""
    operation = next(d for d in parse(document).definitions if isinstance(d, OperationDefinitionNode))
    variables: dict[str, Any] = {}
    for definition in operation.variable_definitions or ():
        name = definition.variable.name.value
        if name in values:
            variables[name] = values[name]
        elif name == "first":
            variables[name] = 3
        elif type(definition.type).__name__ == "NonNullTypeNode":
            variables[name] = _plain(print_ast(definition.type).rstrip("!"), values)
    return variables


def _plain(type_name: str, values: dict[str, Any]) -> Any:
    return {"String": "VN", "ID": values.get("id", "x"), "Int": 3, "Boolean": True, "Date": "2026-12-01"}.get(
        type_name.strip("[]!")
    )
