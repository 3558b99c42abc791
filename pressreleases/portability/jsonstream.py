"""Read a large JSON object one top-level member at a time, and its arrays one item at a time.

An export of 100,000 releases is several hundred megabytes; `json.load` would hold all of it as
Python objects at once. `members()` keeps only a buffer and the item being decoded in memory,
which lets the importer read the same file twice (validate, then write) in constant memory.
"""

import json
import re
from collections.abc import Iterator
from typing import Any, TextIO

BUFFER_CHARS = 1 << 20
# A single item (one release with its quotes) bigger than this is refused rather than buffered.
MAX_ITEM_CHARS = 64 << 20

TRUNCATED = "the document ends too early (is the file truncated?)."

_WHITESPACE = re.compile(r"[ \t\n\r]*")
_decoder = json.JSONDecoder()


class JSONStreamError(ValueError):
    """The text is not the JSON object expected; the message names the line."""


class _Buffer:
    def __init__(self, stream: TextIO, buffer_chars: int):
        self.stream = stream
        self.buffer_chars = buffer_chars
        self.text = ""
        self.pos = 0
        self.line = 1  # line number of text[0]
        self.at_eof = False

    def fill(self) -> bool:
        """Append the next block of the stream; False at the end of the stream."""
        if self.at_eof:
            return False
        block = self.stream.read(self.buffer_chars)
        if not block:
            self.at_eof = True
            return False
        self.line += self.text.count("\n", 0, self.pos)
        self.text = self.text[self.pos :] + block
        self.pos = 0
        return True

    def error(self, message: str, at: int | None = None) -> JSONStreamError:
        line = self.line + self.text.count("\n", 0, self.pos if at is None else at)
        return JSONStreamError(f"line {line}: {message}")

    def peek(self) -> str:
        """The next non-blank character, or "" at the end of the stream."""
        while True:
            self.pos = _WHITESPACE.match(self.text, self.pos).end()
            if self.pos < len(self.text) or not self.fill():
                return self.text[self.pos : self.pos + 1]

    def expect(self, char: str, what: str) -> None:
        found = self.peek()
        if found != char:
            raise self.error(f"expected {what}, found {_describe(found)}.")
        self.pos += 1

    def value(self) -> Any:
        if not self.peek():
            raise self.error(TRUNCATED)
        while True:
            try:
                value, end = _decoder.raw_decode(self.text, self.pos)
            except json.JSONDecodeError as error:
                # The value may simply continue past the buffer; only more text can tell.
                if len(self.text) - self.pos < MAX_ITEM_CHARS and self.fill():
                    continue
                if self.at_eof and (
                    error.pos >= len(self.text) - 1 or error.msg.startswith("Unterminated string")
                ):
                    raise self.error(TRUNCATED) from None
                raise self.error(f"not valid JSON: {error.msg}.", at=error.pos) from None
            # A number that touches the end of the buffer may have more digits to come.
            if end == len(self.text) and self.fill():
                continue
            self.pos = end
            return value

    def items(self) -> Iterator[Any]:
        self.expect("[", "a list")
        if self.peek() == "]":
            self.pos += 1
            return
        while True:
            yield self.value()
            following = self.peek()
            self.pos += 1
            if following == "]":
                return
            if following != ",":
                self.pos -= 1
                raise self.error(f"expected ',' or ']' in a list, found {_describe(following)}.")


def _describe(char: str) -> str:
    return repr(char) if char else "the end of the file (is it truncated?)"


def members(stream: TextIO, *, buffer_chars: int = BUFFER_CHARS) -> Iterator[tuple[str, Any]]:
    """Yield `(key, value)` for each member of the JSON object in `stream`, in document order.

    A list value is yielded as an iterator over its items, which must be consumed (or is skipped)
    before the next member is read; any other value is decoded whole. Raises JSONStreamError
    on malformed or truncated text, duplicate keys, or anything after the closing brace.
    """
    buffer = _Buffer(stream, buffer_chars)
    buffer.expect("{", "a JSON object")
    if buffer.peek() == "}":
        buffer.pos += 1
    else:
        seen: set[str] = set()
        while True:
            if buffer.peek() != '"':
                raise buffer.error(f"expected a key, found {_describe(buffer.peek())}.")
            key = buffer.value()
            if key in seen:
                raise buffer.error(f"the key {key!r} appears twice.")
            seen.add(key)
            buffer.expect(":", "':'")
            if buffer.peek() == "[":
                items = buffer.items()
                yield key, items
                for _ in items:
                    pass
            else:
                yield key, buffer.value()
            following = buffer.peek()
            buffer.pos += 1
            if following == "}":
                break
            if following != ",":
                buffer.pos -= 1
                raise buffer.error(f"expected ',' or '}}', found {_describe(following)}.")
    if buffer.peek():
        raise buffer.error("unexpected text after the end of the document.")
