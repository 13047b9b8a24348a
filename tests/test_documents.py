"""PDF and Word bulletins: read from their text layer with exact offsets; PDF citations name their page; a scan
without a text layer is refused with that reason. The fixtures are invented and made here (tests/office_files.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from office_files import make_docx, make_pdf, make_scanned_pdf

from assistant.cli import main
from corpus.documents import page_at, unwrap
from corpus.loader import join_pages, load_bytes, load_file
from corpus.records import Bulletin, Rejected
from index.catalog import Catalog


def _ok(result: Bulletin | Rejected) -> Bulletin:
    assert isinstance(result, Bulletin), result
    return result


def test_pdf_text_layer_is_read_page_by_page_with_page_starts(tmp_path: Path) -> None:
    b = _ok(load_file(make_pdf(tmp_path / "chile.pdf")))
    assert b.title == "China and Chile sign AEO arrangement"
    assert b.date_iso == "2024-06-12" and "Chile" in b.partners
    assert len(b.pages) == 2 and b.pages[0] == 0
    assert b.text[b.pages[1]:].startswith("Trade figures")
    figure = b.text.index("US$8.15 billion")
    assert page_at(b.pages, figure) == 2 and page_at(b.pages, 0) == 1 and page_at(b.pages, b.pages[1] - 1) == 1
    # the layout's line breaks inside a sentence are spaces: the sentence is one line of the text
    assert "China Customs and the National Customs Service of Chile signed" in b.text


def test_empty_pages_take_no_offsets() -> None:
    text, starts = join_pages(["", "First page.", "", "Third page."])
    assert text == "First page.\n\nThird page."
    assert [page_at(starts, text.index("First")), page_at(starts, text.index("Third"))] == [2, 4]
    assert page_at((), 5) is None


def test_unwrap_keeps_headings_items_and_sentence_ends() -> None:
    wide = "x" * 60
    assert unwrap(f"{wide} and the\nrest") == f"{wide} and the rest"
    assert unwrap(f"{wide}.\nTrade figures\nAccording to data") == f"{wide}.\nTrade figures\nAccording to data"
    assert unwrap(f"{wide}.\nNext sentence") == f"{wide}.\nNext sentence"
    assert unwrap(f"{wide} measures\n- lower rate") == f"{wide} measures\n- lower rate"
    assert unwrap("cus-\ntoms") == "customs"


def test_docx_paragraphs_and_tables(tmp_path: Path) -> None:
    b = _ok(load_file(make_docx(tmp_path / "kazakhstan.docx")))
    assert b.title == "China and Kazakhstan sign AEO arrangement" and b.pages == ()
    assert b.date_iso == "2024-04-04" and "Kazakhstan" in b.partners
    assert "Lower inspection rate | 1 May 2024" in b.text  # a table row is one line of cells


def test_scanned_broken_and_encrypted_files_are_rejected_with_the_reason(tmp_path: Path) -> None:
    scanned = load_file(make_scanned_pdf(tmp_path / "scan.pdf"))
    assert isinstance(scanned, Rejected) and "scanned PDF with no text layer" in scanned.reason
    assert "OCR" in scanned.reason and "2 pages" in scanned.reason
    broken = load_bytes(b"%PDF-1.4 not really", "x.pdf")
    assert isinstance(broken, Rejected) and "not a readable PDF" in broken.reason
    word = load_bytes(b"PK\x03\x04 not a zip", "x.docx")
    assert isinstance(word, Rejected) and "not a readable Word document" in word.reason
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(make_pdf(tmp_path / "plain.pdf")))
    writer.encrypt(user_password="secret", owner_password="owner")
    locked = tmp_path / "locked.pdf"
    with locked.open("wb") as fh:
        writer.write(fh)
    rejected = load_file(locked)
    assert isinstance(rejected, Rejected) and "encrypted PDF" in rejected.reason


def test_catalog_keeps_page_starts(tmp_path: Path) -> None:
    b = _ok(load_file(make_pdf(tmp_path / "chile.pdf")))
    catalog = Catalog(tmp_path / "catalog.sqlite")
    with catalog.transaction():
        catalog.put(b, [])
    row = catalog.document("chile.pdf")
    assert row is not None and row.pages == b.pages and row.page_of(b.pages[1]) == 2
    catalog.close()


def test_cli_ingests_pdf_and_docx_and_cites_the_pdf_page(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    make_pdf(folder / "chile.pdf")
    make_docx(folder / "kazakhstan.docx")
    make_scanned_pdf(folder / "scan.pdf")
    home = str(tmp_path / "home")
    assert main(["--home", home, "ingest", str(folder), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert sorted(report["added"]) == ["chile.pdf", "kazakhstan.docx"]
    assert [r["source"] for r in report["rejected"]] == ["scan.pdf"]
    assert "no text layer" in report["rejected"][0]["reason"]

    assert main(["--home", home, "ask", "What was the total trade value between China and Chile in 2023?",
                 "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["status"] == "answered" and "8.15 billion" in result["answer"], result["answer"]
    cited = [c for c in result["citations"] if c["source"] == "chile.pdf"]
    assert cited and all("page" in c for c in result["citations"])
    text = _ok(load_file(folder / "chile.pdf")).text
    for c in cited:
        assert text[c["start"]:c["end"]] == c["quote"]  # exact offsets into the extracted text
    assert any(c["page"] == 2 and "8.15 billion" in c["quote"] for c in cited), cited

    assert main(["--home", home, "ask", "Which measures do AEO enterprises of China and Kazakhstan enjoy?",
                 "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    docx = [c for c in result["citations"] if c["source"] == "kazakhstan.docx"]
    assert docx and all(c["page"] is None for c in docx), result
