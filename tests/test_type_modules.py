"""The GraphQL type modules stay a local change: no import cycles, no imports inside functions,
and every kind of proposal subject has a type registered for it."""

import ast
from pathlib import Path

from api.schema import schema_sdl
from api.types import rows
from models.subjects import SubjectType

TYPES = Path(__file__).parent.parent / "api" / "types"


def runtime_imports(path: Path) -> tuple[set[str], list[int]]:
    """The api.types modules `path` imports when run (not under `if TYPE_CHECKING:`), and the lines
    of imports inside functions."""
    imported: set[str] = set()
    inside_functions: list[int] = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                continue
            if isinstance(child, ast.Import | ast.ImportFrom):
                if in_function:
                    inside_functions.append(child.lineno)
                names = [a.name for a in child.names] if isinstance(child, ast.Import) else [child.module or ""]
                imported.update(name.removeprefix("api.types.") for name in names if name.startswith("api.types."))
            visit(child, in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef))

    visit(ast.parse(path.read_text()), False)
    return imported, inside_functions


def test_type_modules_import_no_cycle_and_nothing_inside_functions():
    graph = {}
    for path in sorted(TYPES.glob("*.py")):
        graph[path.stem], inside_functions = runtime_imports(path)
        assert inside_functions == [], f"{path.name} imports inside functions at lines {inside_functions}"

    done: set[str] = set()

    def walk(module: str, path: tuple[str, ...]) -> None:
        assert module not in path, f"import cycle: {' -> '.join((*path, module))}"
        if module in done:
            return
        for imported in graph.get(module, ()):
            walk(imported, (*path, module))
        done.add(module)

    for module in graph:
        walk(module, ())


def test_every_subject_type_has_a_registered_graphql_type():
    schema_sdl()  # imports every type module
    assert rows.subject_kinds() == set(SubjectType)


def test_test_modules_import_only_from_tests_support():
    """A test module that imports another test module runs that module's tests' imports and fixtures
    in its own namespace and breaks when the other is renamed: what tests share lives in tests/support/."""
    tests = Path(__file__).resolve().parent
    offenders = []
    for path in sorted(tests.glob("test_*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            names += [alias.name for alias in node.names] if isinstance(node, ast.Import) else []
            offenders += [f"{path.name} imports {name}" for name in names if name.startswith("tests.test_")]
    assert offenders == []
