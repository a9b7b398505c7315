"""The README's two commands stay the ones CI and a new user actually run."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Two commands", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.+?)\n```", section)


def test_readme_has_exactly_two_set_up_commands():
    commands = readme_commands()

    assert len(commands) == 2
    assert commands[0].endswith("jcm serve")
    assert commands[1].endswith(".venv/bin/pytest")


def test_ci_runs_the_readme_test_command_word_for_word():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")

    assert f'"{readme_commands()[1]}"' in ci
