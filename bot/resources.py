"""Where the shipped data lives: the translation catalogs and the example procedures.

In a wheel they are inside the package (``bot/locales``, ``bot/procedures``); in a source
checkout (editable install, tests) they are at the top of the repository, where translators
and staff find them.
"""

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _shipped(name: str) -> Path:
    inside = _PACKAGE / name
    return inside if inside.is_dir() else _PACKAGE.parent / name


def locales_dir() -> Path:
    """The folder with messages.pot and <lang>/LC_MESSAGES/messages.po."""
    return _shipped("locales")


def procedures_dir() -> Path:
    """The folder with the shipped procedure files."""
    return _shipped("procedures")


def example_procedure() -> Path:
    """The shipped example procedure, the default for BOT_PROCEDURE."""
    return procedures_dir() / "luebeck-example.toml"
