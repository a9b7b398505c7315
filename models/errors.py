"""Expected failures of the domain, each with a code clients can act on."""

from enum import StrEnum


class ErrorCode(StrEnum):
    UNAUTHENTICATED = "UNAUTHENTICATED"
    FORBIDDEN = "FORBIDDEN"
    NOT_FOUND = "NOT_FOUND"
    INVALID_INPUT = "INVALID_INPUT"
    INVALID_TRANSITION = "INVALID_TRANSITION"
    STALE_VERSION = "STALE_VERSION"
    WINDOW_CLOSED = "WINDOW_CLOSED"
    BUSY = "BUSY"
    INSUFFICIENT_UNITS = "INSUFFICIENT_UNITS"


class DomainError(Exception):
    """Raised by rules and resolvers; the API turns it into a `UserError`.

    `field` is the path of the offending input field, relative to the mutation's `input`.
    """

    def __init__(self, code: ErrorCode, message: str, field: str | list[str] | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = [field] if isinstance(field, str) else field

    @property
    def extensions(self) -> dict[str, object]:
        """GraphQL error extensions, for a domain error raised by a query rather than a mutation."""
        return {"code": self.code.value} | ({"field": self.field} if self.field else {})


def invalid(field: str, message: str) -> DomainError:
    return DomainError(ErrorCode.INVALID_INPUT, message, field)


def not_found(field: str, message: str) -> DomainError:
    return DomainError(ErrorCode.NOT_FOUND, message, field)
