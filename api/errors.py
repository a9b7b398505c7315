"""Errors: expected ones (GraphQL validation, domain errors raised by queries) are shown as they
are and logged at DEBUG without a traceback, since they are the client's to fix; anything else is
logged once at ERROR, with its traceback and a request id, and masked with that request id."""

import logging
from typing import Any

import strawberry
from graphql import ExecutionResult as GraphQLExecutionResult
from graphql import GraphQLError
from strawberry.types.execution import ExecutionResult as StrawberryExecutionResult

from models.db import StatementTimeout
from models.errors import DomainError

logger = logging.getLogger("jcm.api")


def is_unexpected(error: GraphQLError) -> bool:
    original = error.original_error
    return original is not None and not isinstance(original, DomainError | GraphQLError | StatementTimeout)


def _request_id(execution_context: Any) -> str:
    return getattr(getattr(execution_context, "context", None), "request_id", "unknown")


def _where(error: GraphQLError) -> str:
    return ".".join(map(str, error.path or [])) or "operation"


class Schema(strawberry.Schema):
    """strawberry's Schema, logging errors by kind: its own logs every error, expected ones
    included, at ERROR with a traceback (logger "strawberry.execution")."""

    def process_errors(self, errors: list[GraphQLError], execution_context: Any = None) -> None:
        # Called with the original errors, before `mask_operation_result` replaces them.
        for error in errors:
            if is_unexpected(error):
                logger.error(
                    "unexpected error in %s (request id %s)",
                    _where(error),
                    _request_id(execution_context),
                    exc_info=error.original_error,
                )
            else:
                logger.debug("expected error in %s: %s", _where(error), error.message)


def masked(error: GraphQLError, request_id: str) -> GraphQLError:
    """What the client is shown of an unexpected error: the request id to quote (`Schema` logged it)."""
    return GraphQLError(
        message=f"Internal error. Quote request id {request_id} when reporting it.",
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        extensions={"code": "INTERNAL_SERVER_ERROR", "requestId": request_id},
    )


def mask_unexpected_errors(result: Any, execution_context: Any) -> None:
    """Replaces the unexpected errors of a result (or of a streamed result's parts) by masked ones,
    as strawberry's MaskErrors does, the others left as they are."""
    parts = [result, *(getattr(result, "incremental", None) or ()), *(getattr(result, "completed", None) or ())]
    for part in parts:
        errors = getattr(part, "errors", None)
        if errors:
            request_id = _request_id(execution_context)
            part.errors = [masked(error, request_id) if is_unexpected(error) else error for error in errors]


def mask_operation_result(execution_context: Any) -> None:
    """At the end of an operation: its result's errors masked (an incremental result's first part)."""
    result = execution_context.result
    if isinstance(result, GraphQLExecutionResult | StrawberryExecutionResult):
        mask_unexpected_errors(result, execution_context)
    elif initial_result := getattr(result, "initial_result", None):
        mask_unexpected_errors(initial_result, execution_context)
