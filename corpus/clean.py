"""Turn raw bulletin bytes into normalised plain text: decoded, de-marked-up, whitespace fixed."""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass

from bs4 import (
    BeautifulSoup,
    CData,
    Comment,
    Declaration,
    Doctype,
    NavigableString,
    ProcessingInstruction,
    Tag,
)

from corpus.patterns import rx


class DecodeError(ValueError):
    """The bytes are not text we can read."""


# Text in any script is broken up by spaces, line breaks or punctuation (Chinese and Japanese by their
# full-width commas and stops): sparse Chinese prose has one such character in seventeen. Random 16-bit units
# land in those ranges about once in 160 and, when short, pass the unassigned/private-use test; asked both,
# about one random file in a thousand still passes (measured on 20,000 of 40-400 bytes).
MIN_SEPARATED = 0.03


def _separated(sample: str) -> float:
    """The share of ``sample`` that is whitespace or punctuation (ASCII, CJK and full-width forms included)."""
    hits = sum(1 for ch in sample if ch.isspace() or unicodedata.category(ch).startswith("P"))
    return hits / len(sample)


def decode(data: bytes) -> str:
    """Decode bytes as text, replacing invalid UTF-8 rather than failing.

    Binary content (NUL bytes, many control characters) raises DecodeError so that it is
    rejected with a reason instead of being indexed as garbage. A byte-order mark only names an
    encoding, so what follows it is checked the same way: random bytes after a UTF-16 BOM decode
    to unassigned, private-use and surrogate code points, which no bulletin is written in.
    """
    encoding = "UTF-8"
    if data.startswith(b"\xef\xbb\xbf"):
        text = data[3:].decode("utf-8", errors="replace")
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "UTF-16"
        text = data.decode("utf-16", errors="replace")
    elif b"\x00" in data[:8192]:
        raise DecodeError("binary content (NUL bytes), not a text bulletin")
    else:
        text = data.decode("utf-8", errors="replace")
    sample = text[:20000]
    if sample:
        controls = sum(1 for ch in sample if unicodedata.category(ch) == "Cc" and ch not in "\r\n\t\f")
        bad = sample.count("\ufffd")
        if controls / len(sample) > 0.05:
            raise DecodeError("binary content (control characters), not a text bulletin")
        if bad / len(sample) > 0.3:
            raise DecodeError(f"not {encoding} text (most characters are invalid)")
        if encoding == "UTF-16":  # a wrong 16-bit decoding yields valid but meaningless code points
            odd = bad + sum(1 for ch in sample if unicodedata.category(ch) in ("Co", "Cn", "Cs"))
            if odd / len(sample) > 0.05 or _separated(sample) < MIN_SEPARATED:
                raise DecodeError("binary content (not readable as UTF-16 text), not a text bulletin")
    return text


_BLOCK_TAGS = {
    "p", "div", "br", "li", "ul", "ol", "tr", "table", "section", "article", "header", "footer",
    "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "hr", "dd", "dt", "title", "main", "caption",
    "thead", "tbody", "tfoot", "dl", "figure", "figcaption", "address",
}
_DROP_TAGS = {"script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "head", "button",
              "select", "input", "textarea", "form", "canvas", "audio", "video", "map"}
# Page furniture: navigation, site footers, side bars. Dropped from the text a bulletin is read from.
_BOILERPLATE_TAGS = {"nav", "aside", "footer", "menu"}
_BOILERPLATE_HINT = re.compile(
    r"(?:^|[\s_-])(?:nav|navbar|navigation|menu|breadcrumbs?|footer|sidebar|side-bar|share|social|cookies?|"
    r"skip|lang(?:uage)?-(?:switch|select)|topbar|top-bar|site-links)(?:$|[\s_-])", re.I)
_ROLE_BOILERPLATE = {"navigation", "banner", "contentinfo", "complementary", "search", "menu", "menubar"}
CELL_SEP = " | "


@dataclass(frozen=True)
class HtmlDocument:
    """What a page holds for a reader: body text (tables as rows of cells), its title and the site's name."""

    text: str
    title: str | None
    site: str | None
    furniture: str = ""  # text of the dropped header/footer and date metadata: where a page often dates itself


_DATE_META = re.compile(r"(?:^|[:._-])(?:date|published(?:_time)?|pubdate|issued|created)$", re.I)


def _is_boilerplate(tag: Tag) -> bool:
    if tag.name in _BOILERPLATE_TAGS:
        return True
    attrs = tag.attrs or {}
    if str(attrs.get("role", "")).lower() in _ROLE_BOILERPLATE:
        return True
    hint = " ".join([*(attrs.get("class") or []), str(attrs.get("id") or "")])
    return bool(hint and _BOILERPLATE_HINT.search(hint))


def _render(node: Tag, out: list[str]) -> None:
    """Text of ``node`` in reading order: blocks on their own lines, table cells kept apart by CELL_SEP.

    Iterative, so a page of a million nested elements cannot exhaust the stack."""
    _END = object()
    stack: list[object] = list(reversed(list(node.children)))
    while stack:
        child = stack.pop()
        if child is _END:
            out.append("\n")
            continue
        if isinstance(child, Comment | Doctype | Declaration | ProcessingInstruction | CData):
            continue
        if isinstance(child, NavigableString):
            out.append(str(child))
            continue
        if not isinstance(child, Tag) or child.name in _DROP_TAGS or _is_boilerplate(child):
            continue
        if child.name in ("td", "th"):
            previous = child.find_previous_sibling(True)
            if previous is not None and previous.name in ("td", "th"):
                out.append(CELL_SEP)
        if child.name == "tr":  # one row a line, so a table's rows stay together as a list
            stack.append(_END)
            stack.extend(reversed(list(child.children)))
            continue
        block = child.name in _BLOCK_TAGS
        if block:
            out.append("\n")
            stack.append(_END)
        stack.extend(reversed(list(child.children)))


def read_html(markup: str) -> HtmlDocument:
    """Read an HTML page with a real parser: scripts, styles, comments and page furniture (nav, footer,
    sidebars, breadcrumbs) never reach the text; a page-level <header> is kept apart as the site's name."""
    soup = BeautifulSoup(markup, "html.parser")
    title_tag = soup.find("title")
    title = " ".join(title_tag.get_text(" ").split()) if isinstance(title_tag, Tag) else ""
    site_parts: list[str] = []
    for header in soup.find_all("header"):
        if isinstance(header, Tag) and header.find_parent(["article", "main", "section"]) is None:
            parts: list[str] = []
            _render(header, parts)
            site_parts.append(" ".join("".join(parts).split()))
            header.decompose()
    body = soup.body if isinstance(soup.body, Tag) else soup
    furniture = [f"Published: {m.get('content')}" for m in soup.find_all("meta")
                 if isinstance(m, Tag) and _DATE_META.search(str(m.get("name") or m.get("property") or ""))
                 and m.get("content")]
    furniture += [f"Published: {t.get('datetime')}" for t in soup.find_all("time")
                  if isinstance(t, Tag) and t.get("datetime")]
    for tag in body.find_all(["footer", "header"]):
        if isinstance(tag, Tag):
            furniture.append(" ".join(tag.get_text("\n").split("\n")))
    out: list[str] = []
    _render(body, out)
    if not title:
        h1 = soup.find("h1")
        title = " ".join(h1.get_text(" ").split()) if isinstance(h1, Tag) else ""
    site = " ".join(p for p in site_parts if p) or None
    return HtmlDocument("".join(out), title or None, site, "\n".join([*site_parts, *furniture]))


def strip_html(markup: str) -> tuple[str, str | None]:
    """Return (text, title) of an HTML page; scripts, styles, comments and page furniture never reach the text."""
    doc = read_html(markup)
    return doc.text, doc.title


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


_MD_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?\s*$")
_MD_TABLE_ROW = re.compile(r"^\s*\|(.*)\|\s*$")
_MD_EMPHASIS = re.compile(r"(?<![\w*_])([*_]{1,2})(?=\S)(.+?)(?<=\S)\1(?![\w*_])")
# Possessive, so an unclosed <script> costs one pass, not one scan to the end of the file per tag.
_CLOSED_RAW = re.compile(r"<(script|style|template|iframe|noscript)\b[^>]*+>(?:[^<]++|<(?!/?\1\b))*+</\1\s*>", re.I)
_HTML_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.S)
_ANY_TAG = re.compile(r"</?[a-zA-Z][\w:-]*(?:\s[^<>]*)?/?>")


def _markdown_tables(text: str) -> str:
    """Pipe tables as rows of cells: the rule line dropped, each row one line with cells kept apart."""
    lines = []
    for line in text.split("\n"):
        if _MD_TABLE_RULE.match(line) and "|" in line:
            continue
        m = _MD_TABLE_ROW.match(line)
        if m:
            cells = [c.strip() for c in m.group(1).split("|")]
            line = CELL_SEP.join(cells)
        lines.append(line)
    return "\n".join(lines)


_RULE_LINE = re.compile(r"^\s*-{2,}(?:\s+-{2,})+\s*$")


def plain_tables(text: str) -> str:
    """Fixed-width text tables (a header, a rule of dashes per column, aligned rows) as rows of cells.

    Column bounds come from the rule line's dash groups; a row whose first cell is blank continues the row
    above it and keeps an empty first cell. Rows end at a blank line."""
    lines = text.split("\n")
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if _RULE_LINE.match(line) and out and out[-1].strip():
            spans = [(m.start(), m.end()) for m in rx(r"-{2,}").finditer(line)]
            bounds = [(s, spans[k + 1][0] if k + 1 < len(spans) else None) for k, (s, _) in enumerate(spans)]

            def cells(row: str, bounds: list[tuple[int, int | None]] = bounds) -> str:
                return CELL_SEP.join(row[s:e].strip() if e is not None else row[s:].strip() for s, e in bounds)

            out[-1] = cells(out[-1])
            i += 1
            while i < len(lines) and lines[i].strip():
                out.append(cells(lines[i]))
                i += 1
            continue
        out.append(line)
        i += 1
    return "\n".join(out)


def strip_markdown(text: str) -> tuple[str, str | None]:
    """Remove the Markdown syntax a reader does not see; the first H1 is the title.

    Inline HTML is removed tag by tag (closed scripts and styles with their content), never by an HTML
    parser that would let one unclosed ``<script>`` swallow the rest of the bulletin.
    """
    heading = _MD_HEADING.search(text)
    if "<" in text:
        text = _CLOSED_RAW.sub("", text)
        text = _HTML_COMMENT.sub("", text)
        text = _ANY_TAG.sub("", text)
    text = _markdown_tables(text)
    for pattern, repl in _MD_SYNTAX:
        text = pattern.sub(repl, text)
    text = _MD_EMPHASIS.sub(r"\2", text)
    return text, (heading.group(1).strip() if heading else None)


_SPACES = re.compile(r"[ \t\f\v\u00a0\u2000-\u200b\u3000]+")
_BLANKS = re.compile(r"\n{3,}")
# Unicode's control characters (category Cc: U+0000-001F, U+007F-009F) but the tab and the line feed; one regex
# pass instead of asking each character's category (2 s for 5 MB).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def normalise(text: str) -> str:
    """Canonical text that offsets point into: NFC, entities decoded, one space, at most one blank line."""
    text = html.unescape(text)
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "")
    text = _CONTROL.sub("", text)
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return _BLANKS.sub("\n\n", "\n".join(lines)).strip()
