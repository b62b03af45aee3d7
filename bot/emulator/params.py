"""Reading Bot API parameters the forgiving way Telegram does ("5" and 5 are both an integer).

Both front doors hand over JSON-compatible values; these helpers coerce them and raise the
Bad Request a wrong type would earn.
"""

from typing import Any

from bot.emulator.errors import bad_request


def int_param(params: dict[str, Any], name: str, default: int | None = None) -> int | None:
    """An Integer parameter, or default when absent."""
    value = params.get(name)
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        raise bad_request(f'field "{name}" must be of type Integer')
    try:
        return int(value)
    except (TypeError, ValueError):
        raise bad_request(f'field "{name}" must be of type Integer') from None


def required_int(params: dict[str, Any], name: str) -> int:
    """An Integer parameter that must be present."""
    value = int_param(params, name)
    if value is None:
        raise bad_request(
            f"{name} is empty" if name != "message_id" else "message identifier is not specified"
        )
    return value


def float_param(params: dict[str, Any], name: str, default: float) -> float:
    """A Float (or Integer) parameter."""
    value = params.get(name)
    if value is None or value == "":
        return default
    try:
        return float(value)
    except (TypeError, ValueError):
        raise bad_request(f'field "{name}" must be of type Number') from None


def bool_param(params: dict[str, Any], name: str) -> bool:
    """A Boolean parameter; Telegram also accepts "true"/"1"."""
    value = params.get(name)
    if isinstance(value, str):
        return value.lower() in {"true", "1"}
    return bool(value)


def str_param(params: dict[str, Any], name: str) -> str | None:
    """A String parameter, or None when absent."""
    value = params.get(name)
    return None if value is None else str(value)


def chat_id_of(params: dict[str, Any], name: str = "chat_id") -> int | str | None:
    """The chat_id as an int, an "@username" string, or None when absent."""
    value = params.get(name)
    if value is None or value == "":
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    text = str(value).strip()
    if text.startswith("@"):
        return text
    try:
        return int(text)
    except ValueError:
        raise bad_request("chat not found") from None
