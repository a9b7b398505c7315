import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Literal

from limits import parse_many
from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from pydantic_settings.exceptions import SettingsError

from models.db import POOL_SIZE
from models.signing import default_key_file


class Settings(BaseSettings):
    """Every setting comes from an environment variable with the JCM_ prefix (JCM_DATABASE_URL ...)."""

    model_config = SettingsConfigDict(env_prefix="JCM_", frozen=True)

    database_url: str = "sqlite+aiosqlite:///jcm.db"
    database_schema: str | None = None  # PostgreSQL only: the schema holding the tables
    # Database connections kept open (models/db.py POOL_SIZE); as many are opened at start-up.
    database_pool_size: int = Field(default=POOL_SIZE, ge=1)
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=0, le=65535)  # 0: any free port
    graphiql: bool = True
    introspection: bool = True
    log_level: str = "info"
    # `jcm serve` logs one line per record: JSON (for log collectors) or key='value' text
    # (api/logging_setup.py); one line per request among them (api/request_log.py).
    log_format: Literal["json", "text"] = "json"
    # Prometheus metrics at /metrics (api/metrics.py); public to whoever reaches the service, so
    # restrict the path at the reverse proxy, or switch it off.
    metrics: bool = True
    # Browser origins allowed to call the API (CORS) and open its WebSocket, as a JSON list:
    # '["https://jcm.example.org"]'. None by default.
    cors_origins: list[str] = []

    # Queries render through compiled plans (api/compiled); false runs every document through
    # graphql-core, as the differential test does to compare the two.
    compiled_reads: bool = True
    # Plain JSON twins of two GraphQL fields, for `jcm benchmark` only.
    benchmark_endpoints: bool = False
    # The public register in a browser at / (api/site: home, committees, decisions); false leaves
    # none of its routes, for a deployment that serves only the API.
    public_site: bool = True

    max_query_depth: int = Field(default=10, ge=1)
    max_aliases: int = Field(default=30, ge=0)
    max_tokens: int = Field(default=2000, ge=1)
    max_body_bytes: int = Field(default=100_000, ge=1)
    max_page_size: int = Field(default=100, ge=1)
    # Largest estimated cost of one operation (api/cost.py): each field counts 1 times the sizes
    # of the lists around it. A page of 100 decisions with their fields costs about 1,600.
    max_query_cost: int = Field(default=50_000, ge=1)
    # PostgreSQL: the server cancels any statement of the API running longer (ms); 0 = no limit.
    # Migrations and the CLI run without it.
    statement_timeout_ms: int = Field(default=5_000, ge=0)
    # Longest a GraphQL query may run (seconds); 0 = no limit. Mutations run to their end.
    request_timeout_s: float = Field(default=10, ge=0)

    # WebSocket: operations (subscriptions, queries, mutations) running at once on one socket; one
    # more is refused with a TOO_MANY_OPERATIONS error. Each message is capped by max_body_bytes.
    max_ws_operations: int = Field(default=10, ge=1)
    # WebSocket: how often (seconds) the open sockets' tokens are checked for revocation, so that a
    # socket whose token was revoked is closed (4401) that soon at the latest on every database.
    ws_token_recheck_seconds: float = Field(default=2.0, gt=0)

    # The address public links (feed entries, the feed's self link) are built on, instead of the
    # request's Host header, which a client chooses. Default: http://JCM_HOST:JCM_PORT.
    public_url: str | None = None
    # Requests allowed per token, or per client address for the public, as `limits` notation
    # ("600/minute", "10/second;600/minute"); empty switches the limit off.
    rate_limit: str = "600/minute"
    # Anonymous submitPublicComment fields allowed per client address (each comment is a write and
    # makes every public ETag stale); empty switches the limit off.
    rate_limit_public_comments: str = "5/minute;50/day"
    # Where rate-limit counters live: "memory://" counts per process; a shared store such as
    # "redis://host:6379" makes the limits hold across workers and hosts.
    rate_limit_storage: str = "memory://"
    # Bytes of anonymous GraphQL answers kept in memory and sent again until the next change
    # (api/response_cache.py); 0 switches the cache off. Counted per process.
    response_cache_bytes: int = Field(default=32 * 1024 * 1024, ge=0)

    # The Ed25519 private key that signs account certificates (PEM, mode 0600), kept out of the
    # database; its public keys live beside it in `<name>.pub.json` (models/signing.py). Default:
    # jcm-signing-key.pem in the SQLite database's folder, or the working folder for PostgreSQL.
    signing_key_file: Path | None = None

    # `jcm serve`: worker processes (`--workers` overrides it). More than one needs PostgreSQL, whose
    # NOTIFY reaches every worker; on SQLite each worker would see only its own decisions.
    workers: int = Field(default=1, ge=1)
    # Seconds a stopping server waits for open requests, streams and WebSockets to end before it
    # cancels them (uvicorn's timeout_graceful_shutdown); 0 waits for them however long they last.
    shutdown_timeout_s: int = Field(default=10, ge=0)
    # `jcm serve`: the addresses of the reverse proxies whose X-Forwarded-For / -Proto are believed
    # (comma-separated IPs or networks, `*` for any). Empty: none, so the rate limits count the
    # connecting address and nothing a client writes in a header. uvicorn alone would believe
    # 127.0.0.1, letting any local process (a TLS tunnel passing headers through) choose its address.
    forwarded_allow_ips: str = ""

    @field_validator("log_level")
    @classmethod
    def _log_level(cls, value: str) -> str:
        if value.lower() not in LOG_LEVELS:
            raise ValueError(f"must be one of {', '.join(LOG_LEVELS)}")
        return value

    @field_validator("rate_limit", "rate_limit_public_comments")
    @classmethod
    def _rate_limit(cls, value: str) -> str:
        if value.strip():
            try:  # a typo must stop the server at start, not switch the limit off
                parse_many(value)
            except ValueError:
                raise ValueError('not `limits` notation such as "600/minute" or "10/second;600/minute"') from None
        return value.strip()

    @field_validator("public_url")
    @classmethod
    def _public_url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("http://", "https://")):
            raise ValueError("JCM_PUBLIC_URL must be an absolute http:// or https:// address")
        return value

    @property
    def signing_key_path(self) -> Path:
        return self.signing_key_file or default_key_file(self.database_url)

    @property
    def base_url(self) -> str:
        """The public base URL without a trailing slash."""
        return (self.public_url or f"http://{self.host}:{self.port}").rstrip("/")


LOG_LEVELS = ("critical", "error", "warning", "info", "debug")
# Values never repeated in an error message: they may hold a password.
_SECRET_FIELDS = {"database_url", "rate_limit_storage"}


class BadSetting(Exception):
    """A JCM_* variable that cannot be used, as one line naming the variable and what is wrong:
    what `jcm` and the uvicorn factory print instead of pydantic's traceback."""


def _variable(field: str) -> str:
    return f"{Settings.model_config.get('env_prefix', '')}{field}".upper()


def describe(error: ValidationError | SettingsError) -> str:
    """One line for the operator: `JCM_PORT: Input should be ... (got '-1')`, several joined by `; `."""
    if isinstance(error, SettingsError):  # the value of a list setting is not JSON
        match = re.search(r'field "(\w+)"', str(error))
        name = _variable(match.group(1)) if match else "a JCM_* variable"
        cause = error.__cause__
        why = f"not valid JSON ({cause})" if isinstance(cause, json.JSONDecodeError) else str(cause or error)
        return f"{name}: {why}; write a JSON list, e.g. '[\"https://jcm.example.org\"]'"
    problems = []
    for item in error.errors(include_url=False):
        field, *inner = item["loc"]
        name = _variable(str(field)) + "".join(f"[{part}]" for part in inner)
        message = item["msg"].removeprefix("Value error, ")
        if field not in _SECRET_FIELDS and "input" in item and not isinstance(item["input"], dict):
            message += f" (got {item['input']!r})"
        problems.append(f"{name}: {message}")
    return "; ".join(problems)


@lru_cache
def get_settings() -> Settings:
    """The process's settings; a bad one raises BadSetting with a readable line."""
    try:
        return Settings()
    except (ValidationError, SettingsError) as error:
        raise BadSetting(describe(error)) from None
