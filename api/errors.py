"""Errors: expected ones (GraphQL validation, domain errors raised by queries) are shown as they
are; anything else is logged and masked with a request id."""

import logging
from graphql import GraphQLError
from strawberry.extensions import MaskErrors

from models.db import StatementTimeout
from models.errors import DomainError

logger = logging.getLogger("jcm.api")


def is_unexpected(error: GraphQLError) -> bool:
    original = error.original_error
    return original is not None and not isinstance(original, DomainError | GraphQLError | StatementTimeout)


class MaskUnexpectedErrors(MaskErrors):
    """Masks unexpected exceptions, logging each with the request id the client is shown."""

    def __init__(self) -> None:
        super().__init__(should_mask_error=is_unexpected)

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        context = self.execution_context.context
        request_id = getattr(context, "request_id", "unknown")
        logger.error(
            "unexpected error in %s (request id %s)",
            ".".join(map(str, error.path or [])) or "operation",
            request_id,
            exc_info=error.original_error,
        )
        return GraphQLError(
            message=f"Internal error. Quote request id {request_id} when reporting it.",
            nodes=error.nodes,
            source=error.source,
            positions=error.positions,
            path=error.path,
            extensions={"code": "INTERNAL_SERVER_ERROR", "requestId": request_id},
        )
