"""What the service logged, as the tests of its logs and metrics read it."""

import logging
import re

import pytest

from api.logging_setup import formatter

FIELDS = (
    "request_id",
    "method",
    "path",
    "status",
    "duration_ms",
    "statements",
    "operation_name",
    "operation_type",
    "role",
)


def request_lines(caplog: pytest.LogCaptureFixture) -> list[dict[str, object]]:
    """The fields of every request line ("jcm.request"), with the level it was written at."""
    return [
        {"level": record.levelname, **{name: getattr(record, name) for name in FIELDS}}
        for record in caplog.records
        if record.name == "jcm.request"
    ]


def rendered(record: logging.LogRecord, log_format: str = "json") -> str:
    """The record as `jcm serve` writes it (api/logging_setup.py)."""
    return formatter(log_format).format(record)  # type: ignore[arg-type]


def metric(text: str, name: str, **labels: str) -> float | None:
    """The value of one sample in a /metrics answer (None when absent)."""
    wanted = ",".join(f'{key}="{value}"' for key, value in sorted(labels.items()))
    pattern = "^" + re.escape(name) + (r"\{" + re.escape(wanted) + r"\}" if labels else "") + r" (\S+)$"
    match = re.search(pattern, text, re.MULTILINE)
    return float(match.group(1)) if match else None
