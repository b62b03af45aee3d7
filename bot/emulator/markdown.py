"""Telegram's MarkdownV2 (and legacy Markdown) parse modes: plain text, entities, errors.

MarkdownV2 is strict: every reserved character outside an entity marker must be escaped with a
backslash, and Telegram refuses the message otherwise. Legacy Markdown knows fewer markers and
no reserved characters. Offsets are UTF-16 code units.
"""

from typing import Any

from bot.emulator.errors import ApiError, bad_request
from bot.emulator.html_text import utf16_len

RESERVED_V2 = set("_*[]()~`>#+-=|{}.!")
_NAMES = {
    "bold": "Bold",
    "italic": "Italic",
    "underline": "Underline",
    "strikethrough": "Strikethrough",
    "spoiler": "Spoiler",
    "text_link": "TextUrl",
}


def _error(detail: str) -> ApiError:
    return bad_request(f"can't parse entities: {detail}")


class _Parser:
    def __init__(self, source: str, legacy: bool) -> None:
        self.source = source
        self.legacy = legacy
        self.out: list[str] = []
        self.length = 0
        # Open entities: (type, UTF-16 offset, byte offset of the opening marker).
        self.stack: list[tuple[str, int, int]] = []
        self.entities: list[dict[str, Any]] = []
        self.quote: int | None = None  # UTF-16 offset of an open ">" block quotation

    def byte_offset(self, index: int) -> int:
        return len(self.source[:index].encode("utf-8"))

    def emit(self, text: str) -> None:
        self.out.append(text)
        self.length += utf16_len(text)

    def marker(self, i: int) -> tuple[str | None, int]:
        """The entity type a marker at i toggles, and the marker's width."""
        text = self.source
        if text[i] == "*":
            return "bold", 1
        if text[i] == "_":
            if not self.legacy and text.startswith("__", i):
                return "underline", 2
            return "italic", 1
        if self.legacy:
            return None, 1
        if text[i] == "~":
            return "strikethrough", 1
        if text.startswith("||", i):
            return "spoiler", 2
        return None, 1

    def toggle(self, kind: str, i: int) -> None:
        open_kinds = [item[0] for item in self.stack]
        if kind not in open_kinds:
            self.stack.append((kind, self.length, self.byte_offset(i)))
            return
        if self.stack[-1][0] != kind:
            _, _, at = self.stack[-1]
            raise _error(
                f"Can't find end of {_NAMES[self.stack[-1][0]]} entity at byte offset {at}"
            )
        _, offset, _ = self.stack.pop()
        self.add(kind, offset)

    def add(self, kind: str, offset: int, **extra: Any) -> None:
        if self.length > offset:
            self.entities.append({"type": kind, "offset": offset, "length": self.length - offset})
            self.entities[-1].update(extra)

    def code(self, i: int) -> int:
        """Inline code or a pre block starting at the backtick at i; returns the next index."""
        text, fence = self.source, "```" if self.source.startswith("```", i) else "`"
        j, chunk = i + len(fence), []
        while j < len(text) and not text.startswith(fence, j):
            if text[j] == "\\" and not self.legacy and j + 1 < len(text):
                j += 1
            chunk.append(text[j])
            j += 1
        if j >= len(text):
            kind = "Pre" if fence == "```" else "Code"
            raise _error(f"Can't find end of {kind} entity at byte offset {self.byte_offset(i)}")
        body, extra = "".join(chunk), {}
        if fence == "```" and "\n" in body:
            first, rest = body.split("\n", 1)
            if first.strip() and " " not in first.strip():
                body, extra = rest, {"language": first.strip()}
        start = self.length
        self.emit(body)
        self.add("pre" if fence == "```" else "code", start, **extra)
        return j + len(fence)

    def link(self, i: int) -> int:
        """A ']' closing a link text at i: read "(url)" and add the text_link entity."""
        text = self.source
        if not text.startswith("(", i + 1):
            raise _error(f"Can't find end of a URL at byte offset {self.byte_offset(i)}")
        end = i + 2
        while end < len(text) and text[end] != ")":
            end += 2 if text[end] == "\\" else 1
        if end >= len(text):
            raise _error(f"Can't find end of a URL at byte offset {self.byte_offset(i)}")
        url = text[i + 2 : end].replace("\\)", ")").replace("\\\\", "\\")
        _, offset, _ = self.stack.pop()
        self.add("text_link", offset, url=url)
        return end + 1

    def run(self) -> tuple[str, list[dict[str, Any]]]:
        text, i = self.source, 0
        while i < len(text):
            char = text[i]
            if char == "\\" and i + 1 < len(text) and (not self.legacy or text[i + 1] in "_*`["):
                self.emit(text[i + 1])
                i += 2
            elif char == ">" and not self.legacy and (i == 0 or text[i - 1] == "\n"):
                if self.quote is None:
                    self.quote = self.length
                i += 1
            elif char == "\n" and self.quote is not None and not text.startswith(">", i + 1):
                # A quotation ends with the last line that starts with ">".
                self.add("blockquote", self.quote)
                self.quote = None
                self.emit(char)
                i += 1
            elif char == "`":
                i = self.code(i)
            elif char == "[":
                self.stack.append(("text_link", self.length, self.byte_offset(i)))
                i += 1
            elif char == "]" and self.stack and self.stack[-1][0] == "text_link":
                i = self.link(i)
            elif (marked := self.marker(i))[0] is not None:
                kind, width = marked
                self.toggle(str(kind), i)
                i += width
            elif not self.legacy and char in RESERVED_V2:
                raise _error(
                    f"Character '{char}' is reserved and must be escaped with the preceding '\\'"
                )
            else:
                self.emit(char)
                i += 1
        if self.stack:
            kind, _, at = self.stack[-1]
            raise _error(f"Can't find end of {_NAMES[kind]} entity at byte offset {at}")
        if self.quote is not None:
            self.add("blockquote", self.quote)
        self.entities.sort(key=lambda e: (e["offset"], -e["length"]))
        return "".join(self.out), self.entities


def parse_markdown_v2(source: str) -> tuple[str, list[dict[str, Any]]]:
    """Parse MarkdownV2 into (plain text, entities); raise ApiError like Telegram does."""
    return _Parser(source, legacy=False).run()


def parse_markdown(source: str) -> tuple[str, list[dict[str, Any]]]:
    """Parse legacy Markdown into (plain text, entities)."""
    return _Parser(source, legacy=True).run()
