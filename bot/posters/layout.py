"""The A4 page: a band with the motto, the title and the invitation, the voting dates, a large
QR code with its link, how to use it, the languages, and who puts up the poster.

Everything is placed in millimetres from the top left of the page. Texts of the top half start
at the reading edge: the left margin, or the right one in Arabic and Persian; the code, its link
and the lines about it are centred under each other. Every line is its own `Text` (see
bot/typesetting.py for shaping and direction), wrapped by its measured width, never by a count
of characters, so a long word in a wide script still fits. If the page would overflow, the QR
code gives up room first (down to QR_MIN), then the texts become smaller.

Every artist has a gid naming its part ("band", "motto", "gloss", "title", "field",
"invitation", "dates-box", "dates-label", "dates", "qr", "link", "instruction", "offer",
"languages", "rule", "sender"), so tests can read what is drawn where.

Built per call on a `Figure` with its own canvas, never pyplot; no rcParams are changed.
"""

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.backends.backend_pdf import FigureCanvasPdf
from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.figure import Figure
from matplotlib.patches import FancyBboxPatch, PathPatch, Rectangle
from matplotlib.transforms import Affine2D, Transform

from bot.languages import is_rtl
from bot.posters.content import Poster
from bot.posters.qr import QUIET_ZONE, qr_code
from bot.typesetting import (
    BOLD_FONT,
    MONO_FONT,
    REGULAR_FONT,
    RLM,
    marked,
    text_line,
    vertical_metrics,
)

FORMATS = ("pdf", "png", "svg")
PAGE_W, PAGE_H = 210.0, 297.0  # A4, mm
MARGIN = 16.0
INNER = PAGE_W - 2 * MARGIN
PNG_DPI = 300  # print quality: 2480 x 3508 pixels
MM_PER_PT = 25.4 / 72
LINE_SPACING = 1.22  # baseline to baseline, as a multiple of the font size
QR_MAX, QR_MIN = 100.0, 66.0  # side of the code's dark modules, mm
QUIET_BELOW = 3  # modules of white between the code and its link (light text, not a pattern)

# Marks the direction around the "·" between two language names, so that two names of one
# script next to each other stay two names in the reading order (LEFT-TO-RIGHT MARK or RLM).
LRM = "\u200e"
_SPACES = re.compile(r"[ \t\n]+")  # where lines may break: not at a no-break space

ACCENT, INK, MUTED, TINT, WHITE = "#a3162b", "#1b1b1b", "#4d4d4d", "#f7eced", "#ffffff"


@dataclass(frozen=True)
class Sizes:
    """Font sizes in points; `scaled` makes the body texts smaller when the page is full."""

    motto: float = 46
    gloss: float = 21
    title: float = 31
    field: float = 21
    invitation: float = 20
    label: float = 16
    dates: float = 22
    link: float = 13
    instruction: float = 15
    offer: float = 15
    languages: float = 13
    sender: float = 11

    def scaled(self, factor: float) -> "Sizes":
        """All sizes times `factor`."""
        return Sizes(*(value * factor for value in vars(self).values()))


def build_figure(poster: Poster, dpi: float = PNG_DPI) -> Figure:
    """The poster as a figure: A4, every part placed (see the module docstring)."""
    sizes = Sizes()
    for _ in range(8):
        page = _Page(poster, sizes, dpi)
        if page.fits:
            return page.figure
        sizes = sizes.scaled(0.92)
    return page.figure


def render(poster: Poster, file_format: str) -> bytes:
    """The poster as PDF, PNG or SVG bytes (CPU-bound: run it in a thread from async code)."""
    figure = build_figure(poster)
    buffer = io.BytesIO()
    # The canvases' own print methods, not savefig: savefig reads savefig.* rcParams, which
    # other code may have changed. backend modules have no annotations, hence the ignores.
    if file_format == "pdf":
        metadata = {"Title": poster.file_title, "Subject": poster.link, "Creator": None}
        FigureCanvasPdf(figure).print_pdf(buffer, metadata=metadata)  # type: ignore[no-untyped-call]
    elif file_format == "svg":
        metadata = {"Title": poster.file_title, "Description": poster.link, "Creator": None}
        FigureCanvasSVG(figure).print_svg(buffer, metadata=metadata)  # type: ignore[no-untyped-call]
    elif file_format == "png":
        FigureCanvasAgg(figure).print_png(buffer, metadata={"Software": None})  # type: ignore[no-untyped-call]
    else:
        raise ValueError(f"unknown poster format {file_format!r}")
    return buffer.getvalue()


class _Page:
    """Lays out one poster at given font sizes; `fits` says whether it found room."""

    def __init__(self, poster: Poster, sizes: Sizes, dpi: float) -> None:
        self.poster = poster
        self.rtl = is_rtl(poster.language)
        self.figure = Figure(figsize=(PAGE_W / 25.4, PAGE_H / 25.4), dpi=dpi, facecolor=WHITE)
        # Texts are measured with the Agg renderer (backend_agg has no annotations).
        self.renderer = FigureCanvasAgg(self.figure).get_renderer()  # type: ignore[no-untyped-call]
        # Millimetres from the top left to the figure's display coordinates; dpi_scale_trans
        # follows the dpi each backend draws at (72 for PDF and SVG).
        self.mm: Transform = (
            Affine2D().scale(1 / 25.4, -1 / 25.4).translate(0, PAGE_H / 25.4)
            + self.figure.dpi_scale_trans
        )
        self.start = PAGE_W - MARGIN if self.rtl else MARGIN
        self.align = "right" if self.rtl else "left"

        y = self._band(sizes)
        y = self._paragraph("title", poster.title, y + 11, sizes.title, BOLD_FONT, INK)
        if poster.field:
            y = self._paragraph("field", poster.field, y + 4, sizes.field, BOLD_FONT, ACCENT)
        y = self._paragraph("invitation", poster.invitation, y + 7, sizes.invitation)
        y = self._dates(y + 9, sizes)
        bottom = self._footer(sizes)
        below_code = self._measure_below_code(sizes)
        # The code's quiet zone (white modules around it) lies in the gaps above and below it
        # and in the side margins: the page is white there anyway.
        modules = qr_code(poster.link).modules
        room = bottom - 5 - below_code - y
        side = room / (1 + (QUIET_ZONE + QUIET_BELOW) / modules)
        self.fits = side >= QR_MIN
        self.code_side = max(min(side, QR_MAX), QR_MIN)
        spare = room - self.code_side * (1 + (QUIET_ZONE + QUIET_BELOW) / modules)
        top = y + spare / 2 + QUIET_ZONE * self.code_side / modules
        self._code(top, self.code_side, sizes)

    # --- text ---

    def _width(self, line: str, size: float, font: Path, language: str) -> float:
        """The width in mm that `line` takes."""
        text = text_line(line, language, size, font=font)
        text.set_figure(self.figure)
        return float(text.get_window_extent(self.renderer).width) / self.figure.dpi * 25.4

    def _wrap(self, words: Sequence[str], size: float, font: Path, width: float) -> list[str]:
        """Words joined into lines no wider than `width` mm (a single word that is wider
        stands alone; `_paragraph` then draws the whole text smaller)."""
        lines: list[str] = []
        for word in words:
            candidate = f"{lines[-1]} {word}" if lines else word
            language = self.poster.language
            if lines and self._width(marked(candidate, language), size, font, language) <= width:
                lines[-1] = candidate
            else:
                lines.append(word)
        return lines

    def _paragraph(
        self,
        gid: str,
        content: str,
        top: float,
        size: float,
        font: Path = REGULAR_FONT,
        color: str = INK,
        *,
        x: float | None = None,
        align: str | None = None,
        width: float = INNER,
        language: str | None = None,
        words: Sequence[str] | None = None,
        draw: bool = True,
    ) -> float:
        """A wrapped text with its top at `top` mm; returns the y of its last line's bottom.

        In the poster's language (marked right to left where needed) unless `language` says
        otherwise; aligned to the reading edge unless `x` and `align` say otherwise."""
        language = language or self.poster.language
        words = words if words is not None else [w for w in _SPACES.split(content) if w]
        if not words:
            return top
        lines = self._wrap(words, size, font, width)
        widest = max(self._width(marked(line, language), size, font, language) for line in lines)
        if widest > width:  # a word wider than the line: the text becomes smaller, never cut
            size *= width / widest * 0.98
        ascent, descent = vertical_metrics(font)
        baseline = top + ascent * size * MM_PER_PT
        for line in lines:
            if draw:
                text = text_line(marked(line, language), language, size, font=font)
                text.update(
                    {
                        "gid": gid,
                        "position": (self.start if x is None else x, baseline),
                        "transform": self.mm,
                        "color": color,
                        "horizontalalignment": align or self.align,
                        "verticalalignment": "baseline",
                    }
                )
                if gid == "link":
                    text.set_url(self.poster.link)  # a link annotation in PDF and SVG
                self.figure.add_artist(text)
            baseline += size * MM_PER_PT * LINE_SPACING
        return baseline - size * MM_PER_PT * LINE_SPACING + descent * size * MM_PER_PT

    # --- parts ---

    def _band(self, sizes: Sizes) -> float:
        """The coloured band at the top with the motto and its translation (or, without a
        motto, nothing but colour); returns the y below it."""
        poster = self.poster
        y = MARGIN
        if poster.motto:
            # The motto is a name: German, left to right, whatever the poster's language.
            y = self._paragraph(
                "motto", poster.motto, y, sizes.motto, BOLD_FONT, WHITE, language="de"
            )
        if poster.gloss:
            y = self._paragraph("gloss", poster.gloss, y + 3, sizes.gloss, REGULAR_FONT, WHITE)
        height = y + 9 if poster.motto else 10.0
        band = Rectangle((0, 0), PAGE_W, height, transform=self.mm, color=ACCENT, lw=0, gid="band")
        band.set_zorder(-1)
        self.figure.add_artist(band)
        return height

    def _dates(self, top: float, sizes: Sizes) -> float:
        """The voting dates on a tinted box; returns the y below the box."""
        pad = 5.0
        y = self._paragraph(
            "dates-label", self.poster.dates_label, top + pad, sizes.label, BOLD_FONT, ACCENT,
            x=self.start + (-pad if self.rtl else pad), width=INNER - 2 * pad,
        )  # fmt: skip
        y = self._paragraph(
            "dates", self.poster.dates, y + 2.5, sizes.dates, BOLD_FONT, INK,
            x=self.start + (-pad if self.rtl else pad), width=INNER - 2 * pad,
        )  # fmt: skip
        box = FancyBboxPatch(
            (MARGIN, top), INNER, y + pad - top, boxstyle="round,pad=0,rounding_size=3",
            transform=self.mm, facecolor=TINT, lw=0, gid="dates-box", zorder=-1,
        )  # fmt: skip
        self.figure.add_artist(box)
        return y + pad

    def _below_code(self, top: float, sizes: Sizes, *, draw: bool) -> float:
        """The link, the instruction and the offer, centred under the code."""
        centre = PAGE_W / 2
        poster = self.poster
        y = self._paragraph(
            "link", poster.link, top, sizes.link, MONO_FONT, ACCENT, x=centre, align="center",
            language="en", words=[poster.link], draw=draw,
        )  # fmt: skip
        for gid, content, size, font, color in (
            ("instruction", poster.instruction, sizes.instruction, REGULAR_FONT, INK),
            ("offer", poster.offer, sizes.offer, BOLD_FONT, INK),
        ):
            y = self._paragraph(
                gid, content, y + 4, size, font, color, x=centre, align="center",
                width=INNER - 20, draw=draw,
            )  # fmt: skip
        # The languages, each named in itself, wrapped between names, never inside one.
        mark = RLM if self.rtl else LRM
        names = [name.replace(" ", "\u00a0") for name in poster.languages]
        words = [f"{name}\u00a0·{mark}" for name in names[:-1]] + names[-1:]
        return self._paragraph(
            "languages", "", y + 3, sizes.languages, REGULAR_FONT, MUTED, x=centre,
            align="center", words=words, draw=draw,
        )  # fmt: skip

    def _measure_below_code(self, sizes: Sizes) -> float:
        """The height of what stands under the code."""
        return self._below_code(0.0, sizes, draw=False)

    def _code(self, top: float, side: float, sizes: Sizes) -> None:
        """The QR code's dark modules `side` mm wide, centred, and what goes under it."""
        code = qr_code(self.poster.link)
        module = side / code.modules
        left = (PAGE_W - side) / 2
        place = Affine2D().scale(module).translate(left, top) + self.mm
        # Not antialiased: the modules' edges stay hard in the PNG as well.
        patch = PathPatch(
            code.path, transform=place, facecolor=INK, lw=0, antialiased=False, gid="qr"
        )
        patch.set_url(self.poster.link)
        self.figure.add_artist(patch)
        self._below_code(top + side + QUIET_BELOW * module, sizes, draw=True)

    def _footer(self, sizes: Sizes) -> float:
        """Who puts up the poster, above a thin rule at the foot; returns the rule's y."""
        ascent, descent = vertical_metrics(REGULAR_FONT)
        line = sizes.sender * MM_PER_PT * (ascent + descent)
        lines = len(self._wrap(self.poster.sender.split(), sizes.sender, REGULAR_FONT, INNER))
        height = line + (lines - 1) * sizes.sender * MM_PER_PT * LINE_SPACING
        top = PAGE_H - MARGIN + 4 - height
        self._paragraph("sender", self.poster.sender, top, sizes.sender, REGULAR_FONT, MUTED)
        rule = top - 4
        self.figure.add_artist(
            Rectangle((MARGIN, rule), INNER, 0.3, transform=self.mm, color="#cccccc", lw=0,
                      gid="rule")
        )  # fmt: skip
        return rule
