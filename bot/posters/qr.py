"""The QR code as vector squares: one matplotlib path, so that a printed poster is sharp at
any size and a PDF or SVG carries the code itself, not a picture of it.

Error correction M (segno raises it for free where the version has room): it survives a
scratch or a sticker on a poster in a bus shelter and keeps the modules large.
"""

from dataclasses import dataclass

import segno
from matplotlib.path import Path

QUIET_ZONE = 4  # modules of white around the code, as the standard asks
# One closed rectangle: move to its corner, three sides, close.
_SIDES = (Path.MOVETO, Path.LINETO, Path.LINETO, Path.LINETO, Path.CLOSEPOLY)
_RECTANGLE = [int(code) for code in _SIDES]


@dataclass(frozen=True)
class QrCode:
    """The dark modules as one path, in module units (x right, y down, origin at the top left
    of the code without its quiet zone), and the number of modules per side."""

    path: Path
    modules: int


def qr_code(content: str) -> QrCode:
    """The QR code for `content` (a link), never a Micro QR (phones' cameras read only QR)."""
    code = segno.make(content, error="m", micro=False)
    matrix = code.matrix
    vertices: list[tuple[float, float]] = []
    codes: list[int] = []
    for y, row in enumerate(matrix):
        x = 0
        while x < len(row):
            if not row[x]:
                x += 1
                continue
            start = x
            while x < len(row) and row[x]:
                x += 1
            # One rectangle per run of dark modules in a row: fewer, larger shapes.
            vertices += [(start, y), (x, y), (x, y + 1), (start, y + 1), (start, y)]
            codes += _RECTANGLE
    return QrCode(Path(vertices, codes), len(matrix))
