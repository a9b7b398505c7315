"""How `jcm serve` logs: every record, the service's and uvicorn's, one line each, rendered by
structlog as JSON (`JCM_LOG_FORMAT=json`, the default: what log collectors parse) or as
`key='value'` text (`JCM_LOG_FORMAT=text`). Values are escaped by the renderer (JSON strings, or
Python reprs), so nothing a client sends can start a line of its own.

The code keeps logging through the standard `logging` module (cheap when a level is off, and what
pytest's caplog sees); structlog's `ProcessorFormatter` only renders. Each record gets the
current request id when written during a request, so an error's traceback and the request's
line can be joined. uvicorn's access log is switched off: `api.request_log` writes one richer
line per request instead.
"""

import logging
from typing import Any, Literal

import structlog
from asgi_correlation_id import correlation_id
from structlog.typing import EventDict, Processor

LogFormat = Literal["json", "text"]
# uvicorn's records carry a colored copy of their message; the plain one is enough.
_DROPPED = ("color_message",)


def _request_id(_logger: Any, _name: str, event: EventDict) -> EventDict:
    if "request_id" not in event and (current := correlation_id.get()):
        event["request_id"] = current
    for key in _DROPPED:
        event.pop(key, None)
    return event


def _first(_logger: Any, _name: str, event: EventDict) -> EventDict:
    """When, how bad, from where and what first, then the record's fields."""
    head = {key: event.pop(key) for key in ("timestamp", "level", "logger", "event") if key in event}
    return {**head, **event}


def formatter(log_format: LogFormat = "json") -> logging.Formatter:
    """The formatter of every handler (referred to by name in `log_config`)."""
    pre_chain: list[Processor] = [
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.stdlib.ExtraAdder(),
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        _request_id,
    ]
    renderer: Processor = (
        structlog.processors.JSONRenderer()
        if log_format == "json"
        else structlog.processors.KeyValueRenderer(key_order=["timestamp", "level", "logger", "event"])
    )
    return structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=pre_chain,
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.format_exc_info,
            _first,
            renderer,
        ],
    )


def log_config(log_format: LogFormat, level: str) -> dict[str, Any]:
    """A `logging.config.dictConfig` dict, as uvicorn applies it in each worker process."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"structured": {"()": "api.logging_setup.formatter", "log_format": log_format}},
        "handlers": {
            "default": {"class": "logging.StreamHandler", "formatter": "structured", "stream": "ext://sys.stderr"}
        },
        "root": {"handlers": ["default"], "level": level.upper()},
        "loggers": {
            # uvicorn's own handlers are dropped: its records reach the root's, rendered the same way.
            name: {"handlers": [], "propagate": True}
            for name in ("uvicorn", "uvicorn.error", "uvicorn.access")
        },
    }
