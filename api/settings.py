from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Every setting comes from an environment variable with the JCM_ prefix (JCM_DATABASE_URL ...)."""

    model_config = SettingsConfigDict(env_prefix="JCM_", frozen=True)

    database_url: str = "sqlite+aiosqlite:///jcm.db"
    database_schema: str | None = None  # PostgreSQL only: the schema holding the tables
    host: str = "127.0.0.1"
    port: int = 8000
    graphiql: bool = True
    introspection: bool = True
    log_level: str = "info"
    # Browser origins allowed to call the API (CORS) and open its WebSocket, as a JSON list:
    # '["https://jcm.example.org"]'. None by default.
    cors_origins: list[str] = []

    # Plain JSON twins of two GraphQL fields, for `jcm benchmark` only.
    benchmark_endpoints: bool = False

    max_query_depth: int = Field(default=10, ge=1)
    max_aliases: int = Field(default=30, ge=0)
    max_tokens: int = Field(default=2000, ge=1)
    max_body_bytes: int = Field(default=100_000, ge=1)
    max_page_size: int = Field(default=100, ge=1)
    # WebSocket: operations (subscriptions, queries, mutations) running at once on one socket; one
    # more is refused with a TOO_MANY_OPERATIONS error. Each message is capped by max_body_bytes.
    max_ws_operations: int = Field(default=10, ge=1)
    # WebSocket: how often (seconds) the open sockets' tokens are checked for revocation, so that a
    # socket whose token was revoked is closed (4401) that soon at the latest on every database.
    ws_token_recheck_seconds: float = Field(default=2.0, gt=0)


@lru_cache
def get_settings() -> Settings:
    return Settings()
