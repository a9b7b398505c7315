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
    # Largest estimated cost of one operation (api/cost.py): each field counts 1 times the sizes
    # of the lists around it. A page of 100 decisions with their fields costs about 1,600.
    max_query_cost: int = Field(default=50_000, ge=1)
    # PostgreSQL: the server cancels any statement of the API running longer (ms); 0 = no limit.
    # Migrations and the CLI run without it.
    statement_timeout_ms: int = Field(default=5_000, ge=0)
    # Longest a GraphQL query may run (seconds); 0 = no limit. Mutations run to their end.
    request_timeout_s: float = Field(default=10, ge=0)


@lru_cache
def get_settings() -> Settings:
    return Settings()
