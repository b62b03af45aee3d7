"""Broadcast texts as Telegram will read them: the formatting staff wrote in the chat, the small
Markdown they write in files for the command line, the note for untranslated languages, and
the length each language group's message will have.

Every text made here is valid Telegram HTML as the Bot API documents it: "&", "<" and ">"
escaped in text and attribute values, and a code block's language given as
`<pre><code class="language-…">`.
"""

import html
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from telegram import MessageEntity

from bot.chat.text import MAX_MESSAGE, escape, plain, visible_length
from bot.i18n import Catalogs, Translator

INVISIBLE = "\u200b\u200c\u200d\u200e\u200f\u2060\ufeff"


def is_blank(text_html: str) -> bool:
    """True when nothing readable is left: only spaces or invisible characters."""
    return not plain(text_html).strip().strip(INVISIBLE).strip()


def too_long(text_html: str) -> int | None:
    """The length when it is over Telegram's limit, else None."""
    length = visible_length(text_html)
    return length if length > MAX_MESSAGE else None


class Messages(dict[str, str]):
    """The message per offered language. A subscriber may still read a language that the
    procedure no longer offers (it was taken out of the file after they chose it): any such
    language reads `fallback`, the default-language text with the note in the default
    language, whether asked with [] or get()."""

    def __init__(self, offered: Mapping[str, str], fallback: str) -> None:
        super().__init__(offered)
        self.fallback = fallback

    def __missing__(self, language: str) -> str:
        return self.fallback

    def get(self, language: str, default: object = None, /) -> str:
        """The message for this language (the fallback for one no longer offered)."""
        return self[language]


def texts_for_all(
    catalogs: Catalogs,
    languages: tuple[str, ...],
    default: str,
    written: dict[str, str],
    heading: Callable[[Translator], str] | None = None,
) -> Messages:
    """The message per language: the translation staff wrote, or the default-language text
    with a one-line note in the reader's language; under the `heading` in the reader's
    language when there is one (it counts in the message's length like the rest)."""

    def message(language: str, translated: bool) -> str:
        t = catalogs.translator(language)
        parts = [t.bidi(heading(t))] if heading is not None else []
        if translated:
            return "\n\n".join([*parts, written[language]])
        note = t.gettext("(This news is not yet available in your language.)")
        return "\n\n".join([*parts, t.bidi(f"<i>{escape(note)}</i>"), written[default]])

    offered = {language: message(language, language in written) for language in languages}
    return Messages(offered, message(default, False))


def over_the_limit(messages: Mapping[str, str], languages: Iterable[str]) -> dict[str, int]:
    """language -> length (as Telegram counts it) of the groups whose message is too long."""
    lengths = {language: visible_length(messages[language]) for language in languages}
    return {language: n for language, n in sorted(lengths.items()) if n > MAX_MESSAGE}


# --- the formatting staff wrote in the chat -------------------------------------------------


@dataclass(frozen=True)
class _Tag:
    end: int  # UTF-16 offset where it closes
    closing: str


def _opening(entity: MessageEntity) -> tuple[str, str] | None:
    """The tags that give an entity back its formatting (None: plain text, such as a
    hashtag, which Telegram finds again by itself)."""
    simple = {
        MessageEntity.BOLD: "b",
        MessageEntity.ITALIC: "i",
        MessageEntity.UNDERLINE: "u",
        MessageEntity.STRIKETHROUGH: "s",
        MessageEntity.SPOILER: "tg-spoiler",
        MessageEntity.CODE: "code",
        MessageEntity.BLOCKQUOTE: "blockquote",
    }
    kind = entity.type
    if kind in simple:
        return f"<{simple[kind]}>", f"</{simple[kind]}>"
    if kind == MessageEntity.EXPANDABLE_BLOCKQUOTE:
        return "<blockquote expandable>", "</blockquote>"
    if kind == MessageEntity.PRE and entity.language:
        # Only "language-…" gives a pre block its language (python-telegram-bot's text_html
        # writes the bare language, which Telegram does not take).
        language = html.escape(f"language-{entity.language}")
        return f'<pre><code class="{language}">', "</code></pre>"
    if kind == MessageEntity.PRE:
        return "<pre>", "</pre>"
    if kind == MessageEntity.TEXT_LINK and entity.url:
        return f'<a href="{html.escape(entity.url)}">', "</a>"
    if kind == MessageEntity.TEXT_MENTION and entity.user:
        return f'<a href="tg://user?id={entity.user.id}">', "</a>"
    if kind == MessageEntity.CUSTOM_EMOJI and entity.custom_emoji_id:
        return f'<tg-emoji emoji-id="{html.escape(entity.custom_emoji_id)}">', "</tg-emoji>"
    return None


def message_html(text: str, entities: Sequence[MessageEntity]) -> str:
    """A message someone wrote (text and entities, as Telegram delivers it) as Telegram HTML
    that reads back the same: the text escaped, each formatting entity a tag, attribute values
    escaped (a link's "&" becomes "&amp;")."""
    units = text.encode("utf-16-le")

    def piece(start: int, end: int) -> str:
        return escape(units[2 * start : 2 * end].decode("utf-16-le"))

    out: list[str] = []
    position = 0
    stack: list[_Tag] = []

    def close_until(offset: int) -> None:
        nonlocal position
        while stack and stack[-1].end <= offset:
            tag = stack.pop()
            out.append(piece(position, tag.end) + tag.closing)
            position = tag.end

    # Telegram's entities nest (one contains the other, or they do not meet): outer ones first.
    for entity in sorted(entities, key=lambda e: (e.offset, -e.length)):
        tags = _opening(entity)
        if tags is None or entity.length <= 0:
            continue
        close_until(entity.offset)
        end = entity.offset + entity.length
        if stack:
            end = min(end, stack[-1].end)  # never cross the tag it sits in
        out.append(piece(position, entity.offset) + tags[0])
        position = entity.offset
        stack.append(_Tag(end, tags[1]))
    close_until(len(units) // 2)
    out.append(piece(position, len(units) // 2))
    return "".join(out)


# --- Markdown files for the command line ----------------------------------------------------

_LINK = re.compile(r"\[([^\]]+)\]\((https?://[^)\s]+)\)")
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_ITALIC = re.compile(r"(?<![\w*])[*_](?!\s)(.+?)(?<!\s)[*_](?![\w*])")


_SLOT = re.compile("\ue000([0-9]+)\ue001")  # where a link waits while bold and italics are found


def markdown_to_html(markdown: str) -> str:
    """**bold**, *italic* or _italic_, and [links](https://…) to Telegram HTML; everything
    else is plain text (escaped)."""
    text = escape(markdown.strip())
    links: list[str] = []

    def put_aside(match: re.Match[str]) -> str:
        # The text is escaped already: the address goes back to what was written and is
        # escaped once for the attribute ("&" as "&amp;", quotes too). Set aside, so that a
        # "_" or "*" in it is not taken for italics.
        links.append(html.escape(html.unescape(match.group(2))))
        return f"\ue000{len(links) - 1}\ue001{match.group(1)}\ue000\ue001"

    text = _LINK.sub(put_aside, text)
    text = _BOLD.sub(r"<b>\1</b>", text)
    text = _ITALIC.sub(r"<i>\1</i>", text)
    text = _SLOT.sub(lambda m: f'<a href="{links[int(m.group(1))]}">', text)
    return text.replace("\ue000\ue001", "</a>")
