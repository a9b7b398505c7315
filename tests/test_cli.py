"""The `jcm` command: migrate and seed, tokens, the schema export and the audit-trail check.

The CLI runs its own event loop (asyncio.run), so these tests are plain functions; whatever they
check in the database or through the app runs in a loop of its own too, on a fresh engine.
"""

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from api.settings import get_settings
from models.registry import SEEDED_KINDS
from seed.data import PARTNERS, RULE_DOCUMENT_KINDS, SECTORAL_SCOPES
from tests.support.cli import Jcm, Run, jcm_on
from tests.support.db import Database

ROOT = Path(__file__).resolve().parent.parent

VIEWER = "query { viewer { role name country { code } } }"
COMMITTEE_COUNT = "query { committees { code } }"
SCHEDULE_MEETING = """
mutation ($input: ScheduleMeetingInput!) {
  scheduleMeeting(input: $input) { meeting { number } userErrors { code message field } }
}
"""

TOKEN_LIST_HEADER = f"{'ID':>4}  {'ROLE':<11}  {'COUNTRY':<7}  {'CREATED':<20}  {'REVOKED':<20}  NAME"

# Japan, the partners and their committees, the scopes, the document kinds, each committee's documents,
# and a registry per country with its government, nullification and cancellation accounts.
REGISTRIES = 1 + len(PARTNERS)
SEEDED_ROWS = (
    1
    + 2 * len(PARTNERS)
    + len(SECTORAL_SCOPES)
    + len(RULE_DOCUMENT_KINDS) * (1 + len(PARTNERS))
    + REGISTRIES * (1 + len(SEEDED_KINDS))
)


@pytest.fixture
def jcm(database: Database, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Iterator[Jcm]:
    """`jcm` pointed at the test's database (empty: no tables) through JCM_* variables."""
    with jcm_on(database, monkeypatch, capsys) as jcm:
        yield jcm


@pytest.fixture
def seeded(jcm: Jcm, engine: AsyncEngine) -> Jcm:
    """`jcm` on the test's seeded database."""
    return jcm


def test_cli_reads_its_database_from_the_environment(jcm, database):
    assert (get_settings().database_url, get_settings().database_schema) == (database.url, database.schema)


# --- migrate and seed ---------------------------------------------------------------------------


def test_migrate_then_seed_an_empty_database(jcm):
    # When
    migrated = jcm("migrate")
    seeded = jcm("seed")

    # Then
    assert migrated == Run(0, "", "database migrated to the latest revision\n")
    assert seeded == Run(0, "", f"seed: {SEEDED_ROWS} rows inserted, 0 updated\n")
    response = jcm.graphql(COMMITTEE_COUNT)
    assert [c["code"] for c in response.json()["data"]["committees"]] == [p.code for p in PARTNERS]


def test_seeding_again_changes_nothing(jcm):
    # Given
    jcm("migrate")
    jcm("seed")
    before = jcm.rows("country", "joint_committee", "sectoral_scope", "rule_document_kind")

    # When
    again = jcm("seed")
    migrated_again = jcm("migrate")

    # Then
    assert again == Run(0, "", "seed: 0 rows inserted, 0 updated\n")
    assert migrated_again == Run(0, "", "database migrated to the latest revision\n")
    assert jcm.rows("country", "joint_committee", "sectoral_scope", "rule_document_kind") == before


# --- tokens ---------------------------------------------------------------------------------------


def test_token_create_prints_only_the_token_and_it_works(seeded):
    # When
    run = seeded("token", "create", "--role", "partner", "--country", "VN", "--name", "MONRE Viet Nam")

    # Then
    assert run.code == 0
    lines = run.out.splitlines()
    assert len(lines) == 1 and run.out == lines[0] + "\n"
    secret = lines[0]
    assert secret.startswith("jcm_")
    assert secret not in run.err
    assert run.err == "token 1 for MONRE Viet Nam (PARTNER VN); it is shown only now\n"
    response = seeded.graphql(VIEWER, token=secret)
    assert (response.status_code, response.json()) == (
        200,
        {"data": {"viewer": {"role": "PARTNER", "name": "MONRE Viet Nam", "country": {"code": "VN"}}}},
    )
    [row] = seeded.rows("api_token")["api_token"]
    assert hashlib.sha256(secret.encode()).hexdigest() in row
    assert not any(secret in str(value) for value in row)


@pytest.mark.parametrize(
    "args, message",
    [
        (
            ["--role", "partner", "--name", "Somebody"],
            "error: A partner token needs --country, the partner's ISO code.\n",
        ),
        (
            ["--role", "japan", "--country", "VN", "--name", "MOEJ"],
            "error: A JAPAN token acts for no single country; omit --country.\n",
        ),
        (
            ["--role", "partner", "--country", "FR", "--name", "Somebody"],
            "error: FR is not a partner country with a joint committee.\n",
        ),
        (
            ["--role", "partner", "--country", "JP", "--name", "Somebody"],
            "error: JP is not a partner country with a joint committee.\n",
        ),
    ],
    ids=["partner-without-country", "japan-with-country", "unknown-country", "japan-as-partner"],
)
def test_token_create_refuses_a_wrong_role_and_country_and_creates_nothing(seeded, args, message):
    # When
    run = seeded("token", "create", *args)

    # Then
    assert run == Run(2, "", message)
    assert seeded.rows("api_token") == {"api_token": []}


def test_token_list_shows_tokens_but_never_their_secrets(seeded, frozen_clock):
    # Given
    secretariat = seeded("token", "create", "--role", "secretariat", "--name", "JCMA Secretariat").out.strip()
    partner = seeded("token", "create", "--role", "partner", "--country", "vn", "--name", "MONRE Viet Nam").out.strip()

    # When
    run = seeded("token", "list")

    # Then
    assert run.code == 0
    assert run.out.splitlines() == [
        TOKEN_LIST_HEADER,
        "   1  SECRETARIAT  -        2026-11-28 09:00:00Z  -                     JCMA Secretariat",
        "   2  PARTNER      VN       2026-11-28 09:00:00Z  -                     MONRE Viet Nam",
    ]
    for secret in (secretariat, partner):
        assert secret.startswith("jcm_")
        assert secret not in run.out + run.err
        assert hashlib.sha256(secret.encode()).hexdigest() not in run.out + run.err


def test_token_revoke_takes_effect_at_once_and_only_once(seeded, frozen_clock):
    # Given a token that works
    secret = seeded("token", "create", "--role", "japan", "--name", "MOEJ").out.strip()
    assert seeded.graphql(VIEWER, token=secret).json() == {
        "data": {"viewer": {"role": "JAPAN", "name": "MOEJ", "country": None}}
    }

    # When
    revoked = seeded("token", "revoke", "1")

    # Then
    assert revoked == Run(0, "", "token 1 (MOEJ) revoked\n")
    response = seeded.graphql(VIEWER, token=secret)
    assert response.status_code == 401
    assert response.json()["errors"][0]["extensions"] == {"code": "UNAUTHENTICATED"}
    assert seeded("token", "list").out.splitlines()[1:] == [
        "   1  JAPAN        -        2026-11-28 09:00:00Z  2026-11-28 09:00:00Z  MOEJ"
    ]

    # And revoking it again, or an unknown token, is refused
    assert seeded("token", "revoke", "1") == Run(2, "", "error: Token 1 was already revoked.\n")
    assert seeded("token", "revoke", "99") == Run(2, "", "error: No token has the id 99.\n")


# --- schema ---------------------------------------------------------------------------------------


def test_export_schema_prints_the_committed_schema(jcm):
    run = jcm("export-schema")

    assert (run.code, run.err) == (0, "")
    assert run.out == (ROOT / "schema.graphql").read_text(encoding="utf-8")


def test_export_schema_writes_a_file(jcm, tmp_path):
    target = tmp_path / "schema.graphql"

    run = jcm("export-schema", "-o", str(target))

    assert run == Run(0, "", f"schema written to {target}\n")
    assert target.read_text(encoding="utf-8") == (ROOT / "schema.graphql").read_text(encoding="utf-8")


# --- audit trail ------------------------------------------------------------------------------------


def schedule_meetings(jcm: Jcm) -> list[int]:
    """Three meetings scheduled through GraphQL by the secretariat; the audit events' ids."""
    token = jcm("token", "create", "--role", "secretariat", "--name", "JCMA Secretariat").out.strip()
    for code, held_on in [("VN", "2027-01-20"), ("ID", "2027-02-10"), ("MN", "2027-03-05")]:
        response = jcm.graphql(SCHEDULE_MEETING, {"input": {"committeeCode": code, "heldOn": held_on}}, token=token)
        assert response.json() == {"data": {"scheduleMeeting": {"meeting": {"number": 1}, "userErrors": []}}}
    ids = [row[0] for row in jcm.rows("audit_event")["audit_event"]]
    assert len(ids) == 3
    return ids


def test_audit_verify_passes_on_an_intact_chain(seeded):
    # Given
    schedule_meetings(seeded)

    # When
    run = seeded("audit", "verify")

    # Then
    assert run == Run(0, "", "audit trail intact: 3 events verified\n")


def test_audit_verify_passes_on_an_empty_trail(seeded):
    run = seeded("audit", "verify")

    assert run == Run(0, "", "audit trail intact: 0 events verified\n")


def test_audit_verify_names_an_altered_event(seeded):
    # Given
    _, middle, _ = schedule_meetings(seeded)
    seeded.execute("UPDATE audit_event SET actor = :actor WHERE id = :id", actor="Somebody else", id=middle)

    # When
    run = seeded("audit", "verify")

    # Then
    assert run == Run(
        1, "", f"audit trail broken at event {middle}: content does not match its hash (it was altered)\n"
    )


def test_audit_verify_names_the_event_after_a_removed_one(seeded):
    # Given
    _, middle, last = schedule_meetings(seeded)
    seeded.execute("DELETE FROM audit_event WHERE id = :id", id=middle)

    # When
    run = seeded("audit", "verify")

    # Then
    assert run == Run(
        1, "", f"audit trail broken at event {last}: does not follow the event before it (one was removed or altered)\n"
    )
