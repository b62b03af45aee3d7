"""The result charts, rendered for real: readable PNGs in all eight languages, no missing glyph,
Arabic and Persian joined and right to left, nothing cut off or overlapping, safe in threads."""

import asyncio
import io
import logging
import math
import warnings
from contextlib import contextmanager

import matplotlib
import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.text import Text
from PIL import Image

from bot.languages import SUPPORTED_LANGUAGES, is_rtl
from bot.results import charts
from bot.results.charts import Bar, Chart, build_figure, display_text, render

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

# Per language: title, subtitle, the caption of a hidden small figure, a note, and five
# sub-goals, the first about 120 characters long (the longest the procedure files have).
TEXTS = {
    "de": (
        "Sprache und Bildung",
        "412 Teilnehmende · 3. Februar 2020",
        "weniger als 5",
        "Online-Stimmen und Workshops zusammen",
        [
            "Mehr Deutschkurse mit Kinderbetreuung, auch am Abend und am Wochenende, damit "
            "Eltern mit kleinen Kindern teilnehmen können.",
            "Bezahlbare Wohnungen für Familien mit vielen Kindern, auch in der Innenstadt.",
            "Ausländische Berufsabschlüsse werden schneller anerkannt, mit Beratung in der "
            "eigenen Sprache.",
            "Genug Kita-Plätze für alle Kinder.",
            "Eltern bekommen Infos zu Kita und Schule in ihrer Sprache.",
        ],
    ),
    "en": (
        "Language and education",
        "412 participants · 3 February 2020",
        "fewer than 5",
        "Online votes and workshops combined",
        [
            "More German courses with childcare, also in the evening and at weekends, so that "
            "parents of small children can take part.",
            "Affordable flats for families with many children, in the city centre too.",
            "Foreign vocational qualifications are recognised faster, with advice in your own "
            "language.",
            "Enough daycare places for all children.",
            "Parents get information about daycare and school in their own language.",
        ],
    ),
    "tr": (
        "Dil ve eğitim",
        "412 katılımcı · 3 Şubat 2020",
        "5'ten az",
        "Çevrimiçi oylar ve atölyeler birlikte",
        [
            "Küçük çocuklu ebeveynlerin de katılabilmesi için akşamları ve hafta sonları da "
            "çocuk bakımı sunan daha fazla Almanca kursu.",
            "Çok çocuklu aileler için şehir merkezinde de uygun fiyatlı konutlar.",
            "Yurt dışında alınan meslek diplomaları, kendi dilinde danışmanlıkla daha hızlı "
            "tanınır; İŞKUR'da da.",
            "Tüm çocuklar için yeterli kreş yeri.",
            "Anne babalar kreş ve okul hakkında kendi dillerinde bilgi alır.",
        ],
    ),
    "ar": (
        "اللغة والتعليم",
        "412 مشاركًا · 3 فبراير 2020",
        "أقل من 5",
        "الأصوات عبر الإنترنت وورش العمل معًا",
        [
            "المزيد من دورات اللغة الألمانية مع رعاية للأطفال، في المساء وفي عطلة نهاية "
            "الأسبوع أيضًا، حتى يتمكن الأهل من المشاركة.",
            "مساكن بأسعار معقولة للعائلات الكبيرة، في وسط المدينة أيضًا.",
            "الاعتراف بالشهادات المهنية الأجنبية بشكل أسرع، مع استشارة بلغتك.",
            "أماكن كافية في رياض الأطفال لجميع الأطفال.",
            "يحصل الأهل على معلومات عن روضة الأطفال والمدرسة بلغتهم.",
        ],
    ),
    "ru": (
        "Язык и образование",
        "412 участников · 3 февраля 2020 г.",
        "меньше 5",
        "Голоса онлайн и семинары вместе",
        [
            "Больше курсов немецкого языка с присмотром за детьми, в том числе вечером и в "
            "выходные, чтобы родители могли учиться.",
            "Доступное жильё для многодетных семей, в том числе в центре города.",
            "Иностранные профессиональные дипломы признаются быстрее, с консультацией на "
            "родном языке.",
            "Достаточно мест в детских садах для всех детей.",
            "Родители получают информацию о детском саде и школе на своём языке.",
        ],
    ),
    "uk": (
        "Мова та освіта",
        "412 учасників · 3 лютого 2020 р.",
        "менше 5",
        "Голоси онлайн і семінари разом",
        [
            "Більше курсів німецької мови з доглядом за дітьми, також увечері та у вихідні, "
            "щоб батьки з малими дітьми могли вчитися.",
            "Доступне житло для багатодітних сімей, також у центрі міста; їхні потреби "
            "ґрунтовно враховують.",
            "Іноземні професійні дипломи визнають швидше, з консультацією рідною мовою.",
            "Достатньо місць у дитячих садках для всіх дітей.",
            "Батьки отримують інформацію про дитячий садок і школу своєю мовою; Євген, Їжак.",
        ],
    ),
    "fa": (
        "زبان و آموزش",
        "۴۱۲ شرکت‌کننده – ۳ فوریه ۲۰۲۰",
        "کمتر از ۵",
        "رأی‌های آنلاین و کارگاه‌ها با هم",
        [
            "کلاس‌های بیشتر زبان آلمانی با نگهداری از کودکان، شب‌ها و آخر هفته‌ها هم، تا پدر "
            "و مادرهای بچه‌های کوچک هم بتوانند شرکت کنند.",
            "خانه‌های ارزان برای خانواده‌های پرجمعیت، در مرکز شهر هم؛ برنامۀ ویژه برای ژاله و گلناز.",
            "مدرک‌های حرفه‌ای خارجی سریع‌تر پذیرفته می‌شوند، با مشاوره به زبان خودتان.",
            "جای کافی در کودکستان برای همه کودکان.",
            "والدین درباره کودکستان و مدرسه به زبان خودشان اطلاعات می‌گیرند.",
        ],
    ),
    "pl": (
        "Język i edukacja",
        "412 uczestników · 3 lutego 2020",
        "mniej niż 5",
        "Głosy online i warsztaty razem",
        [
            "Więcej kursów niemieckiego z opieką nad dziećmi, także wieczorem i w weekendy, "
            "żeby rodzice małych dzieci mogli się uczyć.",
            "Przystępne cenowo mieszkania dla rodzin wielodzietnych, także w centrum miasta; "
            "źródło: ankieta.",
            "Zagraniczne dyplomy zawodowe są szybciej uznawane, z doradztwem w Twoim języku.",
            "Wystarczająco dużo miejsc w przedszkolach dla wszystkich dzieci.",
            "Rodzice dostają informacje o przedszkolu i szkole w swoim języku.",
        ],
    ),
}


def persian_digits(text: str) -> str:
    return text.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))


def sample_chart(language: str) -> Chart:
    """A field's chart as the results screens make it: ranked sub-goals, figures and shares,
    the last one hidden because fewer than five chose it."""
    title, subtitle, fewer, note, goals = TEXTS[language]
    figures = [(112, 27.2), (87, 21.1), (64, 15.5), (23, 5.6)]
    bars = []
    for rank, (goal, (count, share)) in enumerate(zip(goals, figures, strict=False), 1):
        caption = f"{count} · {share:.1f} %"
        if language == "fa":
            caption = persian_digits(f"{count} – {share:.1f}٪")
        bars.append(Bar(f"{rank}. {goal}", share, caption))
    bars.append(Bar(f"5. {goals[4]}", 0.0, fewer))
    return Chart(title, subtitle, bars, language, note)


@contextmanager
def no_missing_glyphs(caplog):
    """Fails when matplotlib reports a glyph missing from the font (a warning, or a log
    record of its logger)."""
    with (
        warnings.catch_warnings(record=True) as caught,
        caplog.at_level(logging.WARNING, logger="matplotlib"),
    ):
        warnings.simplefilter("always")
        yield
    reported = [str(warning.message) for warning in caught]
    reported += [record.getMessage() for record in caplog.records]
    missing = [message for message in reported if "missing from font" in message]
    assert not missing, missing


def drawn(figure: Figure) -> tuple[list, FigureCanvasAgg]:
    """The figure drawn; its texts and shapes in drawing order, with the canvas."""
    canvas = FigureCanvasAgg(figure)
    canvas.draw()
    return [artist for artist in figure.artists if artist.get_gid()], canvas


def box(artist):
    return artist.get_window_extent()


def overlap(a, b, tolerance=1.0) -> bool:
    return (
        min(a.x1, b.x1) - max(a.x0, b.x0) > tolerance
        and min(a.y1, b.y1) - max(a.y0, b.y0) > tolerance
    )


def texts(figure: Figure, gid: str) -> list[str]:
    return [a.get_text() for a in figure.artists if isinstance(a, Text) and a.get_gid() == gid]


# --- every language ----------------------------------------------------------------------------


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
def test_a_field_chart_renders_as_a_phone_sized_png_without_missing_glyphs(language, caplog):
    with no_missing_glyphs(caplog):
        png = render(sample_chart(language))
    assert png.startswith(PNG_SIGNATURE)
    image = Image.open(io.BytesIO(png))
    image.load()
    assert image.format == "PNG"
    width, height = image.size
    assert width == 1080
    # Five bars of up to three label lines: taller than wide, far from Telegram's limits.
    assert 1000 < height < 2000, height
    # Not blank: dark text and the blue bars are there.
    pixels = np.asarray(image.convert("RGB"))
    assert (pixels.sum(axis=2) < 150).sum() > 5000
    assert ((pixels[..., 2] > 150) & (pixels[..., 0] < 80)).sum() > 10000


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
def test_nothing_is_cut_off_or_overlaps(language):
    figure = build_figure(sample_chart(language))
    artists, canvas = drawn(figure)
    width, height = canvas.get_width_height()
    boxes = [(artist.get_gid(), box(artist)) for artist in artists]
    for gid, extent in boxes:
        assert extent.x0 >= charts.MARGIN - 1 and extent.x1 <= width - charts.MARGIN + 1, gid
        assert extent.y0 >= 0 and extent.y1 <= height, gid
    for index, (gid, extent) in enumerate(boxes):
        for other_gid, other in boxes[index + 1 :]:
            assert not overlap(extent, other), (gid, other_gid)


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
def test_bars_grow_from_the_reading_edge_with_the_caption_at_their_end(language):
    figure = build_figure(sample_chart(language))
    artists, _ = drawn(figure)
    bars = [box(a) for a in artists if a.get_gid() == "bar"]
    captions = [box(a) for a in artists if a.get_gid() == "caption"]
    labels = [box(a) for a in artists if a.get_gid() == "label"]
    assert len(bars) == len(captions) == 5
    right_edge = 1080 - charts.MARGIN
    if is_rtl(language):
        assert all(abs(b.x1 - right_edge) < 1 for b in bars if b.width > 0)
        assert all(abs(label.x1 - right_edge) < 2 for label in labels)
        for bar, caption in zip(bars, captions, strict=True):
            assert caption.x1 <= bar.x0 + 0.5  # left of the bar's end
    else:
        assert all(abs(b.x0 - charts.MARGIN) < 1 for b in bars if b.width > 0)
        assert all(abs(label.x0 - charts.MARGIN) < 2 for label in labels)
        for bar, caption in zip(bars, captions, strict=True):
            assert caption.x0 >= bar.x1 - 0.5  # right of the bar's end
    # Best first, from the top: lengths follow the values (0 for the hidden one).
    widths = [b.width for b in bars]
    assert widths == sorted(widths, reverse=True)
    assert widths[-1] == 0
    assert widths[1] / widths[0] == pytest.approx(21.1 / 27.2, rel=0.01)
    tops = [b.y1 for b in bars]
    assert tops == sorted(tops, reverse=True)


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
def test_labels_are_wrapped_to_three_lines_with_an_ellipsis(language):
    figure = build_figure(sample_chart(language))
    labels = texts(figure, "label")
    first = display_text(sample_chart(language).bars[0].label, language)
    assert labels[: len(first)] == first
    assert len(first) == 3
    assert first[-1].endswith("…")
    assert all(len(line.lstrip(charts.RLM)) <= 40 for line in labels)


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
def test_the_example_procedure_texts_draw_without_missing_glyphs(example, language, caplog):
    """The real texts of the shipped procedure (Persian zero-width non-joiners and all): every
    field's title and guiding goal, every sub-goal, in one tall chart per language. Drawn
    without the PNG encoding, which has no say in missing glyphs."""
    bars = []
    for field in example.fields:
        bars.append(Bar(field.title[language], 50.0, field.guiding_goal[language]))
        bars += [
            Bar(f"{n}. {goal.text[language]}", 10.0 * n, f"{n} · 1 %")
            for n, goal in enumerate(field.goals, 1)
        ]
    chart = Chart(example.title[language], example.description[language], bars, language)
    with no_missing_glyphs(caplog):
        figure = build_figure(chart)
        FigureCanvasAgg(figure).draw()
    assert len(texts(figure, "caption")) == len(bars)


def test_the_check_for_missing_glyphs_does_see_one(caplog):
    """The guard above is not blind: a Chinese character is not in DejaVu Sans."""
    with pytest.raises(AssertionError, match="missing from font"), no_missing_glyphs(caplog):
        render(Chart("中", "", [], "de"))


# --- Arabic and Persian: joined and right to left ----------------------------------------------


def ink(lines: list[str], size: float = 40) -> np.ndarray:
    """A boolean image of `lines` drawn by matplotlib with the chart's font (True = ink)."""
    figure = Figure(figsize=(8, 1.2), dpi=100, facecolor="white")
    font = FontProperties(fname=charts.REGULAR_FONT, size=size)
    figure.text(0.5, 0.5, "\n".join(lines), ha="center", va="center", fontproperties=font)
    canvas = FigureCanvasAgg(figure)
    canvas.draw()
    return np.asarray(canvas.buffer_rgba())[..., :3].sum(axis=2) < 384


def ink_width(image: np.ndarray) -> int:
    columns = np.flatnonzero(image.any(axis=0))
    return int(columns[-1] - columns[0] + 1)


def tallest_column_is_right_of_centre(image: np.ndarray) -> bool:
    """Where the tallest stroke is: ALEF rises far above the BEH letters around it."""
    rows = np.where(image.any(axis=1))[0]
    top_row = rows[0]
    columns = np.flatnonzero(image.any(axis=0))
    alef_columns = np.flatnonzero(image[top_row : top_row + 3].any(axis=0))
    centre = (columns[0] + columns[-1]) / 2
    return bool(alef_columns.mean() > centre)


@pytest.mark.parametrize("language", ["ar", "fa"])
def test_arabic_letters_come_out_joined(language):
    joined = ink_width(ink(display_text("بببب", language)))
    one = ink_width(ink(display_text("ب", language)))
    # Four isolated BEHs would be about four times one; joined, the middle ones are narrow.
    assert joined < 0.7 * 4 * one


@pytest.mark.parametrize("language", ["ar", "fa"])
def test_arabic_text_reads_right_to_left(language):
    # ALEF is the first letter in reading order, so it must end up at the right.
    assert tallest_column_is_right_of_centre(ink(display_text("ا ببببب", language)))
    # The check can tell: with BEHs first, ALEF is at the left.
    assert not tallest_column_is_right_of_centre(ink(display_text("ببببب ا", language)))


@pytest.mark.parametrize("language", ["ar", "fa"])
def test_the_text_handed_to_matplotlib(language):
    chart = sample_chart(language)
    figure = build_figure(chart)
    expected = display_text(chart.bars[0].label, language)
    assert texts(figure, "label")[:3] == expected
    assert texts(figure, "title") == display_text(chart.title, language, 30, 3)
    # Logical order, marked right to left; matplotlib joins and reorders.
    assert all(line.startswith(charts.RLM) for line in expected)
    logical = " ".join(line.removeprefix(charts.RLM) for line in expected)
    assert chart.bars[0].label.startswith(logical.removesuffix(" …"))


# --- display_text ------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["de", "en", "tr", "ru", "uk", "pl"])
def test_left_to_right_text_is_only_wrapped(language):
    label = TEXTS[language][4][0]
    lines = display_text(label, language)
    assert 1 < len(lines) <= 3
    assert all(len(line) <= 40 for line in lines)
    assert " ".join(lines).removesuffix(" …") in label
    assert display_text("Genug Kita-Plätze.", language) == ["Genug Kita-Plätze."]


def test_wrapping_limits_and_edges():
    assert display_text("", "de") == []
    assert display_text("   ", "ar") == []
    assert display_text("eins\nzwei", "de") == ["eins zwei"]
    long = "wort " * 60
    lines = display_text(long, "de", 40, 3)
    assert len(lines) == 3 and lines[-1].endswith(" …") and len(lines[-1]) <= 40
    assert display_text(long, "de", 20, 1) == ["wort wort wort …"]


def test_wrapping_keeps_reading_order_for_right_to_left():
    """Lines break between words in reading order: the first line holds the first words."""
    label = TEXTS["ar"][4][0]
    lines = display_text(label, "ar")
    assert lines[0] == charts.RLM + "المزيد من دورات اللغة الألمانية مع رعاية"
    assert len(lines) == 3


def test_the_installed_matplotlib_shapes_text_itself():
    # pyproject.toml asks for 3.11 or newer: libraqm joins and orders Arabic script.
    assert matplotlib.__version_info__ >= (3, 11)


# --- edge cases ----------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["de", "fa"])
def test_an_empty_chart_shows_title_and_subtitle_only(language, caplog):
    title, subtitle, *_ = TEXTS[language]
    chart = Chart(title, subtitle, [], language)
    with no_missing_glyphs(caplog):
        png = render(chart)
    image = Image.open(io.BytesIO(png))
    assert image.size[0] == 1080 and 120 < image.size[1] < 300
    figure = build_figure(chart)
    assert {a.get_gid() for a in figure.artists} == {"title", "subtitle"}
    assert texts(figure, "title") == display_text(title, language, 30, 3)


def test_the_height_grows_with_the_number_of_bars():
    def height(count):
        bars = [Bar(f"Teilziel {n}", 10.0 * n, f"{n} %") for n in range(count, 0, -1)]
        return Image.open(io.BytesIO(render(Chart("T", "S", bars, "de")))).size[1]

    one, ten, twenty = height(1), height(10), height(20)
    assert one < ten < twenty < 4000
    # Every one-line bar adds the same height.
    assert (twenty - ten) / 10 == pytest.approx((ten - one) / 9, abs=1)


def test_zero_negative_and_odd_values_draw_no_bar():
    bars = [Bar("a", 0.0, "0"), Bar("b", -3.0, "?"), Bar("c", math.nan, "?"), Bar("d", 0, "")]
    figure = build_figure(Chart("T", "S", bars, "en"))
    artists, _ = drawn(figure)
    assert [box(a).width for a in artists if a.get_gid() == "bar"] == [0, 0, 0, 0]


def test_wide_letters_and_a_long_caption_are_drawn_smaller_not_cut_off():
    bars = [
        Bar("Ш" * 40, 50.0, "Ш" * 40),
        Bar("WWWWWWWWWW " * 4, 25.0, "fewer than 5 participants in this group"),
    ]
    figure = build_figure(Chart("Ж" * 30, "Щ" * 46, bars, "ru", note="М" * 56))
    artists, canvas = drawn(figure)
    width, _ = canvas.get_width_height()
    for artist in artists:
        extent = box(artist)
        assert extent.x0 >= charts.MARGIN - 1 and extent.x1 <= width - charts.MARGIN + 1


def test_a_dollar_sign_is_not_mathtext(caplog):
    with no_missing_glyphs(caplog):
        png = render(Chart("$x$ and $", "10 $ · 5 $", [Bar("Costs $5 $", 1, "$")], "en"))
    assert png.startswith(PNG_SIGNATURE)


def test_render_leaves_the_global_matplotlib_settings_alone():
    before = dict(matplotlib.rcParams)
    render(sample_chart("ar"))
    assert dict(matplotlib.rcParams) == before


def test_turkish_keeps_the_dot_on_the_i():
    """DejaVu's fi ligature has no dot, and Turkish tells i from ı by it."""
    figure = build_figure(sample_chart("tr"))
    turkish = [a for a in figure.artists if isinstance(a, Text)]
    assert all(a.get_fontfeatures() == ("-liga",) for a in turkish)
    german = [a for a in build_figure(sample_chart("de")).artists if isinstance(a, Text)]
    assert all(a.get_fontfeatures() is None for a in german)


async def test_two_charts_render_at_once_in_worker_threads():
    first, second = sample_chart("fa"), sample_chart("uk")
    alone = render(first), render(second)
    together = await asyncio.gather(
        asyncio.to_thread(render, first), asyncio.to_thread(render, second)
    )
    assert tuple(together) == alone
