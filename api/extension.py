"""The schema's one extension: every per-operation step of the API, in one documented order.

strawberry runs each extension's hooks per operation through generic machinery (a context manager
per hook and extension, entered and left for every parse, validation and execution), so eight
small extensions cost eight times that on every request. This one calls the same steps, each a
small function in the module of its concern, in the order the eight ran in:

on_operation, before: the token limit (a parse option) and the validation rules of the settings;
    after: unexpected errors masked (api/errors.py), then the session closed (its connection back
    to the pool). Neither runs when the operation raised, as before.
on_parse: the document from the shared parse cache (strawberry's ParserCache), parsed with the
    token limit.
on_validate: a document too large once expanded validated by the refusal rule alone
    (api/limits.py); the validation from the shared cache (strawberry's ValidationCache); then
    unstorable text added to its errors (api/storable_text.py).
on_execute: a query's session told it only reads (api/db.py); the cost refused over the limit; a
    query's running time bounded (api/limits.py).
"""

from collections.abc import AsyncIterator, Callable, Iterator

from graphql import ASTValidationRule, DocumentNode, GraphQLError, GraphQLSchema, ValidationRule
from strawberry.extensions import ParserCache, SchemaExtension, ValidationCache
from strawberry.types import ExecutionContext
from strawberry.types.execution import StreamExecutionResult
from strawberry.types.graphql import OperationType

from api.errors import logger, mask_operation_result, mask_unexpected_errors
from api.limits import refuse_costly_operation, refuse_oversized_document, time_limit
from api.settings import Settings
from api.storable_text import refuse_unstorable_text

Parse = Callable[..., DocumentNode]
Validate = Callable[[GraphQLSchema, DocumentNode, tuple[type[ASTValidationRule], ...]], list[GraphQLError]]


class Steps:
    """What the extension needs, built once per schema: the caches are strawberry's own (shared
    per size across schemas), and the rules the same classes on every request, so that the
    validation cache hits."""

    def __init__(self, settings: Settings, rules: list[type[ASTValidationRule]], refusal: type[ValidationRule]):
        self.settings = settings
        self.rules = tuple(rules)
        self.refusal = refusal
        self.parse: Parse = ParserCache().cached_parse_document
        self.validate: Validate = ValidationCache().cached_validate_document


class OperationSteps(SchemaExtension):
    def __init__(self, steps: Steps):
        self.steps = steps
        self._stream_result_processed = False

    async def on_operation(self) -> AsyncIterator[None]:
        context = self.execution_context
        context.parse_options["max_tokens"] = self.steps.settings.max_tokens
        context.validation_rules = context.validation_rules + self.steps.rules
        yield
        if not self._stream_result_processed:
            mask_operation_result(context)
        await close_session(context)

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        context.graphql_document = self.steps.parse(context.query, **context.parse_options)
        yield

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        refuse_oversized_document(context, self.steps.settings.max_query_cost, self.steps.refusal)
        assert context.graphql_document is not None
        context.pre_execution_errors = self.steps.validate(
            context.schema._schema, context.graphql_document, context.validation_rules
        )
        refuse_unstorable_text(context)
        yield

    async def on_execute(self) -> AsyncIterator[None]:
        context = self.execution_context
        if context.operation_type is OperationType.QUERY:
            context.context.db.reads_only()
        refuse_costly_operation(context, self.steps.settings)
        async with time_limit(context, self.steps.settings):
            yield

    def on_stream_result(self, result: StreamExecutionResult) -> Iterator[None]:
        """A streamed result's errors are masked before it reaches the client (as MaskErrors does)."""
        self._stream_result_processed = True
        mask_unexpected_errors(result, self.execution_context)
        yield None


async def close_session(context: ExecutionContext) -> None:
    """Returns the operation's database connection to the pool when the operation ends."""
    try:
        await context.context.db.close()
    except Exception:
        # The result stands; a connection that broke (a field failed mid-query and its
        # siblings were cancelled) is discarded by the pool.
        logger.warning("closing the operation's session failed", exc_info=True)
