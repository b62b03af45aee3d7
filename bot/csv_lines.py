"""Reading the CSV files staff import (workshop results, workshop measures) as Excel saves
them: comma- or semicolon-separated, quoted line breaks, blank lines and an optional header
line skipped, each line with its number so every bad one can be named."""

import csv
import io
from collections.abc import Iterator


class FileProblems(ValueError):
    """A file that cannot be imported; `problems` has one line per bad line."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


def separator(text: str) -> str:
    """ ";" or ",", whichever the first line that is not blank uses (Excel's German or English
    settings)."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    return ";" if first.count(";") >= first.count(",") and ";" in first else ","


def numbered_lines(text: str, header: tuple[str, ...]) -> Iterator[tuple[int, list[str]]]:
    """(line number, stripped cells) of each line that is not blank; the first such line is
    skipped when it is the header (any case)."""
    # newline="": the csv module reads \r\n, \n and old Excel's \r, and quoted line breaks.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator(text))
    ended = 0  # the file's last line read so far: a record with a quoted line break spans two
    first = True
    for raw in reader:
        number, ended = ended + 1, reader.line_num
        cells = [cell.strip() for cell in raw]
        if not any(cells):
            continue
        if first and tuple(c.lower() for c in cells) == header:
            first = False
            continue
        first = False
        yield number, cells
