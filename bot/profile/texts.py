"""The profile texts: composed from the procedure file and the catalogs, measured as Telegram
measures them.

The description (what a person sees in the empty chat before pressing Start) says what the
procedure is and whose it is (the procedure's title and description), how voting works in one
line, and that taking part is free and offered in several languages. The short description
(the profile page, a shared link) is the procedure's one-sentence invitation, else its title.
Both are plain text: Telegram shows them without formatting.
"""

from dataclasses import dataclass

from bot.i18n import Catalogs, Translator
from bot.procedure import Procedure
from bot.voting.entry import method_line

DESCRIPTION = "description"
SHORT_DESCRIPTION = "short_description"
# Telegram's limits (setMyDescription 0-512, setMyShortDescription 0-120 characters), counted
# as Telegram counts every text length: in UTF-16 code units.
LIMITS = {DESCRIPTION: 512, SHORT_DESCRIPTION: 120}
EVERYONE = ""  # language_code "": the texts for every reader without a language of their own


def utf16_length(text: str) -> int:
    """The length Telegram counts: UTF-16 code units (an emoji outside the BMP counts two)."""
    return len(text.encode("utf-16-le")) // 2


@dataclass(frozen=True)
class ProfileText:
    """One text to set: its kind, its language ("" for everyone else) and the text."""

    kind: str
    language: str
    text: str

    @property
    def length(self) -> int:
        """The text's length as Telegram counts it."""
        return utf16_length(self.text)

    @property
    def limit(self) -> int:
        """Telegram's limit for this kind of text."""
        return LIMITS[self.kind]

    @property
    def excess(self) -> int:
        """How much too long the text is (0 when it fits)."""
        return max(0, self.length - self.limit)


def description(t: Translator, procedure: Procedure) -> str:
    """The description in the translator's language, marked for right-to-left display."""
    language = t.language
    how = method_line(t, procedure)
    start = t.ngettext(
        "Tap the button below to take part. Free of charge, in %(count)d language.",
        "Tap the button below to take part. Free of charge, in %(count)d languages.",
        len(procedure.languages),
    )
    text = "\n\n".join(
        (
            procedure.text(procedure.title, language),
            procedure.text(procedure.description, language),
            f"{how}\n{start}",
        )
    )
    # Telegram lays a paragraph out in the direction of its first strong character: the
    # Arabic title "Zusammen.Lübeck.Leben! (معًا …)" begins with Latin letters and would be
    # shown left to right. The same marks as in chat messages (bot/i18n.py's bidi).
    return t.bidi(text)


def short_description(t: Translator, procedure: Procedure) -> str:
    """The invitation (else the title) in the translator's language, marked for RTL."""
    sentence = procedure.invitation or procedure.title
    return t.bidi(procedure.text(sentence, t.language))


def profile_texts(procedure: Procedure, catalogs: Catalogs) -> list[ProfileText]:
    """Both texts for every offered language, then the default language's texts once more
    for everyone else (no language_code)."""
    texts = []
    for language in (*procedure.languages, EVERYONE):
        t = catalogs.translator(language or procedure.default_language)
        texts.append(ProfileText(DESCRIPTION, language, description(t, procedure)))
        texts.append(ProfileText(SHORT_DESCRIPTION, language, short_description(t, procedure)))
    return texts


def problems(texts: list[ProfileText]) -> list[str]:
    """One line per text over Telegram's limit, naming the language and by how much. The
    texts for everyone else repeat the default language's and are not named twice."""
    names = {DESCRIPTION: "description", SHORT_DESCRIPTION: "short description"}
    return [
        f"the bot's {names[item.kind]} in {item.language} is {item.length} characters "
        f"(as Telegram counts them), Telegram shows at most {item.limit}: "
        f"{item.excess} too long; shorten the procedure's "
        + ("title or description" if item.kind == DESCRIPTION else "invitation (or title)")
        + f" in {item.language}"
        for item in texts
        if item.excess and item.language != EVERYONE
    ]
