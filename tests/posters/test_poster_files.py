"""Posters for every language and format, made by the real command: each QR code is read back
with a real decoder (zxing-cpp) to the link it must carry: the PNG as printed, the PDF rendered
by PDFium, the SVG's vector squares drawn again from its path."""

import io
import logging
import os
import re
import warnings
import xml.etree.ElementTree as ET
from contextlib import redirect_stdout
from pathlib import Path

import pypdfium2
import pytest
import zxingcpp
from PIL import Image, ImageDraw

from bot.__main__ import main
from bot.procedure import load_procedure
from bot.resources import example_procedure

EXAMPLE = load_procedure(example_procedure())
BOT = "luebeck_participation_bot"
SVG = "{http://www.w3.org/2000/svg}"


def link(language: str) -> str:
    return f"https://t.me/{BOT}?start=lang-{language}"


@pytest.fixture(scope="module")
def made(tmp_path_factory) -> tuple[Path, dict[str, list[str]], list[str]]:
    """The posters of all languages in all three formats: (folder, lines printed per format,
    matplotlib's complaints about missing glyphs)."""
    saved = {name: os.environ.pop(name) for name in list(os.environ) if name.startswith("BOT_")}
    folder = tmp_path_factory.mktemp("posters") / "print"
    printed: dict[str, list[str]] = {}
    missing: list[str] = []
    handler = logging.Handler()
    handler.emit = lambda record: missing.append(record.getMessage())  # type: ignore[method-assign]
    logging.getLogger("matplotlib").addHandler(handler)
    try:
        for file_format in ("pdf", "png", "svg"):
            out = io.StringIO()
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                with redirect_stdout(out):
                    code = main(["poster", "--bot-username", BOT, "--format", file_format,
                                 "--output", str(folder)])  # fmt: skip
            assert code == 0
            missing += [str(w.message) for w in caught]
            printed[file_format] = out.getvalue().splitlines()
    finally:
        logging.getLogger("matplotlib").removeHandler(handler)
        os.environ.update(saved)
    return folder, printed, [m for m in missing if "missing from font" in m]


def decoded(image: Image.Image) -> list[str]:
    return [result.text for result in zxingcpp.read_barcodes(image)]


def test_every_language_and_format_is_made_and_named_one_line_each(made):
    folder, printed, _ = made
    for file_format, lines in printed.items():
        expected = [str(folder / f"poster-{lang}.{file_format}") for lang in EXAMPLE.languages]
        assert lines == expected
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        f"poster-{lang}.{ext}" for lang in EXAMPLE.languages for ext in ("pdf", "png", "svg")
    )


def test_no_glyph_is_missing_from_the_shipped_font(made):
    assert made[2] == []


@pytest.mark.parametrize("language", EXAMPLE.languages)
def test_the_printed_png_is_an_a4_page_whose_code_reads_back_to_the_language_link(made, language):
    image = Image.open(made[0] / f"poster-{language}.png")
    width, height = image.size  # A4 at 300 dpi: 2480 x 3508 pixels, give or take one
    assert abs(width - 2480) <= 1 and abs(height - 3508) <= 1
    assert image.info["dpi"][0] == pytest.approx(300, abs=1)
    assert decoded(image) == [link(language)]
    # Scanned from further away: a copy at a sixth of the size still reads.
    small = image.resize((413, 585), Image.LANCZOS)
    assert decoded(small) == [link(language)]


@pytest.mark.parametrize("language", EXAMPLE.languages)
def test_the_pdf_is_one_a4_page_with_the_code_and_a_clickable_link(made, language):
    data = (made[0] / f"poster-{language}.pdf").read_bytes()
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    assert f"/URI ({link(language)})".encode() in data  # the printed link is clickable
    pdf = pypdfium2.PdfDocument(data)
    try:
        assert len(pdf) == 1
        page = pdf[0]
        width, height = page.get_size()
        assert (round(width / 72 * 25.4), round(height / 72 * 25.4)) == (210, 297)
        image = page.render(scale=150 / 72).to_pil()
        assert decoded(image) == [link(language)]
        page.close()
    finally:
        pdf.close()


def svg_code(root: ET.Element) -> Image.Image:
    """The SVG's QR code drawn again from its vector squares (its path in group "qr")."""
    group = root.find(f".//{SVG}g[@id='qr']")
    assert group is not None
    paths = group.findall(f".//{SVG}path")
    assert len(paths) == 1
    squares = [
        [tuple(map(float, pair)) for pair in re.findall(r"([-\d.]+) ([-\d.]+)", part)]
        for part in paths[0].get("d", "").split("M")
        if part.strip()
    ]
    xs = [x for square in squares for x, _ in square]
    ys = [y for square in squares for _, y in square]
    left, top, size = min(xs), min(ys), max(max(xs) - min(xs), max(ys) - min(ys))
    scale, border = 600 / size, 100  # 600 pixels across, a white quiet zone around
    image = Image.new("L", (800, 800), 255)
    draw = ImageDraw.Draw(image)
    for square in squares:
        points = [((x - left) * scale + border, (y - top) * scale + border) for x, y in square]
        draw.polygon(points, fill=0)
    return image


@pytest.mark.parametrize("language", EXAMPLE.languages)
def test_the_svg_is_valid_and_its_vector_code_reads_back_to_the_link(made, language):
    data = (made[0] / f"poster-{language}.svg").read_bytes()
    root = ET.fromstring(data)  # well-formed XML, or this raises
    assert root.tag == f"{SVG}svg"
    assert root.get("width") == "595.275591pt" and root.get("height") == "841.889764pt"  # A4
    hrefs = {a.get("{http://www.w3.org/1999/xlink}href") for a in root.iter(f"{SVG}a")}
    assert hrefs == {link(language)}  # the code and the printed link both open it
    assert decoded(svg_code(root)) == [link(language)]
