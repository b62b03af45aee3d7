"""Result charts as PNG images for a phone: a horizontal bar chart with its labels in the reader's
language, right to left for Arabic and Persian.

Layout, top to bottom: title, subtitle, then per bar its label (wrapped, up to three lines) on
its own rows above the bar, the caption at the bar's end, and an optional note at the foot. The
label sits above its bar, not beside it, because beside it a 40-character line and a bar would
have to share 1080 pixels and both would be too small to read on a phone. The image is 1080
pixels wide and as tall as its bars need.

Text direction, letter joining and the shipped font: bot/typesetting.py (shared with the
posters).

Thread safety: everything is built per call on a `Figure` with its own `FigureCanvasAgg`
(never pyplot and its global figure manager), every artist gets its font, size and colour
explicitly, and no rcParams are changed, so `render` can run in `asyncio.to_thread`.
"""

import io
import math
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.text import Text
from matplotlib.transforms import Affine2D

from bot.languages import is_rtl
from bot.typesetting import BOLD_FONT as BOLD_FONT  # re-exported: the chart's fonts
from bot.typesetting import REGULAR_FONT as REGULAR_FONT
from bot.typesetting import RLM, font_file, text_line, vertical_metrics

# Pixel sizes at 1080 px width. A chat shows the picture about as wide as the screen, so a
# 38 px label is read at roughly the size of the chat's own text.
WIDTH = 1080
DPI = 144  # only converts the pixel sizes below to points; the image is WIDTH pixels wide
MARGIN = 48
TOP, BOTTOM = 44, 40
TITLE_PX, SUBTITLE_PX, LABEL_PX, CAPTION_PX, NOTE_PX = 50, 34, 38, 36, 28
# Characters per wrapped line, chosen so that an average line of each size fits the width;
# a line that is still too wide (many wide letters) is drawn smaller, never cut off.
TITLE_CHARS, SUBTITLE_CHARS, LABEL_CHARS, NOTE_CHARS = 30, 46, 40, 56
TITLE_LINES, SUBTITLE_LINES, LABEL_LINES, NOTE_LINES = 3, 2, 3, 4
LINE_SPACING = 1.25  # baseline to baseline of wrapped lines, as a multiple of the font size
BAR_PX = 44
LABEL_TO_BAR = 10  # gap between a label's last line and its bar
BAR_TO_NEXT = 34  # gap between a bar and the next label
CAPTION_GAP = 14  # between the bar's end and its caption

INK, MUTED, BAR, RULE, BACKGROUND = "#1b1b1b", "#4d4d4d", "#3367b0", "#d6d6d6", "#ffffff"

ELLIPSIS = " …"


@dataclass(frozen=True)
class Bar:
    """One bar: its label, its length and the text at its end."""

    label: str  # already translated, e.g. a sub-goal text (up to ~130 characters)
    value: float  # bar length, e.g. a share in percent (0..100); 0 allowed
    caption: str  # printed at the bar's end, e.g. "34 · 27 %" or "fewer than 5" (translated)


@dataclass(frozen=True)
class Chart:
    """A whole chart, every text already in `language`."""

    title: str  # e.g. the action field's title, translated
    subtitle: str  # e.g. "412 participants · 3 February 2020", translated
    bars: Sequence[Bar]  # in rank order, best first (shown top to bottom); may be empty
    language: str  # "de", "en", "tr", "ar", "ru", "uk", "fa", "pl"
    note: str = ""  # optional footnote line, e.g. the merge formula or "illustration"


def render(chart: Chart) -> bytes:
    """The chart as PNG bytes (synchronous and CPU-bound: callers run it in asyncio.to_thread)."""
    figure = build_figure(chart)
    buffer = io.BytesIO()
    # print_png, not figure.savefig: savefig reads savefig.* rcParams (bbox, facecolor), which
    # other code may have changed; print_png draws the figure exactly as laid out.
    # backend_agg has no annotations, so mypy --strict takes print_png for untyped.
    canvas = FigureCanvasAgg(figure)
    canvas.print_png(buffer, metadata={"Software": None})  # type: ignore[no-untyped-call]
    return buffer.getvalue()


def display_text(
    text: str, language: str, width: int = LABEL_CHARS, max_lines: int = LABEL_LINES
) -> list[str]:
    """`text` wrapped to lines of at most `width` characters (at most `max_lines`, the last one
    ending in "…" when the text is longer), each line as matplotlib must receive it: in
    logical order, and in a right-to-left language starting with a RIGHT-TO-LEFT MARK so that
    a line beginning with a number or a Latin word is still laid out right to left.
    """
    lines = textwrap.wrap(
        " ".join(text.split()),  # a label's own line breaks carry no meaning in a chart
        width=width,
        max_lines=max_lines,
        placeholder=ELLIPSIS,
    )
    return [RLM + line for line in lines] if is_rtl(language) else lines


# --- the figure -------------------------------------------------------------------------------


def build_figure(chart: Chart) -> Figure:
    """The figure `render` draws. Every text line is its own `Text` artist holding a line from
    `display_text`, and every artist has a gid naming its part ("title", "subtitle", "label",
    "rule", "bar", "caption", "note"), so tests can read what is drawn where."""
    return _Layout(chart).figure


class _Layout:
    """Places the chart's parts from top to bottom in pixel coordinates.

    The height is known only after the texts are measured, so artists are placed in a
    "pixels from the top" system whose transform is completed once the height is known.
    Each line of a wrapped text is a Text of its own, at a fixed pitch: matplotlib hands the
    language and font features to the text engine only for single-line texts, and spaces the
    lines of a multi-line text by each line's own ascent, which looks uneven.
    """

    def __init__(self, chart: Chart) -> None:
        self.chart = chart
        self.rtl = is_rtl(chart.language)
        self.figure = Figure(figsize=(WIDTH / DPI, 1), dpi=DPI, facecolor=BACKGROUND)
        FigureCanvasAgg(self.figure)  # measuring texts below needs the Agg renderer
        self.from_top = Affine2D()  # identity while measuring; flipped at the end
        self.inner = WIDTH - 2 * MARGIN
        # Texts start at the reading edge: the left margin, or the right one for right to left.
        self.start = WIDTH - MARGIN if self.rtl else MARGIN
        self.align = "right" if self.rtl else "left"

        y: float = TOP
        y = self._block("title", chart.title, y, TITLE_PX, TITLE_CHARS, TITLE_LINES, bold=True)
        y = self._block(
            "subtitle",
            chart.subtitle,
            y + 10,
            SUBTITLE_PX,
            SUBTITLE_CHARS,
            SUBTITLE_LINES,
            color=MUTED,
        )
        if chart.bars:
            y += 22
            self._rule(y)
            y = self._bars(chart.bars, y + 30)
        if chart.note:
            y = self._block(
                "note", chart.note, y + 30, NOTE_PX, NOTE_CHARS, NOTE_LINES, color=MUTED
            )
        height = y + BOTTOM

        self.figure.set_size_inches(WIDTH / DPI, height / DPI)
        # Pixels from the top to the figure's pixels (origin bottom left).
        self.from_top.scale(1, -1).translate(0, height)

    # --- texts ---

    def _line(self, line: str, size_px: float, *, bold: bool) -> Text:
        """One line (from `display_text`) as a text artist, not placed yet."""
        text = text_line(line, self.chart.language, size_px * 72 / DPI, font=font_file(bold=bold))
        text.set_figure(self.figure)
        return text

    def _width(self, line: str, size_px: float, *, bold: bool) -> float:
        """The width in pixels `line` takes."""
        return float(self._line(line, size_px, bold=bold).get_window_extent().width)

    def _place(
        self,
        gid: str,
        line: str,
        x: float,
        y: float,
        size_px: float,
        va: str,
        *,
        bold: bool,
        color: str,
    ) -> None:
        """Draws `line` at (x, y pixels from the top), aligned to the reading edge."""
        text = self._line(line, size_px, bold=bold)
        text.update(
            {
                "gid": gid,
                "position": (x, y),
                "transform": self.from_top,
                "color": color,
                "horizontalalignment": self.align,
                "verticalalignment": va,
            }
        )
        self.figure.add_artist(text)

    def _block(
        self,
        gid: str,
        content: str,
        y: float,
        size_px: float,
        chars: int,
        max_lines: int,
        *,
        bold: bool = False,
        color: str = INK,
    ) -> float:
        """A wrapped text at the reading edge with its top at y; returns the y below it.

        If a line is still wider than the page (a run of wide letters), the whole block is
        drawn smaller: never cut off at the edge."""
        lines = display_text(content, self.chart.language, chars, max_lines)
        if not lines:
            return y
        widest = max(self._width(line, size_px, bold=bold) for line in lines)
        if widest > self.inner:
            size_px *= self.inner / widest * 0.98
        ascent, descent = vertical_metrics(font_file(bold=bold))
        baseline = y + ascent * size_px
        for line in lines:
            self._place(
                gid, line, self.start, baseline, size_px, "baseline", bold=bold, color=color
            )
            baseline += size_px * LINE_SPACING
        return baseline - size_px * LINE_SPACING + descent * size_px

    # --- bars ---

    def _rule(self, y: float) -> None:
        """A thin line between the heading and the bars."""
        self.figure.add_artist(
            Rectangle(
                (MARGIN, y), self.inner, 2, color=RULE, transform=self.from_top, lw=0, gid="rule"
            )
        )

    def _bars(self, bars: Sequence[Bar], y: float) -> float:
        """Label, bar and caption per bar, best first; returns the y below the last bar."""
        captions = [
            " ".join(display_text(bar.caption, self.chart.language, 10**6, 1)) for bar in bars
        ]
        # The longest bar leaves room for the widest caption, but at most half the width so
        # that the bars stay comparable; a longer caption is drawn smaller.
        widths = [self._width(caption, CAPTION_PX, bold=True) for caption in captions]
        room = min(max(widths), self.inner / 2)
        longest = self.inner - room - CAPTION_GAP
        # The best value gets the longest bar: values need not be percentages, and the
        # captions carry the figures. Negative and non-finite values draw no bar.
        values = [bar.value if math.isfinite(bar.value) and bar.value > 0 else 0.0 for bar in bars]
        top = max(values)
        for bar, value, caption, width in zip(bars, values, captions, widths, strict=True):
            y = self._block("label", bar.label, y, LABEL_PX, LABEL_CHARS, LABEL_LINES)
            y += LABEL_TO_BAR
            length = longest * value / top if top > 0 else 0.0
            left = self.start - length if self.rtl else self.start
            self.figure.add_artist(
                Rectangle(
                    (left, y), length, BAR_PX, color=BAR, transform=self.from_top, lw=0, gid="bar"
                )
            )
            # A bar of length 0 (a hidden small figure, say) has its caption at the edge.
            gap = CAPTION_GAP if length > 0 else 0
            end = self.start - length - gap if self.rtl else self.start + length + gap
            # Shrunk with a little to spare: hinting keeps widths from scaling exactly.
            size = CAPTION_PX * (room / width * 0.98 if width > room else 1.0)
            self._place(
                "caption",
                caption,
                end,
                y + BAR_PX / 2,
                size,
                "center_baseline",
                bold=True,
                color=INK,
            )
            y += BAR_PX + BAR_TO_NEXT
        return y - BAR_TO_NEXT
