"""The id grammar, written once: ids of fields, goals and phases in the procedure file, and
every argument a button carries (they are the same ids, plus language codes and numbers).

Short and plain on purpose: an id is stored with votes and travels in callback data, which
Telegram limits to 64 bytes.
"""

import re

ID_PATTERN = r"[a-z0-9.-]{1,24}"
_ID = re.compile(rf"^{ID_PATTERN}$")
ID_RULE = "use a-z, 0-9, '-' and '.', at most 24 characters"


def is_id(text: str) -> bool:
    """True for a valid id: lower-case letters, digits, '-' and '.', 1 to 24 characters."""
    return _ID.fullmatch(text) is not None  # fullmatch: "$" alone would accept "5\n"
