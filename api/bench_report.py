"""The benchmark's results and their tables: figures measured once per round (medians over the
rounds, with their range), the goals they are held to, one column group per database, and the
README block they replace."""

import statistics
from dataclasses import dataclass, field
from pathlib import Path

from api.bench_load import Batch

START, END = "<!-- benchmark:start -->", "<!-- benchmark:end -->"


@dataclass
class Figure:
    """One request measured once per round; `cached` figures go in a table of their own."""

    label: str
    cached: bool = False
    batches: list[Batch] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return statistics.median(batch.per_second for batch in self.batches)

    @property
    def server_ms(self) -> float:
        return statistics.median(1000 * batch.server_cpu / batch.requests for batch in self.batches)

    @property
    def database_ms(self) -> float | None:
        if any(batch.database_cpu is None for batch in self.batches):
            return None
        return statistics.median(1000 * (batch.database_cpu or 0) / batch.requests for batch in self.batches)

    def rate_cell(self) -> str:
        rates = [batch.per_second for batch in self.batches]
        if not rates:
            return "n/a"
        if len(rates) == 1:
            return f"{rates[0]:,.0f}"
        return f"{self.rate:,.0f} ({min(rates):,.0f}–{max(rates):,.0f})"


@dataclass(frozen=True)
class Goal:
    measure: str
    goal: str
    figure: str
    met: bool | None  # None: shown for comparison, no goal on this database


@dataclass
class Measured:
    """Everything one database's run produced."""

    database: str  # "SQLite" or "PostgreSQL"
    figures: dict[str, Figure]
    goals: list[Goal]
    counts_database_cpu: bool  # PostgreSQL: its backends' CPU is a column of its own

    def failed(self) -> bool:
        return any(goal.met is False for goal in self.goals)


def _met(met: bool | None) -> str:
    return "" if met is None else ("yes" if met else "**no**")


def _figures_table(runs: list[Measured], cached: bool) -> list[str]:
    title = "read, response cache (repeated anonymous reads)" if cached else "read, uncached"
    head, rule = [title], ["---"]
    for run in runs:
        head += [f"{run.database} req/s, median (min–max)", f"{run.database} app CPU ms/req"]
        rule += ["---:", "---:"]
        if run.counts_database_cpu:
            head.append(f"{run.database} database CPU ms/req")
            rule.append("---:")
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join(rule) + "|"]
    keys = [key for key, figure in runs[0].figures.items() if figure.cached is cached]
    for key in keys:
        cells = [runs[0].figures[key].label]
        for run in runs:
            figure = run.figures[key]
            measured = bool(figure.batches)  # not, for the cached reads of a server without the cache
            cells += [figure.rate_cell(), f"{figure.server_ms:.2f}" if measured else "n/a"]
            if run.counts_database_cpu:
                database_ms = figure.database_ms if measured else None
                cells.append("n/a" if database_ms is None else f"{database_ms:.2f}")
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def _goals_table(runs: list[Measured]) -> list[str]:
    head, rule = ["measure", "goal"], ["---", "---"]
    for run in runs:
        head += [run.database, "met"]
        rule += ["---:", "---"]
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join(rule) + "|"]
    measures: dict[str, str] = {}
    for run in runs:
        for goal in run.goals:
            measures.setdefault(goal.measure, goal.goal)
    for measure, goal_text in measures.items():
        cells = [measure, goal_text]
        for run in runs:
            found = next((goal for goal in run.goals if goal.measure == measure), None)
            cells += ["", ""] if found is None else [found.figure, _met(found.met)]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def render(runs: list[Measured], header: str) -> str:
    """The text printed and written between the README's markers."""
    parts = [header, "", *_figures_table(runs, cached=False), "", *_figures_table(runs, cached=True)]
    parts += ["", *_goals_table(runs)]
    return "\n".join(parts) + "\n"


def write_readme(readme: Path, text: str) -> bool:
    """Replace what stands between the markers; False (and the file untouched) without them."""
    content = readme.read_text(encoding="utf-8")
    if START not in content or END not in content:
        return False
    head, rest = content.split(START, 1)
    readme.write_text(f"{head}{START}\n{text}{END}{rest.split(END, 1)[1]}", encoding="utf-8")
    return True
