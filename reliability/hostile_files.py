"""Hostile files, generated from a seed: what arrives in a folder of "bulletins" in real life and in attacks.

Each file says what must happen to it: ``accept`` (a real bulletin, however odd its name or markup: losing it
is data lost), ``reject`` (must not be indexed), ``either`` (indexed or refused, but accounted for, in time),
``skip`` (not a bulletin type or hidden: not even reported), ``one of`` (copies of one text: exactly one of
them indexed).
"""

from __future__ import annotations

import os
import random
from dataclasses import dataclass
from pathlib import Path

from reliability.bulletins import ordinary

LIMIT = 5 * 1024 * 1024
ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"


@dataclass(frozen=True)
class HostileFile:
    """One generated file: its path under the batch folder, what it is, and what must happen to it."""

    rel: str
    kind: str
    expect: str  # accept | reject | either | skip | one of


class _Writer:
    def __init__(self, root: Path, serial: int) -> None:
        self.root = root
        self.serial = serial
        self.files: list[HostileFile] = []

    def next_serial(self) -> int:
        self.serial += 1
        return self.serial

    def put(self, rel: str, data: bytes | str, kind: str, expect: str) -> None:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        old = 1_600_000_000  # an mtime well in the past, so the file's stamp is trusted
        os.utime(path, (old, old))
        self.files.append(HostileFile(rel, kind, expect))

    def special(self, rel: str, kind: str, expect: str, make: str, target: str = "") -> None:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if make == "fifo":
            os.mkfifo(path)
        else:
            os.symlink(target, path)
        self.files.append(HostileFile(rel, kind, expect))


def generate(root: Path, seed: int, first_serial: int, scale: float = 1.0,
             outside_dir: Path | None = None) -> list[HostileFile]:
    """About 320 × ``scale`` hostile files under ``root`` (links, FIFOs and odd names always all); ordinary
    bulletins in it are numbered from ``first_serial``. ``outside_dir`` (default: ``root``'s parent) holds the
    target of the links out of the folder: it must lie outside whatever folder is ingested."""
    rng = random.Random(seed)
    w = _Writer(root, first_serial)
    suffixes = [".txt", ".md", ".html"]

    def n(count: int) -> int:
        return max(1, round(count * scale))

    def bulletin() -> str:
        return ordinary(w.next_serial())

    for i in range(n(30)):
        w.put(f"binary/b{i}{suffixes[i % 3]}", rng.randbytes(rng.choice([16, 300, 4096, 65536])), "binary", "reject")
    for i in range(n(10)):
        text = bulletin()
        cut = rng.randrange(len(text))
        w.put(f"nul/n{i}.txt", text[:cut].encode() + b"\x00" * 8 + text[cut:].encode(), "NUL bytes", "reject")
    for i in range(n(10)):
        w.put(f"empty/e{i}{suffixes[i % 3]}", b"", "empty", "reject")
    for i in range(n(10)):
        w.put(f"blank/w{i}.txt", " \n\t\r\n" * rng.randrange(1, 500), "whitespace only", "reject")
    for i in range(n(15)):
        w.put(f"zw/z{i}{suffixes[i % 3]}", "".join(rng.choice(ZERO_WIDTH) for _ in range(rng.randrange(30, 3000))),
              "zero-width only", "reject")
    for i in range(n(15)):
        w.put(f"utf16/u{i}.txt", b"\xff\xfe" + rng.randbytes(rng.randrange(50, 5000)), "UTF-16 BOM + junk", "reject")
    for i in range(n(5)):
        w.put(f"utf16/ok{i}.txt", bulletin().encode("utf-16"), "UTF-16 text", "either")
    for i in range(n(15)):
        raw = bytearray(bulletin().encode())
        for _ in range(rng.randrange(1, 6)):
            raw[rng.randrange(len(raw))] = rng.choice([0xFF, 0xFE, 0xC3, 0x80, 0xED])
        w.put(f"badutf8/x{i}.txt", bytes(raw), "invalid UTF-8 bytes", "either")
    for i in range(n(5)):
        w.put(f"latin1/l{i}.txt", (bulletin() + " Café, Montréal, Zürich.").encode("latin-1", "replace"),
              "Latin-1 text", "either")
    for i in range(n(10)):
        ctl = "".join(chr(rng.randrange(1, 32)) for _ in range(rng.randrange(50, 2000)))
        w.put(f"control/c{i}.txt", ctl, "control characters", "reject")
    for i in range(n(5)):
        w.put(f"digits/d{i}.txt", "".join(rng.choice("0123456789") for _ in range(rng.randrange(1000, 100_000))),
              "digits only", "either")
    for i in range(n(5)):
        huge = "9" * rng.choice([400, 1000, 5000])
        w.put(f"digits/big{i}.txt", bulletin() + f"\nExports rose by {huge} dollars and {huge}% in 2023.\n",
              "bulletin with a huge number", "accept")
    _html(w, rng, bulletin, max(10, n(30)))
    _markdown(w, rng, bulletin, max(8, n(30)))
    for i in range(n(5)):
        w.put(f"long/line{i}.txt", ("AEO trade customs mutual recognition " * rng.randrange(2000, 6000)).strip(),
              "200 kB single line", "either")
    names = ["new\nline.txt", "tab\there.txt", "ümlaut Zürich.txt", "emoji 🚢.md", "-rf.txt", "  spaces  .txt",
             "x" * 200 + ".txt", "quote'\"semi;colon.txt", "$(touch pwned).txt", "a..b.txt", "back\\slash.txt",
             "percent%s%n.txt", "rtl\u202etxt.html", "<script>.md", "CON.txt", "nul\x01name.txt", "ends.TXT",
             "UPPER.HTML", "dots...md", "tilde~.txt"]
    for name in names:
        text = bulletin()
        if name.lower().endswith((".html", ".htm")):
            text = f"<html><body><p>{text}</p></body></html>"
        w.put(f"names/{name}", text, "odd file name", "accept")
    for i in range(n(20)):
        w.put(f"same/a{i}/bulletin.txt", bulletin(), "same name, two folders", "accept")
        w.put(f"same/b{i}/bulletin.txt", bulletin(), "same name, two folders", "accept")
    for i in range(n(25)):
        w.put(f"control/ok{i}.txt", bulletin(), "ordinary bulletin", "accept")
    dup = bulletin()  # five files of one text: exactly one is indexed (the first in order), see files.judge_group
    for i in range(n(4)):
        w.put(f"dup/copy{i}.txt", dup, "same text as another", "one of")
    w.put("dup/original.txt", dup, "same text as another", "one of")
    outside = (outside_dir or root.parent) / f"outside-{seed}.txt"
    outside.write_text(bulletin())
    w.special("links/passwd.txt", "symlink to /etc/passwd", "reject", "link", "/etc/passwd")
    w.special("links/outside.txt", "symlink out of the folder", "reject", "link", str(outside))
    w.special("links/up.md", "relative symlink out", "reject", "link", os.path.relpath(outside, root / "links"))
    w.special("links/dangling.txt", "dangling symlink", "either", "link", "/nonexistent/nothing.txt")
    w.special("links/loop.txt", "symlink loop", "either", "link", "loop.txt")
    w.put("links/inside-target.txt", bulletin(), "ordinary bulletin", "accept")
    w.special("links/inside.txt", "symlink inside the folder", "either", "link", "inside-target.txt")
    for i in range(3):
        w.special(f"fifo/pipe{i}.txt", "FIFO", "reject", "fifo")
    for i, suffix in enumerate([".exe", ".sh", ".json", ".csv", ".js"]):
        w.put(f"other/o{i}{suffix}", bulletin(), "not a bulletin type", "skip")
    w.put("other/junk.pdf", b"%PDF-1.7\n" + rng.randbytes(3000), "broken PDF", "reject")
    w.put("other/junk.docx", b"PK\x03\x04" + rng.randbytes(3000), "broken DOCX", "reject")
    w.put("other/.hidden.txt", bulletin(), "hidden file", "skip")
    (root / "other" / "folder.txt").mkdir(parents=True, exist_ok=True)
    return w.files


def _html(w: _Writer, rng: random.Random, bulletin: object, count: int) -> None:
    make = bulletin  # type: ignore[assignment]
    for i in range(count):
        text = make()  # type: ignore[operator]
        shape = i % 10
        if shape == 0:
            page = "<div>" * 3000 + text + "</div>" * 3000
        elif shape == 1:
            page = f"<html><body><p>{text}<p><b><i><table><tr><td>unclosed"
        elif shape == 2:
            page = f"<p>{text}</p>" + "&amp;" * 20000
        elif shape == 3:
            page = f"<p>{text}</p><script>while(1){{}}" + "x" * 5000
        elif shape == 4:
            page = f"<p title=\"{'A' * 100_000}\">{text}</p>"
        elif shape == 5:
            page = f"<!-- {text} -->"  # all text in a comment: nothing readable
        elif shape == 6:
            page = f"<plaintext>{text}<![CDATA[ x ]]><!DOCTYPE bad>"
        elif shape == 7:
            page = f"<nav>{'menu ' * 500}</nav><main><p>{text}</p></main><footer>{'links ' * 500}</footer>"
        elif shape == 8:
            page = f"<style>{'p{color:red}' * 5000}</style><p>{text}</p>"
        else:
            page = f"<iframe src=\"javascript:alert(1)\"></iframe><p onclick=alert(1)>{text}</p>"
        expect = "reject" if shape == 5 else ("either" if shape in (0, 6) else "accept")
        w.put(f"html/h{i}.html", page, f"hostile HTML ({shape})", expect)


def _markdown(w: _Writer, rng: random.Random, bulletin: object, count: int) -> None:
    make = bulletin  # type: ignore[assignment]
    for i in range(count):
        text = make()  # type: ignore[operator]
        shape = i % 8
        if shape == 0:
            page = f"# Notice\n\n<script>\n\n{text}"  # an unclosed script must not swallow the bulletin
        elif shape == 1:
            page = f"{text}\n\n" + "| a | b |\n|---|---|\n" + "| 1 | 2 |\n" * 5000
        elif shape == 2:
            page = f"{text}\n\n" + "".join("  " * d + "- item\n" for d in range(500))
        elif shape == 3:
            page = f"---\ntitle: [unclosed\ndate: 99/99/9999\n---\n{text}"
        elif shape == 4:
            page = f"{text}\n\n" + "[link](http://x) " * 5000
        elif shape == 5:
            page = f"<!-- never closed\n\n{text}"
        elif shape == 6:
            page = f"{text}\n\n" + "*" * 50_000 + "_" * 50_000
        else:
            page = f"```\n{text}\n" + "`" * 10_000
        expect = "either" if shape == 5 else "accept"
        w.put(f"md/m{i}.md", page, f"hostile Markdown ({shape})", expect)


def at_the_limit(root: Path, limit: int = LIMIT) -> list[HostileFile]:
    """Files at (or just over) the size limit: each must be indexed or refused within the time target."""
    w = _Writer(root, 900_000)
    words = ("customs " * (limit // 8 + 1))[:limit]
    w.put("big/limit-single-line.txt", words, "5 MiB single line", "either")
    w.put("big/over-limit.txt", words + "x", "1 byte over the limit", "reject")
    w.put("big/one-word.txt", "A" * (4 * 1000 * 1000), "4 MB single word", "either")
    w.put("big/digits.txt", "1234567890" * 200_000, "2 MB of digits", "either")
    w.put("big/percentages.txt", "12.5% " * 500_000, "500k percentages", "either")
    w.put("big/dates.txt", "1 May 2024, " * 85_000, "1 MB of dates", "either")
    w.put("big/comma.txt", "and trade rose, " * 190_000, "3 MB comma sentence", "either")
    w.put("big/paragraphs.html", "<p>AEO trade</p>" * 190_000, "3 MB of <p>", "either")
    w.put("big/table.md", "| economy | value |\n|---|---|\n" + "| Peru | 12.5% |\n" * 110_000, "2 MB table", "either")
    w.put("big/nested.html", "<div>" * 100_000 + "AEO" + "</div>" * 100_000, "1 MB nested divs", "either")
    return w.files
