"""Callback data: short, versioned, validated; an oversized one cannot be built."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.keyboards import (
    KINDS,
    MAX_CALLBACK_BYTES,
    Callback,
    CallbackDataError,
    button,
    decode,
    encode,
    markup,
)


def test_round_trip():
    assert decode(encode("field", "language-education")) == Callback(
        "field", ("language-education",)
    )
    assert decode(encode("menu")) == Callback("menu")


def test_a_65_byte_callback_data_cannot_be_built():
    long_id = "a" * 24
    with pytest.raises(CallbackDataError):
        encode("field", long_id + long_id + long_id)
    with pytest.raises(CallbackDataError):
        markup([[button("x", "field", "a" * 65)]])


def test_the_longest_allowed_argument_fits():
    assert len(encode("field", "a" * 24).encode()) <= MAX_CALLBACK_BYTES


@pytest.mark.parametrize(
    "data",
    [None, "", "v0:menu", "v1:nonsense", "v1:field", "v1:field:a:b", "v1:field:UPPER",
     "v1:menu:extra", "\x00\xff garbage", "v1:field:" + "a" * 80, "v1:language:de;drop"],
)  # fmt: skip
def test_forged_or_garbage_data_is_refused(data):
    with pytest.raises(CallbackDataError):
        decode(data)


@given(st.text(max_size=100))
def test_decode_never_fails_otherwise_than_with_callback_data_error(data):
    try:
        callback = decode(data)
    except CallbackDataError:
        return
    assert callback.kind in KINDS and len(data.encode()) <= MAX_CALLBACK_BYTES
