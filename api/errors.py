"""Errors: expected ones (GraphQL validation, domain errors raised by queries) are shown as they
are and logged at DEBUG without a traceback, since they are the client's to fix; anything else is
logged once at ERROR, with its traceback and a request id, and masked with that request id."""

import logging
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import MaskErrors

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
        # Called with the original errors, before MaskUnexpectedErrors replaces them.
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


class MaskUnexpectedErrors(MaskErrors):
    """Masks unexpected exceptions with the request id the client is shown (`Schema` logged them)."""

    def __init__(self) -> None:
        super().__init__(should_mask_error=is_unexpected)

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        request_id = _request_id(self.execution_context)
        return GraphQLError(
            message=f"Internal error. Quote request id {request_id} when reporting it.",
            nodes=error.nodes,
            source=error.source,
            positions=error.positions,
            path=error.path,
            extensions={"code": "INTERNAL_SERVER_ERROR", "requestId": request_id},
        )
