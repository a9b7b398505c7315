"""`jcm benchmark`: its load generator counts every answer, and one small run prints the uncached,
cached and goal tables from a single run, writes them between the README's markers and exits 1
while a goal is missed. Sizes are tiny: this checks the machinery, not the figures."""

import asyncio
from pathlib import Path

import pytest

from api.bench_load import LoadGenerator, answer_length
from api.bench_report import END, START
from api.benchmark import _free_port, main


def test_the_load_generator_drives_a_fixed_answer_and_counts_its_cpu():
    # Given the load generator's process
    load = LoadGenerator()
    try:
        # When it drives 2,000 requests over 8 connections against a fixed answer
        batch = asyncio.run(load.ceiling(_free_port(), requests=2_000, concurrency=8))
    finally:
        load.close()

    # Then every request was answered and timed, and the CPU of both sides was read
    assert batch.requests == 2_000
    assert batch.per_second > 500
    assert batch.server_cpu >= 0 and batch.client_cpu > 0
    assert batch.database_cpu is None


@pytest.mark.parametrize(
    ("received", "answer"),
    [
        (b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}HTTP/1.1", (200, 40)),
        (b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n{}", None),
        (b'HTTP/1.1 304 Not Modified\r\netag: "x"\r\n\r\n', (304, 40)),
        (b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n", (200, 59)),
        (b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n2\r\n{}\r\n", None),
        (b"HTTP/1.1 200 OK\r\ncontent-le", None),
    ],
    ids=["length", "length-incomplete", "not-modified", "chunked", "chunked-incomplete", "head-incomplete"],
)
def test_an_answer_ends_where_its_length_chunks_or_status_say(received, answer):
    assert answer_length(bytearray(received)) == answer


def test_a_small_run_writes_its_tables_into_the_readme_and_fails_its_goals(tmp_path: Path, capsys):
    # Given a README with the benchmark's markers around an old table
    readme = tmp_path / "README.md"
    readme.write_text(f"# Title\n\n{START}\nold table\n{END}\n\nAfter.\n", encoding="utf-8")

    # When the benchmark runs on a tiny SQLite register
    code = main(tmp_path / "bench.db", decisions=40, requests=10, concurrency=2, rebuild=False, readme=readme, rounds=1)

    # Then the three tables replace the old one, and nothing else changes
    text = readme.read_text(encoding="utf-8")
    assert text.startswith(f"# Title\n\n{START}\nMeasured ") and text.endswith(f"{END}\n\nAfter.\n")
    assert "old table" not in text
    for heading in ("| read, uncached |", "| read, response cache (repeated anonymous reads) |", "| measure | goal |"):
        assert heading in text
    assert "| decisions in the database | 100,000 | 40 | **no** |" in text
    # with the decision page's rows, uncached and revalidated, measured like the GraphQL reads
    rows = {line.split(" | ")[0].removeprefix("| "): line for line in text.splitlines() if line.startswith("| ")}
    for row in (
        "decision page `/decisions/{reference}`, HTML",
        "decision page `/decisions/{reference}`, If-None-Match (304)",
    ):
        assert rows[row].count("n/a") == 0, rows[row]
    assert "| decision page `/decisions/{reference}`: 304 ÷ uncached req/s |  | " in text
    assert text.split(START)[1].split(END)[0].strip() == capsys.readouterr().out.strip()
    # And the command fails: 40 decisions are not the 100,000 of the goal
    assert code == 1


def test_a_small_registry_run_prints_its_figures_with_equal_statement_counts(tmp_path: Path, capsys):
    from api.bench_registry import main as registry_benchmark

    # When the registry benchmark runs on an account of 50 blocks, one short round
    code = registry_benchmark(tmp_path / "registry.db", blocks=50, rounds=1, reads=2, transfers=3)

    # Then it prints one row for SQLite, a page of holdings costing the statements of a page of one
    lines = capsys.readouterr().out.strip().splitlines()
    assert code == 0 and lines[0].startswith("| database | `account { balance holdings(first: 100) }`, 50 blocks")
    cells = [cell.strip() for cell in lines[2].strip("|").split("|")]
    assert cells[0] == "SQLite"
    hundred, one = cells[3].split(" / ")
    assert hundred == one
