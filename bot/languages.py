"""The languages the bot can speak, with their direction; one place for the list."""

# Order is the picker's order.
SUPPORTED_LANGUAGES: tuple[str, ...] = ("de", "en", "tr", "ar", "ru", "uk", "fa", "pl")
RIGHT_TO_LEFT: frozenset[str] = frozenset({"ar", "fa"})


def is_rtl(language: str) -> bool:
    """True for languages written right to left."""
    return language in RIGHT_TO_LEFT
