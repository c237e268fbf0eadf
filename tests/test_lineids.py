"""Line identifiers compared by number part (conformance/lineids.py)."""

from __future__ import annotations

import pytest

from conformance.lineids import line_key, same_line


@pytest.mark.parametrize(
    ("identifier", "key"),
    [
        ("tel:+4930100101", "+4930100101"),
        ("TEL:+4930100101;phys=101", "+4930100101"),
        ("tel:101@pbx text", "101"),
        (" 101 ", "101"),
    ],
)
def test_line_key_is_the_number_part(identifier: str, key: str) -> None:
    assert line_key(identifier) == key


def test_same_line_matches_a_number_and_its_line_uri() -> None:
    assert same_line("tel:+4930100101", "+4930100101")
    assert same_line("+4930100101", "tel:+4930100101@pbx1")
    assert not same_line("tel:+4930100101", "tel:+4930100102")
    assert not same_line("tel:", "")
    assert not same_line("101", None)
