"""Translations and local formatting: Babel catalogs, locale negotiation, dates, bidi.

All catalogs are compiled in memory once at start-up (no generated .mo files in git or on
disk). Each update gets its own Translator for the reader's language; nothing global changes
between updates.
"""

import gettext
import io
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from babel import Locale
from babel.core import UnknownLocaleError, parse_locale
from babel.dates import format_date, format_time
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_currency, format_decimal, format_percent

from bot.languages import SUPPORTED_LANGUAGES, is_rtl

DOMAIN = "messages"
RLM = "\u200f"  # RIGHT-TO-LEFT MARK: makes a line that starts with a digit or Latin word RTL
# Persian is written with its own digits (as the procedure file's Persian texts are): numbers,
# dates and the numbers filled into texts use them, so one message never mixes two styles.
PERSIAN_DIGITS = str.maketrans("0123456789%", "۰۱۲۳۴۵۶۷۸۹٪")
NATIVE_DIGITS = {"fa": "arabext"}
# A %-placeholder with its flags and conversion, e.g. "%(count)d" or "%(share).1f".
_PLACEHOLDER = re.compile(r"%\((\w+)\)([-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa])")


class CatalogError(RuntimeError):
    """A translation catalog is missing or cannot be read."""


def native_name(language: str) -> str:
    """The language's name in itself, as the picker shows it (e.g. "Українська")."""
    name = Locale.parse(language).get_display_name(language) or language
    return name[:1].upper() + name[1:]


def match(language_code: str | None, offered: tuple[str, ...]) -> str | None:
    """Telegram's language_code (e.g. "de", "en-US", "pt-br") matched to an offered language;
    None when it names none of them (or there is no code)."""
    if not language_code:
        return None
    try:
        primary = parse_locale(language_code.replace("_", "-"), sep="-")[0].lower()
    except ValueError:
        return None
    return primary if primary in offered else None


def negotiate(language_code: str | None, offered: tuple[str, ...], default: str) -> str:
    """Telegram's language_code matched to an offered language, else the default."""
    return match(language_code, offered) or default


def bidi(text: str, language: str) -> str:
    """Mark lines of right-to-left languages so that they render right to left.

    A line whose first strong character is not right-to-left (it starts with a number, an
    emoji, a Latin name or a tag) would otherwise be laid out left to right by Telegram.
    """
    if not is_rtl(language):
        return text
    return "\n".join(_mark_line(line) for line in text.split("\n"))


def _mark_line(line: str) -> str:
    # Only a line that begins with a right-to-left letter is safe as it is: the base direction
    # comes from the first strong character, and digits, emoji and tags are not strong.
    if not line or line.startswith(RLM) or unicodedata.bidirectional(line[0]) in ("R", "AL"):
        return line
    return RLM + line


@dataclass(frozen=True)
class Translator:
    """UI texts and formatting for one reader's language."""

    language: str
    translations: gettext.NullTranslations
    timezone: ZoneInfo

    def gettext(self, message: str, **params: object) -> str:
        """The translated message; %(name)s placeholders are filled from params."""
        text = self.translations.gettext(message)
        return self._fill(text, params) if params else text

    def ngettext(self, singular: str, plural: str, count: int, **params: object) -> str:
        """The plural form for count; `count` is also available as %(count)d."""
        text = self.translations.ngettext(singular, plural, count)
        return self._fill(text, {"count": count, **params})

    def _fill(self, template: str, params: dict[str, object]) -> str:
        """The template with its placeholders filled. In a language with its own digits, the
        numbers filled in (int and float parameters only) are written with them; the
        template's text and the other parameters (URLs, commands, addresses) stay as they
        are."""
        if self.language not in NATIVE_DIGITS:
            return template % params

        def number(match: re.Match[str]) -> str:
            value = params.get(match.group(1))
            if isinstance(value, bool) or not isinstance(value, int | float):
                return match.group(0)
            formatted = ("%" + match.group(2)) % value
            return self._digits(formatted).replace("%", "%%")

        return _PLACEHOLDER.sub(number, template) % params

    def numeral(self, text: str) -> str:
        """A number as a label ("1.2", "#3", "4.") written with the language's own digits, so
        that a Persian screen has one digit style throughout."""
        return self._digits(text)

    def _digits(self, text: str) -> str:
        """ASCII digits in text turned into the language's own digits (Persian), if any."""
        return text.translate(PERSIAN_DIGITS) if self.language in NATIVE_DIGITS else text

    @property
    def _formats(self) -> str:
        # British English for dates and times: "11 February 2020, 23:59" reads the same as
        # the other European languages (day first, 24-hour clock).
        return "en_GB" if self.language == "en" else self.language

    def date(self, value: date | datetime) -> str:
        """A day, written as people in this language write it (e.g. "14. Januar 2020")."""
        if isinstance(value, datetime):
            value = value.astimezone(self.timezone).date()
        return self._digits(format_date(value, format="long", locale=self._formats))

    def datetime(self, value: datetime) -> str:
        """A moment in the procedure's timezone: the long date and the time without seconds,
        joined as the language joins them (e.g. "11. Februar 2020, 23:59"); one style on every
        screen."""
        moment = value.astimezone(self.timezone)
        locale = Locale.parse(self._formats)
        pattern = str(locale.datetime_formats["long"])
        time = self._digits(format_time(moment, format="short", locale=locale))
        return pattern.replace("{1}", self.date(moment)).replace("{0}", time)

    def number(self, value: int) -> str:
        """A whole number with this language's digit grouping (e.g. "12.345" in German)."""
        system = NATIVE_DIGITS.get(self.language, "latn")
        return self._digits(format_decimal(value, locale=self.language, numbering_system=system))

    def money(self, amount: int, currency: str) -> str:
        """A whole amount of money as this language writes it, without cents (e.g.
        "100.000 €" in German, "€100,000" in English)."""
        system = NATIVE_DIGITS.get(self.language, "latn")
        locale = Locale.parse(self._formats)
        # The language's own currency pattern without its decimals: budgets are whole amounts.
        pattern = str(locale.currency_formats["standard"].pattern).replace(".00", "")
        text = format_currency(
            amount,
            currency,
            format=pattern,
            locale=locale,
            currency_digits=False,
            numbering_system=system,
        )
        return self._digits(text)

    def percent(self, share: float) -> str:
        """A share (0..1) as a percentage with at most one decimal, as this language writes
        it (e.g. "13,5 %" in German, "%13,5" in Turkish)."""
        system = NATIVE_DIGITS.get(self.language, "latn")
        text = format_percent(
            round(share, 3),
            locale=self.language,
            decimal_quantization=False,
            numbering_system=system,
        )
        return self._digits(text)

    @property
    def separator(self) -> str:
        """What stands between two figures: " · ", but "، " in Persian, where the dot would read
        as the Persian zero (۰)."""
        return "، " if self.language in NATIVE_DIGITS else " · "

    def listed(self, items: Iterable[str], *, long: bool = False) -> str:
        """Items one after the other as this script separates them: ", " (or "; " for
        `long` items that hold commas themselves); Arabic and Persian use their own comma
        "، " and semicolon "؛ "."""
        if self.rtl:
            return ("؛ " if long else "، ").join(items)
        return ("; " if long else ", ").join(items)

    def bidi(self, text: str) -> str:
        """The text marked for right-to-left display where the language needs it."""
        return bidi(text, self.language)

    @property
    def rtl(self) -> bool:
        """True for Arabic and Persian."""
        return is_rtl(self.language)


class Catalogs:
    """All UI catalogs, compiled in memory once; hands out a Translator per language."""

    def __init__(self, compiled: dict[str, gettext.GNUTranslations], timezone: ZoneInfo) -> None:
        self._compiled = compiled
        self.timezone = timezone

    @classmethod
    def load(
        cls,
        locales: Path,
        languages: tuple[str, ...] = SUPPORTED_LANGUAGES,
        timezone: ZoneInfo | None = None,
    ) -> "Catalogs":
        """Compile locales/<lang>/LC_MESSAGES/messages.po for every language, in memory."""
        compiled = {}
        for language in languages:
            po = locales / language / "LC_MESSAGES" / f"{DOMAIN}.po"
            try:
                with po.open("rb") as handle:
                    catalog = read_po(handle, locale=language, domain=DOMAIN)
            except (OSError, UnknownLocaleError, ValueError) as exc:
                raise CatalogError(f"cannot read the translation catalog {po}: {exc}") from exc
            buffer = io.BytesIO()
            write_mo(buffer, catalog, use_fuzzy=False)
            buffer.seek(0)
            compiled[language] = gettext.GNUTranslations(buffer)
        return cls(compiled, timezone or ZoneInfo("Europe/Berlin"))

    @property
    def languages(self) -> tuple[str, ...]:
        """The languages with a catalog."""
        return tuple(self._compiled)

    def translator(self, language: str) -> Translator:
        """The Translator for a language (must be one of the loaded ones)."""
        return Translator(language, self._compiled[language], self.timezone)
