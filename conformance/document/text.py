"""Repair the text extraction of the protocol document.

The document reached us as a PDF turned into text. Three kinds of damage are undone here, before
any parsing, so that the parser sees clean lines:

- mojibake: every non-ASCII character is UTF-8 that was decoded as cp1252 once more ("fÃ¼r");
  ``ftfy.fix_encoding`` reverses that line by line;
- page furniture: the running footer "UCServer WebService Protocol 6.1.0.339" and the page
  number after it sit in the middle of table cells and paragraphs; both are dropped;
- layout: every PDF line is followed by an empty line and a new page starts with a blank; empty
  lines carry no structure (cells continue across them), so they are dropped and every line is
  stripped.

What remains are :class:`Line` objects that keep their 1-based line number in the original file,
so every finding can cite the document. Cells, identifiers and numbers broken across lines are
rejoined later by the table reader (:mod:`conformance.document.tables`), which knows what a row
should look like.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import ftfy

FOOTER = "UCServer WebService Protocol 6.1.0.339"
_PAGE_NUMBER = re.compile(r"\d{1,4}")


@dataclass(frozen=True, slots=True)
class Line:
    """One non-empty, repaired line of the document and where it stood."""

    number: int
    text: str
    # The first line of a PDF page starts with a blank; a cell broken by a page break leaves
    # its remainder at the start of such a line.
    page_start: bool = False


def repair_text(text: str) -> str:
    """Undo double-encoded UTF-8 in a piece of document text."""
    # Every double-encoded character starts with one of these (UTF-8 lead bytes read as cp1252).
    return ftfy.fix_encoding(text) if any(c in text for c in "ÃÂâ") else text


def document_lines(raw: str) -> list[Line]:
    """Split the document into repaired, non-empty lines without page footers or numbers."""
    lines: list[Line] = []
    drop_page_number = False
    for index, original in enumerate(raw.split("\n"), start=1):
        text = original.strip()
        if not text:
            continue
        if text == FOOTER:
            drop_page_number = True
            continue
        if drop_page_number:
            drop_page_number = False
            if _PAGE_NUMBER.fullmatch(text):
                continue
        lines.append(Line(index, repair_text(text), original[:1].isspace()))
    return lines


def join_prose(lines: list[Line]) -> str:
    """Join the lines of a paragraph or table cell into one string with single spaces."""
    return " ".join(" ".join(line.text for line in lines).split())
