"""Invented PDF and Word bulletins made by the tests themselves (fpdf2, python-docx, Pillow)."""

from __future__ import annotations

from pathlib import Path

# Two pages: the arrangement on page 1, the figures on page 2 (invented text about a real pair of economies).
PDF_PAGES = [
    "Beijing, 12 June 2024 - The General Administration of Customs announced that China Customs and the "
    "National Customs Service of Chile signed a mutual recognition arrangement of Authorized Economic "
    "Operators (AEO) on 12 June 2024 in Santiago.\n\n"
    "Under the arrangement, AEO enterprises of China and Chile enjoy a lower inspection rate and priority "
    "inspection at the border.",
    "Trade figures\n\n"
    "According to customs statistics, the total trade value between China and Chile reached US$8.15 billion "
    "in 2023, a year-on-year increase of 6.4%.\n\n"
    "The arrangement will enter into force on 1 September 2024.",
]
DOCX_PARAGRAPHS = [
    "Astana, 4 April 2024 - China Customs and the State Revenue Committee of Kazakhstan signed a mutual "
    "recognition arrangement of Authorized Economic Operators (AEO) on 4 April 2024.",
    "AEO enterprises of China and Kazakhstan enjoy a lower document audit rate and a designated customs "
    "liaison officer.",
]
DOCX_TABLE = [["Measure", "Applies from"], ["Lower inspection rate", "1 May 2024"]]


def make_pdf(path: Path, pages: list[str] = PDF_PAGES, title: str = "China and Chile sign AEO arrangement") -> Path:
    """A PDF with a text layer, one page per entry."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_title(title)
    pdf.set_font("Helvetica", size=11)
    for text in pages:
        pdf.add_page()
        pdf.multi_cell(0, 6, text)
    pdf.output(str(path))
    return path


def make_scanned_pdf(path: Path, pages: int = 2) -> Path:
    """A PDF whose pages are only images, as a scanner makes them: no text layer."""
    from fpdf import FPDF
    from PIL import Image, ImageDraw

    picture = path.with_suffix(".png")
    image = Image.new("RGB", (600, 200), "white")
    ImageDraw.Draw(image).text((20, 80), "China Customs signed an AEO arrangement", fill="black")
    image.save(picture)
    pdf = FPDF()
    for _ in range(pages):
        pdf.add_page()
        pdf.image(str(picture), x=10, y=10, w=180)
    pdf.output(str(path))
    picture.unlink()
    return path


def make_docx(path: Path, title: str = "China and Kazakhstan sign AEO arrangement") -> Path:
    """A Word document: a heading, paragraphs and a table."""
    from docx import Document

    doc = Document()
    doc.core_properties.title = title
    doc.add_heading(title, level=1)
    for text in DOCX_PARAGRAPHS:
        doc.add_paragraph(text)
    table = doc.add_table(rows=len(DOCX_TABLE), cols=len(DOCX_TABLE[0]))
    for r, row in enumerate(DOCX_TABLE):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    doc.save(str(path))
    return path
