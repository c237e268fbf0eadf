"""Line identifiers: a phone number or a 'tel:' LineURI may name the same line.

"u8sLinePhoneNumber ... Contains the line identifier. This can be a phone number or (if the
line is monitored by the UCServer) a LineURI beginning with 'tel:'" (L27503-L27509); a LineURI
has the form "tel:xyz@pbx text" (L11527-L11528) and may carry parameters (";phys=101"). A
profile may list a line in either form, and the server may answer the other, so the suites
compare lines by :func:`same_line`, never verbatim.
"""

from __future__ import annotations

__all__ = ["line_key", "same_line"]


def line_key(identifier: str) -> str:
    """The number part of a line identifier: no 'tel:', no '@pbx', no ';parameters'."""
    text = identifier.strip()
    if text[:4].lower() == "tel:":
        text = text[4:]
    return text.split(";", 1)[0].split("@", 1)[0].strip()


def same_line(first: object, second: object) -> bool:
    """Whether two identifiers name one line (identical, or the same number part)."""
    if not isinstance(first, str) or not isinstance(second, str):
        return False
    return first == second or (line_key(first) != "" and line_key(first) == line_key(second))
