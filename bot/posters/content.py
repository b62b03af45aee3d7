"""What one poster says, in its language: every text already translated, as data.

The motto: the example procedure's title starts with the motto the city's posters show,
"Zusammen.Lübeck.Leben!", followed in other languages by its translation in parentheses, then
" – " and the procedure's own name ("Zusammen.Lübeck.Leben! (Living together in Lübeck) –
Integration concept (example)"). A title of that shape is split into motto, gloss and name, so
the motto can stand out as the poster's headline; a title without " – " is the name alone.
The motto is drawn as written (left to right, in its own language) on every poster.
"""

import re
from dataclasses import dataclass

from bot.i18n import Translator, native_name
from bot.procedure import Field, Procedure

NBSP = "\u00a0"
_DASH = " – "  # between the motto and the procedure's name in the title
_GLOSS = re.compile(r"^(?P<motto>.+?)\s*(?P<gloss>\(.+\))$")


@dataclass(frozen=True)
class Poster:
    """One poster's texts and link; `language` says how they are laid out."""

    language: str
    motto: str  # e.g. "Zusammen.Lübeck.Leben!" (may be empty)
    gloss: str  # the motto's translation in parentheses, e.g. "(Living together in Lübeck)"
    title: str  # e.g. "Integration concept (example)"
    field: str  # "Action field: Language and education", or "" for a poster of the procedure
    invitation: str  # one sentence (the procedure's invitation, else its description)
    dates_label: str  # "Set your priorities"
    dates: str  # "From 14 January 2020 to 11 February 2020"
    link: str  # https://t.me/<bot>?start=…
    instruction: str  # how to use the code
    offer: str  # "Free of charge, in 8 languages."
    languages: tuple[str, ...]  # the offered languages, each named in itself
    sender: str  # who puts up the poster: the controller from the privacy section

    @property
    def file_title(self) -> str:
        """A title for the file's metadata: motto and name."""
        return " – ".join(part for part in (self.motto, self.title) if part)


def split_title(title: str) -> tuple[str, str, str]:
    """(motto, gloss, name) of a procedure title; ("", "", title) when it has no motto."""
    head, dash, name = title.partition(_DASH)
    if not dash or not name.strip():
        return "", "", title.strip()
    found = _GLOSS.match(head.strip())
    if found is None:
        return head.strip(), "", name.strip()
    return found["motto"], found["gloss"], name.strip()


def poster_content(
    t: Translator, procedure: Procedure, link: str, field: Field | None = None
) -> Poster:
    """The texts of the poster in the translator's language, around `link`."""
    language = t.language
    motto, gloss, title = split_title(procedure.text(procedure.title, language))
    invitation = procedure.text(procedure.invitation or procedure.description, language)
    voting = procedure.voting
    field_line = (
        t.gettext("Action field: %(title)s", title=procedure.text(field.title, language))
        if field is not None
        else ""
    )
    count = len(procedure.languages)
    return Poster(
        language=language,
        motto=motto,
        gloss=gloss,
        title=title,
        field=field_line,
        invitation=invitation,
        dates_label=t.gettext("Set your priorities"),
        dates=t.gettext(
            "From %(opens)s to %(closes)s",
            # A date is not broken over two lines ("11." / "Februar 2020").
            opens=t.date(voting.opens).replace(" ", NBSP),
            closes=t.date(voting.closes).replace(" ", NBSP),
        ),
        link=link,
        instruction=t.gettext(
            "Scan the code with your phone's camera, or open the link: the bot opens in Telegram."
        ),
        offer=t.ngettext(
            "Free of charge, in %(count)d language.",
            "Free of charge, in %(count)d languages.",
            count,
        ),
        languages=tuple(native_name(code) for code in procedure.languages),
        sender=procedure.text(procedure.privacy.controller, language),
    )
