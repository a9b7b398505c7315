"""The visitor's language and how the site writes in it: which of English and Japanese a request
gets, the page's fixed words (api/site/messages.py), dates, enum values and names.

The language is `?lang=ja|en` if given (a link someone shares keeps its language), else the first
of en/ja the browser's `Accept-Language` prefers, else English. A page therefore varies by
Accept-Language, and says so (`Vary`), and its ETag includes the language (api/site/framework.py).

Names come from the register as LocalizedText {en, ja}; where no Japanese exists the English one is
shown, as `LocalizedText.text(lang:)` does in the API, so a Japanese page is never blank.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from api.site.messages import ENUMS, MESSAGES

LANGUAGES = ("en", "ja")
DEFAULT = "en"
MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def from_accept_language(header: str | None) -> str:
    """The supported language the header ranks highest (q-values honoured, ties in header order);
    English when it names neither. `ja-JP` counts as `ja`, `en-GB` as `en`; `*` as English."""
    best, best_q = DEFAULT, 0.0
    for item in (header or "").split(","):
        tag, _, params = item.strip().partition(";")
        q = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        primary = tag.strip().lower().split("-", 1)[0]
        language = DEFAULT if primary == "*" else primary
        if language in LANGUAGES and q > best_q:
            best, best_q = language, q
    return best


def long_date(value: str | None, lang: str) -> str:
    """An ISO date as each language writes it: 3 December 2026 / 2026年12月3日. Partial dates
    (signing dates are published as "2015" or "2013-03") keep their precision."""
    if not value:
        return ""
    parts = value.split("-")
    if len(parts) == 3:
        day = date.fromisoformat(value)
        if lang == "ja":
            return f"{day.year}年{day.month}月{day.day}日"
        return f"{day.day} {MONTHS[day.month - 1]} {day.year}"
    if len(parts) == 2:
        year, month = int(parts[0]), int(parts[1])
        return f"{year}年{month}月" if lang == "ja" else f"{MONTHS[month - 1]} {year}"
    return f"{value}年" if lang == "ja" else value


def words(value: str) -> str:
    """An enum value as English words: METHODOLOGY_APPROVAL → Methodology approval."""
    return value.replace("_", " ").capitalize()


@dataclass(frozen=True)
class Speaker:
    """What templates call to write in the page's language: t("key"), day(iso), enum(value),
    name(localized). Passed to every template as `lang`, `t`, `day`, `enum` and `name`."""

    lang: str

    def t(self, key: str, **values: Any) -> str:
        text = MESSAGES[self.lang].get(key) or MESSAGES[DEFAULT][key]  # a missing key fails loudly
        return text.format(**values) if values else text

    def day(self, value: str | None) -> str:
        return long_date(value, self.lang)

    def enum(self, value: str | None) -> str:
        if value is None:
            return ""
        return ENUMS[self.lang].get(value) or words(value)

    def name(self, text: dict[str, Any] | None) -> str:
        """A LocalizedText {en, ja} in the page's language, English where no Japanese exists."""
        if not text:
            return ""
        return str(text.get(self.lang) or text["en"])

    def template_globals(self) -> dict[str, Callable[..., str] | str]:
        return {"lang": self.lang, "t": self.t, "day": self.day, "enum": self.enum, "name": self.name}
