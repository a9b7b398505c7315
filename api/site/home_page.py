"""The home page, `/`: the 30 committees in signing order with what each has published, and Japan's
progress toward its JCM targets (100 Mt-CO2 by FY2030, 200 Mt by FY2040)."""

from typing import Any

from api.site.checks import no_variables
from api.site.framework import Document, Page, View
from api.site.language import Speaker

NO_COUNTS = {"decisions": 0, "methodologies": 0, "designatedTpes": 0, "projects": 0}


def tonnes(amount: int) -> str:
    """An amount of credits as both languages write an exact figure: 1,234,567 t-CO2e."""
    return f"{amount:,} t-CO2e"


def target_amount(amount: int, speaker: Speaker) -> str:
    """A round target as each language says it: 100 Mt-CO2 / 1億t-CO2 (Japanese counts in 万 and 億)."""
    if speaker.lang == "ja":
        for unit, name in ((100_000_000, "億"), (10_000, "万")):
            if amount % unit == 0:
                return f"{amount // unit:,}{name}t-CO2"
        return f"{amount:,}t-CO2"
    megatonnes = amount / 1_000_000
    return f"{megatonnes:,.0f} Mt-CO2" if megatonnes.is_integer() else f"{amount:,} t-CO2"


def percent(share: float, speaker: Speaker) -> str:
    """A share of a target: 12.5%; a share that would round to 0.0% says "less than 0.1%"."""
    if 0 < share < 0.001:
        return speaker.t("home_under_a_tenth_percent")
    return f"{share * 100:.1f}%" if share else "0%"


def _progress(target: dict[str, Any], speaker: Speaker) -> dict[str, Any]:
    """One target row: the target in words, and issued and nullified for the NDC as figures, shares
    of the target (the text a screen reader reads) and the bar's values."""
    goal = speaker.t("home_target_by", amount=target_amount(target["target"], speaker), year=target["fiscalYear"])
    row: dict[str, Any] = {"label": goal, "target": target["target"]}
    # The API gives issued's share; nullified's is worked out the same way (amount ÷ target).
    figures = (
        ("issued", target["issued"], target["share"]),
        ("nullified", target["nullifiedForNdc"], target["nullifiedForNdc"] / target["target"]),
    )
    for key, amount, fraction in figures:
        share = percent(fraction, speaker)
        row[key] = {
            "value": amount,
            "text": speaker.t("home_of_target", amount=tonnes(amount), percent=share),
            "label": speaker.t(f"home_{key}_toward", target=goal, percent=share),
        }
    return row


def _home(data: dict[str, Any], view: View) -> dict[str, Any]:
    """The committees with their counts from `statistics.committeeCounts` (one grouped query for all
    committees, each count equal to that committee's connection totalCount as the public sees it),
    and the targets of `ndcAccounting`."""
    counts = {row["committeeCode"]: row for row in data["statistics"]["committeeCounts"]}
    committees = [
        {**committee, "url": view.committee_url(committee["code"]), "counts": counts.get(committee["code"], NO_COUNTS)}
        for committee in data["committees"]
    ]
    targets = [_progress(target, view.speaker) for target in data["ndcAccounting"]["targets"]]
    return {"committees": committees, "targets": targets}


HOME = Page(path="/", document=Document("home", "HomePage"), variables=no_variables, build=_home)
