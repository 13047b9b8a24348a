"""Turn raw bulletin bytes into normalised plain text: decoded, de-marked-up, whitespace fixed."""

from __future__ import annotations

import html
import re
import unicodedata
from html.parser import HTMLParser

_BLOCK_TAGS = {
    "p", "div", "br", "li", "ul", "ol", "tr", "table", "section", "article", "header", "footer",
    "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "hr", "dd", "dt", "title", "main",
}
_DROP_TAGS = {"script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "head"}


class DecodeError(ValueError):
    """The bytes are not text we can read."""


def decode(data: bytes) -> str:
    """Decode bytes as text, replacing invalid UTF-8 rather than failing.

    Binary content (NUL bytes, many control characters) raises DecodeError so that it is
    rejected with a reason instead of being indexed as garbage.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    if b"\x00" in data[:8192]:
        raise DecodeError("binary content (NUL bytes), not a text bulletin")
    text = data.decode("utf-8", errors="replace")
    sample = text[:20000]
    if sample:
        controls = sum(1 for ch in sample if unicodedata.category(ch) == "Cc" and ch not in "\r\n\t\f")
        bad = sample.count("\ufffd")
        if controls / len(sample) > 0.05:
            raise DecodeError("binary content (control characters), not a text bulletin")
        if bad / len(sample) > 0.3:
            raise DecodeError("not UTF-8 text (most characters are invalid)")
    return text


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.title_parts: list[str] = []
        self.h1_parts: list[str] = []
        self._drop = 0
        self._in_title = False
        self._in_h1 = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _DROP_TAGS:
            self._drop += 1
        if tag == "title":
            self._in_title = True
        if tag == "h1":
            self._in_h1 = True
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _DROP_TAGS and self._drop:
            self._drop -= 1
        if tag == "title":
            self._in_title = False
        if tag == "h1":
            self._in_h1 = False
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title_parts.append(data)
            return
        if self._drop:
            return
        if self._in_h1:
            self.h1_parts.append(data)
        self.parts.append(data)


def strip_html(markup: str) -> tuple[str, str | None]:
    """Return (text, title) of an HTML page; scripts, styles and comments never reach the text."""
    parser = _TextExtractor()
    parser.feed(markup)
    parser.close()
    title = " ".join("".join(parser.title_parts).split()) or " ".join("".join(parser.h1_parts).split())
    return "".join(parser.parts), (title or None)


_MD_SYNTAX = [
    (re.compile(r"^\s{0,3}#{1,6}\s*", re.M), ""),
    (re.compile(r"!\[([^\]]*)\]\([^)]*\)"), r"\1"),
    (re.compile(r"\[([^\]]+)\]\([^)]*\)"), r"\1"),
    (re.compile(r"(\*\*|__)(.+?)\1"), r"\2"),
    (re.compile(r"^\s{0,3}>\s?", re.M), ""),
    (re.compile(r"^\s*[-*+]\s+", re.M), ""),
    (re.compile(r"`([^`]*)`"), r"\1"),
]
_MD_HEADING = re.compile(r"^\s{0,3}#\s+(.+)$", re.M)
_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*\n", re.S)


def front_matter(text: str) -> tuple[dict[str, str], str]:
    """Split simple ``key: value`` front matter (as in Markdown bulletins) from the body."""
    m = _FRONT_MATTER.match(text)
    if not m:
        return {}, text
    meta: dict[str, str] = {}
    for line in m.group(1).splitlines():
        if ":" in line:
            key, _, value = line.partition(":")
            meta[key.strip().lower()] = value.strip().strip("\"'")
    return meta, text[m.end():]


def strip_markdown(text: str) -> tuple[str, str | None]:
    """Remove the Markdown syntax a reader does not see; the first H1 is the title.

    Inline HTML in Markdown is stripped like HTML, so markup cannot ride in through a .md file.
    """
    heading = _MD_HEADING.search(text)
    if "<" in text and re.search(r"</?[a-zA-Z][^>]*>", text):
        text, _ = strip_html(text)
    for pattern, repl in _MD_SYNTAX:
        text = pattern.sub(repl, text)
    return text, (heading.group(1).strip() if heading else None)


_SPACES = re.compile(r"[ \t\f\v\u00a0\u2000-\u200b\u3000]+")
_BLANKS = re.compile(r"\n{3,}")


def normalise(text: str) -> str:
    """Canonical text that offsets point into: NFC, entities decoded, one space, at most one blank line."""
    text = html.unescape(text)
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "")
    text = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch) != "Cc")
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return _BLANKS.sub("\n\n", "\n".join(lines)).strip()
