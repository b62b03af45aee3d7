"""The poster's page, read from the figure: right to left where the language is, nothing
outside the margins or on top of anything else, the title with its "(example)" marker, the
dates in the reader's digits, and the motto drawn as written."""

import pytest
from matplotlib.patches import PathPatch
from matplotlib.text import Text

from bot.i18n import Catalogs
from bot.posters.content import poster_content, split_title
from bot.posters.layout import MARGIN, PAGE_H, PAGE_W, build_figure
from bot.posters.links import deep_link
from bot.procedure import load_procedure
from bot.resources import example_procedure, locales_dir
from bot.typesetting import RLM

EXAMPLE = load_procedure(example_procedure())
CATALOGS = Catalogs.load(locales_dir(), timezone=EXAMPLE.timezone)
DPI = 72  # one pixel per point: extents in points
MM = 72 / 25.4
# The parts that start at the reading edge; the code and the lines under it are centred.
EDGE = ("gloss", "title", "field", "invitation", "sender")


def page(language: str, field: str | None = None, procedure=EXAMPLE):
    t = CATALOGS.translator(language)
    payload = f"field-{field}" if field else f"lang-{language}"
    chosen = procedure.field(field) if field else None
    poster = poster_content(t, procedure, deep_link("abc_bot", payload), chosen)
    figure = build_figure(poster, dpi=DPI)
    renderer = figure.canvas.get_renderer()
    return poster, figure, renderer


def parts(figure, gid: str) -> list:
    return [artist for artist in figure.get_children() if artist.get_gid() == gid]


def lines(figure, gid: str) -> list[str]:
    return [text.get_text() for text in parts(figure, gid) if isinstance(text, Text)]


@pytest.mark.parametrize("language", ["ar", "fa"])
def test_arabic_and_persian_paragraphs_stand_at_the_right_margin(language):
    _, figure, renderer = page(language, "language-education")
    right = PAGE_W * MM - MARGIN * MM
    for gid in (*EDGE, "motto", "dates-label", "dates"):
        for text in parts(figure, gid):
            assert text.get_horizontalalignment() == "right", gid
            extent = text.get_window_extent(renderer)
            inset = 5 * MM if gid.startswith("dates") else 0  # inside the tinted box
            assert extent.x1 == pytest.approx(right - inset, abs=1.5), (gid, text.get_text())
            if gid != "motto":  # the motto is German, written as it is, placed at the right
                assert text.get_text().startswith(RLM), gid


@pytest.mark.parametrize("language", ["de", "en", "tr", "ru", "uk", "pl"])
def test_left_to_right_paragraphs_stand_at_the_left_margin(language):
    _, figure, renderer = page(language)
    for gid in (*EDGE, "motto"):
        for text in parts(figure, gid):
            assert text.get_horizontalalignment() == "left", gid
            assert text.get_window_extent(renderer).x0 == pytest.approx(MARGIN * MM, abs=1.5)
            assert not text.get_text().startswith(RLM)


@pytest.mark.parametrize("language", EXAMPLE.languages)
def test_everything_is_inside_the_margins_and_nothing_overlaps(language):
    _, figure, renderer = page(language, "language-education")
    texts = [a for a in figure.get_children() if isinstance(a, Text) and a.get_text()]
    boxes = [(text.get_gid(), text.get_window_extent(renderer)) for text in texts]
    code = next(a for a in figure.get_children() if isinstance(a, PathPatch))
    boxes.append(("qr", code.get_window_extent(renderer)))
    for gid, box in boxes:
        assert box.x0 >= MARGIN * MM - 1 and box.x1 <= (PAGE_W - MARGIN) * MM + 1, gid
        assert box.y0 >= MARGIN * MM / 2 and box.y1 <= PAGE_H * MM, gid
    for i, (gid, box) in enumerate(boxes):
        for other_gid, other in boxes[i + 1 :]:
            overlap = min(box.y1, other.y1) - max(box.y0, other.y0)
            side = min(box.x1, other.x1) - max(box.x0, other.x0)
            assert overlap <= 0.5 or side <= 0, (gid, other_gid)


@pytest.mark.parametrize("language", EXAMPLE.languages)
def test_the_code_is_large_and_the_title_big(language):
    _, figure, renderer = page(language)
    (code,) = parts(figure, "qr")
    side = code.get_window_extent(renderer).width / MM
    assert 66 <= side <= 100  # mm: a phone reads it from an arm's length and more
    (title, *_) = parts(figure, "title")
    assert title.get_fontsize() >= 26
    assert all(text.get_fontsize() < title.get_fontsize() for text in parts(figure, "invitation"))


def test_long_lines_wrap_by_their_width():
    _, figure, _ = page("de")
    invitation = lines(figure, "invitation")
    assert len(invitation) == 2
    assert " ".join(invitation) == EXAMPLE.invitation["de"]
    # The dates break between the two dates, never inside one.
    assert lines(figure, "dates") == ["Vom 14.\xa0Januar\xa02020 bis zum", "11.\xa0Februar\xa02020"]


def test_arabic_wraps_in_reading_order():
    _, figure, _ = page("ar")
    invitation = [line.removeprefix(RLM) for line in lines(figure, "invitation")]
    assert len(invitation) >= 2
    assert " ".join(invitation) == EXAMPLE.invitation["ar"]  # first words on the first line


@pytest.mark.parametrize("language", EXAMPLE.languages)
def test_the_title_keeps_its_example_marker_and_the_motto_stands_out(language):
    _, figure, _ = page(language)
    assert lines(figure, "motto") == ["Zusammen.Lübeck.Leben!"]
    marker = EXAMPLE.title[language].rsplit("(", 1)[1].rstrip(")")  # Beispiel, example, مثال …
    assert marker in " ".join(lines(figure, "title"))
    if language != "de":
        gloss = " ".join(lines(figure, "gloss")).removeprefix(RLM)
        assert gloss.startswith("(") and gloss.endswith(")")


def test_persian_dates_and_count_use_persian_digits():
    poster, _, _ = page("fa")
    assert "۱۴" in poster.dates and "۲۰۲۰" in poster.dates and "2020" not in poster.dates
    assert "۸" in poster.offer


def test_without_an_invitation_the_description_is_used():
    from dataclasses import replace

    procedure = replace(EXAMPLE, invitation=None)
    poster, _, _ = page("en", procedure=procedure)
    assert poster.invitation == EXAMPLE.description["en"]


@pytest.mark.parametrize(
    ("title", "parts_"),
    [
        ("Zusammen.Lübeck.Leben! – Integrationskonzept (Beispiel)",
         ("Zusammen.Lübeck.Leben!", "", "Integrationskonzept (Beispiel)")),
        ("Zusammen.Lübeck.Leben! (Living together in Lübeck) – Integration concept (example)",
         ("Zusammen.Lübeck.Leben!", "(Living together in Lübeck)",
          "Integration concept (example)")),
        ("Bürgerhaushalt 2026", ("", "", "Bürgerhaushalt 2026")),
        ("Mitreden! – ", ("", "", "Mitreden! –")),
    ],
)  # fmt: skip
def test_a_title_is_split_into_motto_gloss_and_name(title, parts_):
    assert split_title(title) == parts_


def test_the_languages_are_named_in_themselves_in_reading_order():
    _, figure, _ = page("fa")
    row = " ".join(lines(figure, "languages"))
    names = ["Deutsch", "English", "Türkçe", "العربية", "Русский", "Українська", "فارسی", "Polski"]
    positions = [row.index(name) for name in names]
    assert positions == sorted(positions)  # logical order; the RLMs make it read right to left
    assert row.count("·\u200f") == 7
