"""How `jcm serve` logs: every record, the service's and uvicorn's, one line each, rendered by
structlog as JSON (`JCM_LOG_FORMAT=json`, the default: what log collectors parse) or as
`key='value'` text (`JCM_LOG_FORMAT=text`). Values are escaped by the renderer (JSON strings, or
Python reprs), so nothing a client sends can start a line of its own.

The code keeps logging through the standard `logging` module (cheap when a level is off, and what
pytest's caplog sees); structlog's processors only render (`StructuredFormatter`). Each record gets the
current request id when written during a request, so an error's traceback and the request's
line can be joined. uvicorn's access log is switched off: `api.request_log` writes one richer
line per request instead.
"""

import json
import logging
from typing import Any, Literal

import structlog
from asgi_correlation_id import correlation_id
from structlog.typing import EventDict, Processor

LogFormat = Literal["json", "text"]
# What every LogRecord has: the rest are the `extra` fields a call passed (the request line's).
_STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime", "taskName"}
# uvicorn's records carry a colored copy of their message; the plain one is enough.
_DROPPED = frozenset({"color_message"})


# One encoder, made once (json.dumps with options makes one per call); what JSON cannot hold is
# written as its repr, as structlog's own fallback does.
_ENCODER = json.JSONEncoder(default=repr)


def _json(event: Any, **_options: Any) -> str:
    return _ENCODER.encode(event)


class StructuredFormatter(logging.Formatter):
    """Renders a record with structlog's processors: the record's time, level, logger and message,
    its `extra` fields, the current request id, and its exception's traceback.

    structlog's own `ProcessorFormatter` does the same through a copy of every record and a
    generic chain; this one builds the event dict once from the record, which keeps a request
    line's cost to a few microseconds (one per request is written).
    """

    def __init__(self, log_format: LogFormat = "json"):
        super().__init__()
        self.timestamper = structlog.processors.TimeStamper(fmt="iso", utc=True, key="timestamp")
        self.render: Processor = (
            structlog.processors.JSONRenderer(serializer=_json)
            if log_format == "json"
            else structlog.processors.KeyValueRenderer(key_order=["timestamp", "level", "logger", "event"])
        )

    def format(self, record: logging.LogRecord) -> str:
        event: EventDict = {
            "timestamp": None,
            "level": record.levelname.lower(),
            "logger": record.name,
            "event": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and key not in _DROPPED:
                event[key] = value
        if "request_id" not in event and (current := correlation_id.get()):
            event["request_id"] = current
        if record.exc_info:
            event["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            event["exception"] = record.exc_text
        event = self.timestamper(None, "", event)
        return str(self.render(None, "", event))


def formatter(log_format: LogFormat = "json") -> logging.Formatter:
    """The formatter of every handler (referred to by name in `log_config`).

    Built in each serving process, whose records it alone renders: none shows a thread's or a
    process's name, so records stop looking them up (a third of a record's making).
    """
    logging.logThreads = logging.logProcesses = logging.logMultiprocessing = False
    return StructuredFormatter(log_format)


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
