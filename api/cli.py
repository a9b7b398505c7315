"""`jcm`: run, migrate and seed the service, manage tokens and signing keys, export the schema, verify the audit trail and certificates, reconcile the registry, back up and restore.

Every command reads the same JCM_* settings. Results go to stdout, messages to stderr, so that
`TOKEN=$(jcm token create ...)` captures only the token.
"""

import argparse
import asyncio
import logging
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar

from sqlmodel.ext.asyncio.session import AsyncSession

from api.cli_ops import add_commands, positive, serve_workers
from api.settings import BadSetting, Settings, get_settings
from models.db import create_engine, new_session
from models.enums import Role
from models.errors import DomainError

T = TypeVar("T")


def _say(message: str) -> None:
    print(message, file=sys.stderr)


def _with_session(settings: Settings, fn: Callable[[AsyncSession], Awaitable[T]]) -> T:
    async def run() -> T:
        engine = create_engine(settings.database_url, settings.database_schema)
        try:
            async with new_session(engine) as session:
                return await fn(session)
        finally:
            await engine.dispose()

    return asyncio.run(run())


def migrate(settings: Settings) -> None:
    from models.migrations import upgrade

    upgrade(settings.database_url, settings.database_schema)
    _say("database migrated to the latest revision")


def seed(settings: Settings) -> None:
    from seed.loader import load

    _say(str(_with_session(settings, load)))


def ensure_signing_key(settings: Settings) -> None:
    """The first start creates the key that signs certificates; later starts keep it."""
    from models.signing import KeyFileError, ensure_key_ring

    path = settings.signing_key_path
    try:
        ring, created = ensure_key_ring(path)
    except KeyFileError as error:
        _say(f"error: {error}")
        raise SystemExit(1) from None
    _say(f"signing key {ring.current_id} {'created in' if created else 'read from'} {path}")


def cmd_serve(settings: Settings, args: argparse.Namespace) -> None:
    import uvicorn

    from api.logging_setup import log_config

    workers = serve_workers(settings, args.workers)  # refused before anything starts
    ensure_signing_key(settings)
    migrate(settings)
    seed(settings)
    host, port = args.host or settings.host, args.port or settings.port
    _say(f"serving GraphQL on http://{host}:{port}/graphql")
    uvicorn.run(
        "api.app:asgi_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        timeout_graceful_shutdown=settings.shutdown_timeout_s or None,  # None: wait for every connection
        ws_max_size=settings.max_body_bytes,  # uvicorn refuses larger WebSocket messages; the app checks too
        log_level=settings.log_level.lower(),
        log_config=log_config(settings.log_format, settings.log_level),
        access_log=False,  # api/request_log.py writes one line per request
        # Forwarded headers only from the proxies named in JCM_FORWARDED_ALLOW_IPS, none by default.
        proxy_headers=bool(settings.forwarded_allow_ips),
        forwarded_allow_ips=settings.forwarded_allow_ips or None,
    )


def cmd_migrate(settings: Settings, args: argparse.Namespace) -> None:
    migrate(settings)


def cmd_makemigration(settings: Settings, args: argparse.Namespace) -> None:
    from models.migrations import autogenerate

    migrate(settings)
    autogenerate(settings.database_url, args.message, settings.database_schema)


def cmd_seed(settings: Settings, args: argparse.Namespace) -> None:
    seed(settings)


def cmd_token_create(settings: Settings, args: argparse.Namespace) -> None:
    from resolvers.tokens import create_token

    issued = _with_session(
        settings, lambda s: create_token(s, role=Role(args.role.upper()), name=args.name, country_code=args.country)
    )
    token, secret = issued.token, issued.secret
    _say(
        f"token {token.id} for {token.name} ({token.role.value}{' ' + token.country_code if token.country_code else ''}); it is shown only now"
    )
    print(secret)


def cmd_token_list(settings: Settings, args: argparse.Namespace) -> None:
    from resolvers.tokens import list_tokens

    tokens = _with_session(settings, list_tokens)
    print(f"{'ID':>4}  {'ROLE':<11}  {'COUNTRY':<7}  {'CREATED':<20}  {'REVOKED':<20}  NAME")
    for token in tokens:
        revoked = token.revoked_at.strftime("%Y-%m-%d %H:%M:%SZ") if token.revoked_at else "-"
        created = token.created_at.strftime("%Y-%m-%d %H:%M:%SZ")
        print(
            f"{token.id:>4}  {token.role.value:<11}  {token.country_code or '-':<7}  {created:<20}  {revoked:<20}  {token.name}"
        )


def cmd_token_revoke(settings: Settings, args: argparse.Namespace) -> None:
    from resolvers.tokens import revoke_token

    token = _with_session(settings, lambda s: revoke_token(s, args.id))
    _say(f"token {token.id} ({token.name}) revoked")


def cmd_export_schema(settings: Settings, args: argparse.Namespace) -> None:
    from api.schema import schema_sdl

    sdl = schema_sdl()
    if args.output == "-":
        sys.stdout.write(sdl)
    else:
        Path(args.output).write_text(sdl, encoding="utf-8")
        _say(f"schema written to {args.output}")


def cmd_audit_verify(settings: Settings, args: argparse.Namespace) -> None:
    from resolvers.audit import verify_chain

    check = _with_session(settings, verify_chain)
    if check.broken is not None:
        _say(f"audit trail broken at event {check.broken.event_id}: {check.broken.reason}")
        raise SystemExit(1)
    _say(f"audit trail intact: {check.checked} events verified")


def cmd_registry_reconcile(settings: Settings, args: argparse.Namespace) -> None:
    from resolvers.reconcile import reconcile

    result = _with_session(settings, reconcile)
    if result.discrepancies:
        more = len(result.discrepancies) - 1
        _say(f"registry NOT reconciled: {result.discrepancies[0]}" + (f" (and {more} more)" if more else ""))
        raise SystemExit(1)
    _say(
        f"registry reconciled: {result.issuances} issuances, {result.blocks} unit blocks and "
        f"{result.transfers} transfers agree"
    )


def cmd_keys_create(settings: Settings, args: argparse.Namespace) -> None:
    from models.signing import KeyFileError, create_key, load_key_ring

    path = settings.signing_key_path
    try:
        key = create_key(path)
        earlier = len(load_key_ring(path).keys) - 1
    except KeyFileError as error:
        _say(f"error: {error}")
        raise SystemExit(1) from None
    _say(
        f"signing key {key.key_id} created in {path}; it signs from now on. "
        f"{earlier} earlier public key{'s stay' if earlier != 1 else ' stays'} published"
    )
    print(key.key_id)


def cmd_certificate_verify(settings: Settings, args: argparse.Namespace) -> None:
    """Offline: the keys come from the key ring beside JCM_SIGNING_KEY_FILE, or from --keys, a copy
    of /.well-known/jcm-registry-keys.json."""
    import json

    from models.signing import (
        KeyFileError,
        MalformedCertificate,
        load_key_ring,
        parse_certificate,
        parse_public_keys,
        why_invalid,
    )

    try:
        certificate = parse_certificate(Path(args.file).read_text(encoding="utf-8"))
        if args.keys:
            keys = parse_public_keys(json.loads(Path(args.keys).read_text(encoding="utf-8")), args.keys)
        else:
            keys = load_key_ring(settings.signing_key_path, signer_needed=False).keys
    except MalformedCertificate as error:
        _say(f"{args.file} is not a certificate: {error}")
        raise SystemExit(1) from None
    except (OSError, UnicodeDecodeError, ValueError, KeyFileError) as error:
        _say(f"error: {error}")
        raise SystemExit(1) from None
    reason = why_invalid(certificate.document, certificate.signature, certificate.key_id, keys)
    if reason is not None:
        _say(f"NOT VALID: {reason}")
        raise SystemExit(1)
    _say(f"OK: signed by key {certificate.key_id}")


def cmd_benchmark(settings: Settings, args: argparse.Namespace) -> None:
    try:
        import httpx  # noqa: F401
    except ImportError:
        raise SystemExit("jcm benchmark needs the test extras: pip install -e '.[test]'") from None
    from api.benchmark import main as benchmark

    raise SystemExit(
        benchmark(
            Path(args.database),
            args.decisions,
            args.requests,
            args.concurrency,
            args.rebuild,
            Path(args.readme) if args.readme else None,
            database_url=args.database_url,
            rounds=args.rounds,
        )
    )


def cmd_benchmark_registry(settings: Settings, args: argparse.Namespace) -> None:
    try:
        import httpx  # noqa: F401
    except ImportError:
        raise SystemExit("jcm benchmark-registry needs the test extras: pip install -e '.[test]'") from None
    from api.bench_registry import main as benchmark

    raise SystemExit(
        benchmark(
            Path(args.database), args.blocks, args.rounds, args.reads, args.transfers, database_url=args.database_url
        )
    )


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="jcm", description=__doc__.splitlines()[0])
    commands = root.add_subparsers(dest="command", required=True)

    serve = commands.add_parser(
        "serve", help="create the signing key if missing, migrate, seed and serve GraphQL at /graphql"
    )
    serve.add_argument("--host", help="default: JCM_HOST or 127.0.0.1")
    serve.add_argument("--port", type=int, help="default: JCM_PORT or 8000")
    serve.add_argument("--workers", type=positive, help="default: JCM_WORKERS or 1; more than 1 needs PostgreSQL")
    serve.set_defaults(handler=cmd_serve)

    commands.add_parser("migrate", help="bring the database to the latest schema").set_defaults(handler=cmd_migrate)
    make = commands.add_parser("makemigration", help="(developers) write a migration for model changes")
    make.add_argument("message")
    make.set_defaults(handler=cmd_makemigration)
    commands.add_parser("seed", help="load countries, committees, scopes (idempotent)").set_defaults(handler=cmd_seed)

    token = commands.add_parser("token", help="issue, list and revoke bearer tokens").add_subparsers(
        dest="token_command", required=True
    )
    create = token.add_parser("create", help="issue a token; prints it once on stdout")
    create.add_argument("--role", required=True, choices=["secretariat", "japan", "partner"], type=str.lower)
    create.add_argument("--country", help="the partner's ISO code (partner tokens only)")
    create.add_argument("--name", required=True, help="who holds it: shown in audit trails")
    create.set_defaults(handler=cmd_token_create)
    token.add_parser("list", help="list tokens (never the secrets)").set_defaults(handler=cmd_token_list)
    revoke = token.add_parser("revoke", help="revoke a token at once")
    revoke.add_argument("id", type=int)
    revoke.set_defaults(handler=cmd_token_revoke)

    export = commands.add_parser("export-schema", help="print the GraphQL schema (SDL)")
    export.add_argument("-o", "--output", default="-", help="file to write; - for stdout (default)")
    export.set_defaults(handler=cmd_export_schema)

    bench = commands.add_parser("benchmark", help="build a 100,000-decision register, serve it, measure it")
    bench.add_argument("--database", default="benchmark.db", help="SQLite file to build or reuse")
    bench.add_argument("--decisions", type=int, default=100_000)
    bench.add_argument(
        "--requests", type=int, default=2_000, help="requests per figure and round (5× for 304s and cached reads)"
    )
    bench.add_argument("--concurrency", type=int, default=8)
    bench.add_argument(
        "--database-url",
        help="also measure PostgreSQL, e.g. postgresql+asyncpg://postgres@127.0.0.1:5432/jcm_bench "
        "(created if missing, built if empty; the table then holds SQLite and PostgreSQL side by side)",
    )
    bench.add_argument("--rounds", type=int, default=5, help="every figure is measured once per round; medians")
    bench.add_argument(
        "--rebuild", action="store_true", help="build the databases even if they exist (drops a PostgreSQL one)"
    )
    bench.add_argument("--readme", help="write the table into this README between the benchmark markers")
    bench.set_defaults(handler=cmd_benchmark)

    bench_registry = commands.add_parser(
        "benchmark-registry",
        help="an account of 100,000 blocks: holdings read latency and transferUnits per second",
    )
    bench_registry.add_argument("--database", default="benchmark-bench_registry.db", help="SQLite file, made anew")
    bench_registry.add_argument(
        "--database-url", help="also on PostgreSQL: a database whose name contains 'bench', made anew"
    )
    bench_registry.add_argument("--blocks", type=int, default=100_000)
    bench_registry.add_argument("--rounds", type=int, default=5)
    bench_registry.add_argument("--reads", type=int, default=50, help="holdings reads per round")
    bench_registry.add_argument("--transfers", type=int, default=100, help="transfers per round")
    bench_registry.set_defaults(handler=cmd_benchmark_registry)

    keys = commands.add_parser("keys", help="the keys that sign certificates").add_subparsers(
        dest="keys_command", required=True
    )
    keys.add_parser(
        "create", help="make a new signing key (prints its id); earlier public keys stay published and valid"
    ).set_defaults(handler=cmd_keys_create)

    certificate = commands.add_parser("certificate", help="account certificates").add_subparsers(
        dest="certificate_command", required=True
    )
    verify = certificate.add_parser("verify", help="check a certificate's signature offline; exits 1 if not valid")
    verify.add_argument("file", help='a JSON file {"document", "signature", "keyId"} as accountCertificate returns it')
    verify.add_argument(
        "--keys",
        help="a saved /.well-known/jcm-registry-keys.json to trust (default: the key ring beside JCM_SIGNING_KEY_FILE)",
    )
    verify.set_defaults(handler=cmd_certificate_verify)

    audit = commands.add_parser("audit", help="audit trail").add_subparsers(dest="audit_command", required=True)
    audit.add_parser("verify", help="check the hash chain; exits 1 at the first broken event").set_defaults(
        handler=cmd_audit_verify
    )
    registry = commands.add_parser("registry", help="the JCM registry").add_subparsers(
        dest="registry_command", required=True
    )
    registry.add_parser(
        "reconcile", help="check the unit blocks against issuance and the transfers; exits 1 at the first discrepancy"
    ).set_defaults(handler=cmd_registry_reconcile)
    add_commands(commands)
    return root


def main(argv: list[str] | None = None) -> None:
    args = parser().parse_args(argv)
    try:
        settings = get_settings()
    except BadSetting as error:  # one line naming the variable, not pydantic's traceback
        _say(f"error: {error}")
        raise SystemExit(2) from None
    logging.basicConfig(level=settings.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        args.handler(settings, args)
    except DomainError as error:
        _say(f"error: {error.message}")
        raise SystemExit(2) from None


if __name__ == "__main__":
    main()
