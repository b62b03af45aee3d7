"""Checks the UI catalogs: every message of messages.pot translated in every language,
nothing fuzzy or empty, placeholders intact, plural forms complete.

Run it while translating: `python -m bot.translation_check`. The test suite runs it too.
"""

import gettext
import re
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po

from bot.i18n import DOMAIN
from bot.languages import SUPPORTED_LANGUAGES
from bot.resources import locales_dir

_PLACEHOLDER = re.compile(r"%\((\w+)\)[sdif]")


def _placeholders(text: str) -> set[str]:
    return set(_PLACEHOLDER.findall(text))


def _single_number_forms(catalog: Catalog) -> set[int]:
    """Plural form indexes that are used for exactly one number (like "one" in German)."""
    choose = gettext.c2py(catalog.plural_expr)
    users: dict[int, int] = {}
    for n in range(1000):
        users[choose(n)] = users.get(choose(n), 0) + 1
    return {index for index, used in users.items() if used == 1}


def _read(path: Path, language: str | None = None) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=language, domain=DOMAIN)


def catalog_problems(template: Catalog, catalog: Catalog, language: str) -> list[str]:
    """Problems of one language's catalog against the template, one line each."""
    problems = []
    expected_forms = get_plural(language).num_plurals
    if catalog.num_plurals != expected_forms:
        problems.append(
            f"{language}: Plural-Forms header has {catalog.num_plurals} forms, "
            f"Babel expects {expected_forms}"
        )
    for message in template:
        if not message.id:
            continue
        key = message.id if isinstance(message.id, str) else message.id[0]
        found = catalog.get(message.id)
        where = f"{language}: {key[:60]!r}"
        if found is None:
            problems.append(f"{where}: missing")
            continue
        if found.fuzzy:
            problems.append(f"{where}: marked fuzzy")
        if message.pluralizable:
            strings = found.string if isinstance(found.string, (tuple, list)) else (found.string,)
            if len(strings) != expected_forms:
                problems.append(f"{where}: {len(strings)} plural forms, expected {expected_forms}")
            allowed = _placeholders(str(message.id[1]))
            single = _single_number_forms(catalog)
            for index, text in enumerate(strings):
                if not text:
                    problems.append(f"{where}: plural form {index} is empty")
                elif not _placeholders(text) <= allowed:
                    problems.append(f"{where}: plural form {index} has unknown placeholders")
                elif "count" in allowed and "count" not in _placeholders(text):
                    # A form may leave the number out only if it serves one number (e.g. 1).
                    if index not in single:
                        problems.append(f"{where}: plural form {index} lacks %(count)d")
        else:
            if not found.string:
                problems.append(f"{where}: empty translation")
            elif _placeholders(str(found.string)) != _placeholders(str(message.id)):
                problems.append(
                    f"{where}: placeholders {sorted(_placeholders(str(found.string)))} differ "
                    f"from {sorted(_placeholders(str(message.id)))}"
                )
    for message, errors in catalog.check():
        for error in errors:
            problems.append(f"{language}: {str(message.id)[:60]!r}: {error}")
    return problems


def problems(locales: Path | None = None) -> list[str]:
    """Every problem in every shipped catalog."""
    locales = locales or locales_dir()
    template = _read(locales / f"{DOMAIN}.pot")
    found = []
    for language in SUPPORTED_LANGUAGES:
        po = locales / language / "LC_MESSAGES" / f"{DOMAIN}.po"
        if not po.is_file():
            found.append(f"{language}: no catalog at {po}")
            continue
        found += catalog_problems(template, _read(po, language), language)
    return found


if __name__ == "__main__":
    lines = problems()
    print("\n".join(lines) or "all catalogs complete")
    sys.exit(1 if lines else 0)
