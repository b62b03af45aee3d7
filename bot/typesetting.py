"""Text for drawn pictures (result charts, posters): the shipped font and one line of text as a
matplotlib artist, shaped and ordered for its language.

Text direction and letter joining: matplotlib 3.11 and newer (the version pyproject.toml asks
for) lay out text with libraqm (HarfBuzz shaping, SheenBidi reordering), so they get
logical-order Arabic and Persian text and join and order it themselves. (Handing them text
pre-shaped with arabic-reshaper and reordered with python-bidi, as older matplotlib needed,
would reverse every word a second time; so neither library is used.)

Font: DejaVu Sans from matplotlib's own mpl-data, loaded by file path, so the machine's fonts
never matter. It has the Latin (Turkish, Polish), Cyrillic (Ukrainian ї є ґ) and Arabic glyphs,
Persian پ چ ژ گ ک ی and both digit sets, and the OpenType joining and mark tables HarfBuzz
uses. DejaVu Sans Mono (same package) prints links, where I and l must differ.

Thread safety: every artist gets its font, size and colour explicitly and no rcParams are
changed, so drawing can run in `asyncio.to_thread`.
"""

import functools
from pathlib import Path

import matplotlib
from matplotlib.font_manager import FontProperties
from matplotlib.ft2font import FT2Font
from matplotlib.text import Text

from bot.languages import is_rtl

_FONTS = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
REGULAR_FONT = _FONTS / "DejaVuSans.ttf"
BOLD_FONT = _FONTS / "DejaVuSans-Bold.ttf"
MONO_FONT = _FONTS / "DejaVuSansMono.ttf"

RLM = "\u200f"  # RIGHT-TO-LEFT MARK: makes a line's base direction right to left


def font_file(*, bold: bool = False) -> Path:
    """The shipped DejaVu Sans, regular or bold."""
    return BOLD_FONT if bold else REGULAR_FONT


@functools.cache
def vertical_metrics(path: Path) -> tuple[float, float]:
    """The font's ascent and descent as fractions of its size."""
    font = FT2Font(str(path))
    return font.ascender / font.units_per_EM, -font.descender / font.units_per_EM


def marked(line: str, language: str) -> str:
    """`line` as matplotlib must receive it: in logical order, and in a right-to-left language
    starting with a RIGHT-TO-LEFT MARK, so that a line beginning with a number or a Latin word
    is still laid out right to left."""
    return RLM + line if is_rtl(language) and not line.startswith(RLM) else line


def text_line(line: str, language: str, size_pt: float, *, font: Path = REGULAR_FONT) -> Text:
    """One line of text as an artist (not placed, no figure yet), shaped for `language`:
    HarfBuzz gets the language, and Turkish loses the fi/fl ligatures."""
    properties = FontProperties(fname=font, size=size_pt)
    # parse_math off: a "$" in a label is a dollar sign, not the start of mathtext.
    text = Text(text=line, fontproperties=properties, parse_math=False)
    if hasattr(text, "set_language"):  # matplotlib >= 3.11 shapes with HarfBuzz
        text.set_language(language)
        if language == "tr":
            # DejaVu's fi and fl ligatures drop the dot of the i, and Turkish tells i
            # from ı by that dot ("fiyat" would read "fıyat").
            text.set_fontfeatures(["-liga"])
    return text
