"""The costed priority list as a PNG bar chart: a bar per measure (its votes), funded measures
in the results' blue, the others grey.

Drawn by the prioritisation's chart code (bot/results/charts.py: layout, labels in the reader's
language, Arabic and Persian right to left, the shipped font), which has one colour for all
bars: the bars it drew are coloured here afterwards, in list order, by their gid "bar". Built
per call on its own Figure, so `render` can run in `asyncio.to_thread`.
"""

import io
from collections.abc import Sequence
from dataclasses import dataclass

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.patches import Rectangle

from bot.results.charts import BAR, Bar, Chart, build_figure

UNFUNDED = "#b3b3b3"  # grey, light enough to tell from the blue on any phone screen


@dataclass(frozen=True)
class MeasureBar:
    """One measure: its label, its votes (the bar's length), the caption, funded or not."""

    label: str
    value: float
    caption: str
    funded: bool


@dataclass(frozen=True)
class MeasuresChart:
    """The whole chart, every text already in `language`."""

    title: str
    subtitle: str
    bars: Sequence[MeasureBar]
    language: str
    note: str = ""


def render(chart: MeasuresChart) -> bytes:
    """The chart as PNG bytes (synchronous and CPU-bound)."""
    figure = build_figure(
        Chart(
            chart.title,
            chart.subtitle,
            [Bar(bar.label, bar.value, bar.caption) for bar in chart.bars],
            chart.language,
            chart.note,
        )
    )
    drawn = [artist for artist in figure.artists if artist.get_gid() == "bar"]
    for artist, bar in zip(drawn, chart.bars, strict=True):
        assert isinstance(artist, Rectangle)
        artist.set_color(BAR if bar.funded else UNFUNDED)
    buffer = io.BytesIO()
    canvas = FigureCanvasAgg(figure)
    canvas.print_png(buffer, metadata={"Software": None})  # type: ignore[no-untyped-call]
    return buffer.getvalue()
