"""Languages: negotiation, native names, right-to-left marks, dates in the user's locale."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.i18n import RLM, Catalogs, bidi, native_name, negotiate
from bot.languages import SUPPORTED_LANGUAGES
from bot.resources import locales_dir

OFFERED = SUPPORTED_LANGUAGES


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("de", "de"),
        ("en", "en"),
        ("en-US", "en"),
        ("uk", "uk"),
        ("fa-AF", "fa"),
        ("ar_SY", "ar"),
        ("pt-BR", "de"),
        ("", "de"),
        (None, "de"),
        ("x-not-a-locale-!!", "de"),
    ],
)
def test_telegram_language_code_is_negotiated_against_the_offered_languages(code, expected):
    assert negotiate(code, OFFERED, "de") == expected


def test_the_picker_names_are_native():
    names = [native_name(code) for code in SUPPORTED_LANGUAGES]
    assert names == [
        "Deutsch", "English", "Türkçe", "العربية", "Русский", "Українська", "فارسی", "Polski",
    ]  # fmt: skip


@pytest.mark.parametrize("language", ["ar", "fa"])
@pytest.mark.parametrize("line", ["3 من 7", "🗳 اختر", "Lübeck است", "<b>1.</b> متن", "(مثال) متن"])
def test_rtl_lines_that_start_with_a_number_emoji_latin_word_or_tag_get_a_mark(language, line):
    assert bidi(line, language) == RLM + line


def test_rtl_lines_that_start_with_an_rtl_letter_stay_as_they_are():
    assert bidi("سلام\n1. متن", "fa") == "سلام\n" + RLM + "1. متن"


def test_left_to_right_languages_get_no_marks():
    assert bidi("3 von 7", "de") == "3 von 7"


def test_marking_twice_adds_nothing():
    once = bidi("7 حقول", "ar")
    assert bidi(once, "ar") == once


def test_dates_are_written_in_the_readers_locale_and_the_procedures_timezone():
    catalogs = Catalogs.load(locales_dir(), ("de", "en", "ar"), ZoneInfo("Europe/Berlin"))
    # 23:30 UTC on 13 January is already 14 January in Berlin.
    moment = datetime(2020, 1, 13, 23, 30, tzinfo=UTC)
    assert catalogs.translator("de").date(moment) == "14. Januar 2020"
    assert catalogs.translator("en").date(date(2020, 1, 14)) == "14 January 2020"
    assert "00:30" in catalogs.translator("de").datetime(moment)
    assert catalogs.translator("ar").date(date(2020, 1, 14)) != "14 January 2020"


def test_one_long_date_style_without_seconds_british_for_english():
    catalogs = Catalogs.load(locales_dir(), SUPPORTED_LANGUAGES, ZoneInfo("Europe/Berlin"))
    moment = datetime(2020, 2, 11, 22, 59, 30, tzinfo=UTC)
    assert catalogs.translator("de").datetime(moment) == "11. Februar 2020, 23:59"
    assert catalogs.translator("en").datetime(moment) == "11 February 2020, 23:59"
    for language in SUPPORTED_LANGUAGES:
        t = catalogs.translator(language)
        written = t.datetime(moment)
        assert t.date(moment) in written  # the same long date as everywhere else
        assert "30" not in written and "۳۰" not in written  # no seconds


def test_persian_writes_persian_digits_in_numbers_dates_and_filled_in_counts():
    catalogs = Catalogs.load(locales_dir(), ("fa", "de"), ZoneInfo("Europe/Berlin"))
    fa = catalogs.translator("fa")
    assert fa.number(12345) == "۱۲٬۳۴۵"
    assert fa.percent(0.135) == "۱۳٫۵٪"
    assert fa.date(date(2021, 3, 25)).startswith("۲۵ ")
    assert fa.date(date(2021, 3, 25)).endswith(" ۲۰۲۱")
    assert "۲۳:۵۹" in fa.datetime(datetime(2020, 2, 11, 22, 59, tzinfo=UTC))
    points = fa.ngettext("%(count)d point", "%(count)d points", 120)
    assert "۱۲۰" in points and not any(c.isascii() and c.isdigit() for c in points)
    # Only numbers change: a URL, a command or an address keeps its Latin digits.
    url = fa.gettext("Results: %(url)s", url="https://example.org/2021/results")
    assert url.endswith("https://example.org/2021/results")
    assert fa.gettext("Results: %(url)s", url=7).endswith("۷")
    # Other languages keep their Latin digits.
    german = catalogs.translator("de")
    assert german.ngettext("%(count)d point", "%(count)d points", 120).startswith("120")


def test_each_update_gets_its_own_translator_and_nothing_leaks():
    catalogs = Catalogs.load(locales_dir(), ("de", "en"))
    german, english = catalogs.translator("de"), catalogs.translator("en")
    assert english.gettext("Help") == "Help"
    assert german.gettext("Help") != "Help"
    assert english.gettext("Help") == "Help"
