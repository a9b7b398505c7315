"""The one source of "now" for every rule, so tests can move time instead of sleeping."""

from collections.abc import Callable
from datetime import UTC, date, datetime

_now: Callable[[], datetime] = lambda: datetime.now(UTC)  # noqa: E731


def now() -> datetime:
    return _now()


def today() -> date:
    return _now().date()


def set_clock(provider: Callable[[], datetime] | None) -> None:
    """Replace the clock (tests); None restores the system clock."""
    global _now
    _now = provider or (lambda: datetime.now(UTC))
