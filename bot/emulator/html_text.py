"""Telegram's HTML parse mode: the text a reader sees, its entities, and the parse errors.

Telegram does not use a general HTML parser: it knows a handful of tags, four named character
entities plus numeric ones, and refuses everything else with "can't parse entities". Entity
offsets and lengths are counted in UTF-16 code units, as the Bot API specifies.

Two rules are held as the Bot API documents them, which is stricter than Telegram's servers:
every "&" that does not start an entity must be written "&amp;" (in the text and in attribute
values; "&nbsp;" is not an entity Telegram knows), and "<code>" takes no class but
"language-…" (the way to give a pre block its programming language). Telegram itself keeps
such an "&" as written and ignores another class; the emulator refuses both, so that a bot
that breaks the documented rules fails its tests instead of showing a stray "&nbsp;" or
losing a code block's language.
"""

import re
from dataclasses import dataclass, field
from typing import Any

from bot.emulator.errors import ApiError, bad_request

# Tag name -> entity type. "span" and "tg-emoji" need an attribute, checked below.
TAG_ENTITIES = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
# Telegram reads a hexadecimal reference only with a lower-case "x".
_ENTITY = re.compile(r"&(#[0-9]{1,8}|#x[0-9a-fA-F]{1,8}|[a-zA-Z]{1,8});")
_TAG_NAME = re.compile(r"[a-zA-Z][a-zA-Z0-9-]*")
_ATTRIBUTE = re.compile(r"""\s*([a-zA-Z-]+)\s*(?:=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+)))?""")


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit of Telegram's limits and entity offsets."""
    return len(text.encode("utf-16-le")) // 2


def _error(detail: str) -> ApiError:
    return bad_request(f"can't parse entities: {detail}")


@dataclass
class _Open:
    tag: str
    offset: int
    attributes: dict[str, str] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)


def _decode_entity(match: re.Match[str]) -> str | None:
    name = match.group(1)
    if name.startswith("#x"):
        code = int(name[2:], 16)
    elif name.startswith("#"):
        code = int(name[1:])
    else:
        return NAMED_ENTITIES.get(name)
    # An impossible code point is no character: the "&" does not start an entity.
    return chr(code) if 0 < code < 0x10FFFF and not 0xD800 <= code <= 0xDFFF else None


def _bare_ampersand(at: int) -> ApiError:
    return _error(f'Character "&" at byte offset {at} does not start an entity; write "&amp;"')


class _Parser:
    def __init__(self, source: str) -> None:
        self.source = source
        self.out: list[str] = []
        self.length = 0  # UTF-16 units written so far
        self.stack: list[_Open] = []
        self.entities: list[dict[str, Any]] = []

    def byte_offset(self, index: int) -> int:
        return len(self.source[:index].encode("utf-8"))

    def emit(self, text: str) -> None:
        self.out.append(text)
        self.length += utf16_len(text)

    def entity(self, i: int) -> tuple[str, int]:
        """The character an entity at i stands for, and the index after it."""
        match = _ENTITY.match(self.source, i)
        decoded = _decode_entity(match) if match else None
        if match is None or decoded is None:
            raise _bare_ampersand(self.byte_offset(i))
        return decoded, match.end()

    def attribute_value(self, start: int, end: int) -> str:
        """An attribute's value between source indexes start and end, entities decoded."""
        parts, i = [], start
        while i < end:
            amp = self.source.find("&", i, end)
            if amp < 0:
                parts.append(self.source[i:end])
                break
            parts.append(self.source[i:amp])
            decoded, i = self.entity(amp)
            parts.append(decoded)
        return "".join(parts)

    def run(self) -> tuple[str, list[dict[str, Any]]]:
        text, i = self.source, 0
        while i < len(text):
            char = text[i]
            if char == "&":
                decoded, i = self.entity(i)
                self.emit(decoded)
            elif char == "<":
                i = self.end_tag(i) if text.startswith("</", i) else self.start_tag(i)
            else:
                j = i
                while j < len(text) and text[j] not in "&<":
                    j += 1
                self.emit(text[i:j])
                i = j
        if self.stack:
            raise _error(f'Can\'t find end tag corresponding to start tag "{self.stack[-1].tag}"')
        self.entities.sort(key=lambda e: (e["offset"], -e["length"]))
        return "".join(self.out), self.entities

    def start_tag(self, i: int) -> int:
        at = self.byte_offset(i)
        match = _TAG_NAME.match(self.source, i + 1)
        name = match.group(0).lower() if match else ""
        if name not in TAG_ENTITIES:
            raise _error(f'Unsupported start tag "{name}" at byte offset {at}')
        j = match.end() if match else i + 1
        close = self.source.find(">", j)
        if close < 0:
            raise _error(f'Unclosed start tag "{name}" at byte offset {at}')
        attributes: dict[str, str] = {}
        for attr in _ATTRIBUTE.finditer(self.source[j:close].rstrip("/ ")):
            if attr.group(1):
                group = next((g for g in (2, 3, 4) if attr.group(g) is not None), None)
                value = (
                    self.attribute_value(j + attr.start(group), j + attr.end(group))
                    if group is not None
                    else ""
                )
                attributes[attr.group(1).lower()] = value
        language = attributes.get("class", "language-")
        if name == "code" and not language.startswith("language-"):
            raise _error(
                f'Tag "code" may have no class but "language-…" at byte offset {at}, '
                f'found "{language}"'
            )
        if name == "span" and attributes.get("class") != "tg-spoiler":
            raise _error(f'Tag "span" must have class "tg-spoiler" at byte offset {at}')
        if name == "tg-emoji" and not attributes.get("emoji-id"):
            raise _error(f'Tag "tg-emoji" must have attribute "emoji-id" at byte offset {at}')
        self.stack.append(_Open(name, self.length, attributes))
        return close + 1

    def end_tag(self, i: int) -> int:
        close = self.source.find(">", i)
        if close < 0:
            raise _error(f"Unclosed end tag at byte offset {self.byte_offset(i)}")
        name = self.source[i + 2 : close].strip().lower()
        if not self.stack:
            raise _error(f"Unexpected end tag at byte offset {self.byte_offset(i)}")
        top = self.stack[-1]
        if name != top.tag:
            raise _error(
                f"Unmatched end tag at byte offset {self.byte_offset(i)}, "
                f'expected "</{top.tag}>", found "</{name}>"'
            )
        self.stack.pop()
        self.close_entity(top)
        return close + 1

    def close_entity(self, item: _Open) -> None:
        kind = TAG_ENTITIES[item.tag]
        length = self.length - item.offset
        parent = self.stack[-1] if self.stack else None
        language = item.attributes.get("class", "")
        if kind == "code" and parent and parent.tag == "pre" and language.startswith("language-"):
            # <pre><code class="language-x"> is one pre entity with a language.
            parent.extra["language"] = language.removeprefix("language-")
            return
        if length == 0:
            return  # Telegram drops empty entities
        entity: dict[str, Any] = {"type": kind, "offset": item.offset, "length": length}
        entity.update(item.extra)
        if kind == "text_link":
            if not item.attributes.get("href"):
                return  # an <a> without href is plain text
            entity["url"] = item.attributes["href"]
        elif kind == "custom_emoji":
            entity["custom_emoji_id"] = item.attributes["emoji-id"]
        elif kind == "blockquote" and "expandable" in item.attributes:
            entity["type"] = "expandable_blockquote"
        self.entities.append(entity)


def parse_html(source: str) -> tuple[str, list[dict[str, Any]]]:
    """Parse Telegram HTML into (plain text, entities); raise ApiError like Telegram does."""
    return _Parser(source).run()


def strip_html(source: str) -> str:
    """Plain text of Telegram HTML, or the source itself if it does not parse."""
    try:
        return parse_html(source)[0]
    except ApiError:
        return source
