"""Loading bulletins: every format, the metadata read from the text, and bad input."""

from __future__ import annotations

from pathlib import Path

from conftest import BULLETINS, MACAO, SERBIA
from corpus import Bulletin, Rejected, find_dates, load_bytes, load_file, split_sentences


def _ok(result: Bulletin | Rejected) -> Bulletin:
    assert isinstance(result, Bulletin), result
    return result


def test_seed_serbia_has_no_invented_year() -> None:
    b = _ok(load_file(BULLETINS / SERBIA))
    assert b.date is not None
    assert (b.date.year, b.date.month, b.date.day) == (None, 2, 14)
    assert b.date.iso is None and b.date_iso is None
    assert b.partners == ("Serbia",)
    assert b.home == "China" and b.issuer == "General Administration of Customs"
    assert b.source == SERBIA and len(b.doc_id) == 16


def test_seed_macao_partner_and_aliases() -> None:
    b = _ok(load_file(BULLETINS / MACAO))
    assert (b.date.year, b.date.month, b.date.day) == (None, 2, 7)  # type: ignore[union-attr]
    assert b.partners == ("Macao",)
    assert "United States" not in b.mentioned  # "US$" is a currency
    assert {"Philippines", "Costa Rica"} <= set(b.mentioned)


def test_full_dates_and_year_forms() -> None:
    found = find_dates("Signed on 12 June 2023, in force from September 1, 2023; announced 2024-03-10 and on July 4th.")
    assert [(d.year, d.month, d.day) for d in found] == [(2023, 6, 12), (2023, 9, 1), (2024, 3, 10), (None, 7, 4)]


def test_text_loader_doc_id_is_content_hash() -> None:
    a = _ok(load_bytes(b"Customs of A and B signed an AEO arrangement on 3 May 2024.", "a.txt"))
    b = _ok(load_bytes(b"Customs of A and B signed an AEO arrangement on 3 May 2024.", "b.txt"))
    assert a.doc_id == b.doc_id and a.date_iso == "2024-05-03"


def test_markdown_front_matter_and_title() -> None:
    raw = b"---\ntitle: China and Uruguay sign AEO MRA\ndate: 2024-05-03\n---\n# Heading\n\nThe **General Administration of Customs** and Uruguay signed [an arrangement](http://x)."
    b = _ok(load_bytes(raw, "u.md"))
    assert b.title == "China and Uruguay sign AEO MRA"
    assert b.date_iso == "2024-05-03"
    assert "**" not in b.text and "http://x" not in b.text and "an arrangement" in b.text
    assert b.partners == ("Uruguay",)


def test_html_scripts_styles_and_entities() -> None:
    raw = (b"<html><head><title>Korea &amp; China MRA</title><style>p{color:red}</style></head><body>"
           b"<script>alert('x')</script><h1>News</h1><p>On 1 July 2024 the Korea Customs Service &amp; China "
           b"signed&nbsp;an AEO arrangement.</p><!-- hidden --><noscript>js off</noscript></body></html>")
    b = _ok(load_bytes(raw, "k.html"))
    assert b.title == "Korea & China MRA"
    assert "alert" not in b.text and "color" not in b.text and "hidden" not in b.text and "js off" not in b.text
    assert "Korea Customs Service & China signed an AEO arrangement." in b.text
    assert b.date_iso == "2024-07-01"


def test_invalid_utf8_is_replaced_not_fatal() -> None:
    b = _ok(load_bytes(b"Customs of Serbia signed an AEO deal. Caf" + b"\xe9 " + b"x" * 40, "bad.txt"))
    assert "\ufffd" in b.text


def test_bad_files_are_rejected_with_reasons(tmp_path: Path) -> None:
    assert "empty" in _rej(load_bytes(b"   \n", "e.txt"))
    assert "binary" in _rej(load_bytes(b"\x00\x01\x02PK\x03\x04" * 100, "z.txt"))
    assert "too large" in _rej(load_bytes(b"a" * 2000, "big.txt", max_bytes=1000))
    assert "unsupported" in _rej(load_bytes(b"{\\rtf1 AEO}", "x.rtf"))
    assert "not a readable PDF" in _rej(load_bytes(b"%PDF-1.4", "x.pdf"))  # PDFs are read, this one is broken
    assert "no readable text" in _rej(load_bytes(b"<script>only()</script>", "s.html"))
    assert "no such file" in _rej(next(iter(__import__("corpus").discover([tmp_path / "missing.txt"]))))


def _rej(result: object) -> str:
    assert isinstance(result, Rejected), result
    return result.reason


def test_sentence_spans_are_exact() -> None:
    for name in (SERBIA, MACAO):
        b = _ok(load_file(BULLETINS / name))
        sentences = split_sentences(b.text)
        assert len(sentences) >= 8
        for s in sentences:
            assert b.text[s.start:s.end] == s.text and s.text.strip() == s.text


def test_a_symlink_loop_is_refused_and_the_rest_still_read(tmp_path: Path) -> None:
    from corpus.loader import discover

    (tmp_path / "ok.txt").write_text("Lima, 2 May 2031 -- Customs of Peru and Chile signed an AEO arrangement.")
    (tmp_path / "loop.txt").symlink_to("loop.txt")
    found = list(discover([tmp_path]))
    assert [r.reason for r in found if isinstance(r, Rejected)] == ["symbolic link that loops back on itself, not followed"]
    assert [rel for item in found if not isinstance(item, Rejected) for _, rel in [item]] == ["ok.txt"]
