"""Read the member and value tables of the document, rejoining what the PDF broke apart.

A table arrives as a run of repaired lines (see :mod:`conformance.document.text`). A row is
``name type [yes] comment...`` (objects), ``name type comment...`` (choices) or
``name number value comment...`` (enumerations), but the extraction breaks it in several ways
(spec-digest.md section 10 lists them with line numbers):

- a name, a type or a value split over two lines: ``iServerUMSecurityOptio`` / ``n``,
  ``AsnOptionalParamete`` / ``rs``, ``numb`` / ``er``, ``10`` / ``0``;
- a split cell whose rest lands on a later line, after comment text: ``...RightsUpdat numbe
  8192 ...`` then ``e r Berechtigungen``;
- ASN.1 text instead of a row: ``eNETLOGINACCOUNTPASSWORDLOCK`` / ``ED(129),``;
- comments that run on over several lines, or into the next row.

The reader therefore does not trust lines; it recognises a row by its shape: an identifier
followed by something that is, or can be completed to, a type the document defines. Every
rejoined type must be a known type name, so a guess can never invent a type.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from conformance.document.model import EnumValue, Member
from conformance.document.text import Line

PRIMITIVES = frozenset({"string", "number", "boolean", "Object"})
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_PIECE = re.compile(r"[A-Za-z0-9_]+")
_INTEGER = re.compile(r"-?\d+")
_ASN1_VALUE = re.compile(r"([A-Za-z0-9_]*)\((-?\d+)\),?")
# A cell is broken over at most this many lines; a remainder drifts at most this far below.
_MAX_PIECES = 6
_MAX_DRIFT = 4

Cell = tuple[int, int]  # (line index, token index) inside a table

# Words that begin comment lines but never name a member ("the number (set prefix ...").
_PROSE_WORDS = frozenset(
    {
        "a",
        "an",
        "and",
        "as",
        "at",
        "by",
        "for",
        "if",
        "in",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "the",
        "this",
        "to",
        "with",
        "als",
        "auf",
        "bei",
        "das",
        "dem",
        "den",
        "der",
        "des",
        "die",
        "ein",
        "eine",
        "einer",
        "für",
        "im",
        "ist",
        "mit",
        "nicht",
        "nur",
        "oder",
        "sonst",
        "und",
        "von",
        "wenn",
        "wird",
        "zu",
    }
)
# Which hungarian prefixes fit which document type (L701-726); "asn" fits any Asn type.
_PREFIX_FITS: tuple[tuple[str, Callable[[str, str | None], bool]], ...] = (
    ("u8slist", lambda t, kind: kind == "array"),
    ("u8s", lambda t, kind: t == "string"),
    ("bin", lambda t, kind: t == "string"),
    ("seq", lambda t, kind: kind is not None),
    ("list", lambda t, kind: kind is not None),
    ("asn", lambda t, kind: kind is not None),
    ("new", lambda t, kind: kind is not None),
    ("enu", lambda t, kind: t == "number" or kind == "enumeration"),
    ("utc", lambda t, kind: t == "string"),
    ("st", lambda t, kind: t == "string"),
    ("i", lambda t, kind: t == "number" or kind == "enumeration"),
    ("e", lambda t, kind: t == "number" or kind == "enumeration"),
    ("r", lambda t, kind: t == "number"),
    ("b", lambda t, kind: t == "boolean"),
    ("s", lambda t, kind: t == "string"),
    ("p", lambda t, kind: kind is not None),
)


@dataclass(frozen=True)
class TableContext:
    """What a table reader may know of the whole document.

    ``type_kinds`` maps every defined type to its kind (``"object"``, ``"enumeration"``, ...):
    a broken type cell is only ever completed to one of these names. ``identifiers`` are the
    names of types, operations and members: an identifier that a comment breaks across two
    lines ("iNumGreaterThanOrEqualSeqI" / "D") is rejoined when the halves make one of them.
    """

    type_kinds: Mapping[str, str]
    identifiers: frozenset[str] = frozenset()

    def fits(self, name: str, type_name: str) -> bool:
        """Whether a member name's prefix agrees with its type (``bOutbound boolean``)."""
        kind = self.type_kinds.get(type_name)
        for prefix, fits in _PREFIX_FITS:
            if name.startswith(prefix) and name[len(prefix) : len(prefix) + 1].isupper():
                return fits(type_name, kind)
        return name == "optionalParams" and type_name == "AsnOptionalParameters"


class TableError(ValueError):
    """A table could not be read; names the document line."""


class _TypeNames:
    """The type cells a table may contain, and every way one can begin."""

    def __init__(self, names: frozenset[str]) -> None:
        self.names = names
        self.starts = frozenset(name[:i] for name in names for i in range(1, len(name) + 1))

    @staticmethod
    @functools.cache
    def of(names: frozenset[str]) -> _TypeNames:
        return _TypeNames(names)


@dataclass(slots=True)
class _Row:
    name: str
    type_name: str
    line: int
    consumed: set[Cell]


class _Table:
    """The tokens of a table body, line by line, and the rows found in it."""

    def __init__(
        self, lines: Sequence[Line], types: _TypeNames, context: TableContext | None = None
    ) -> None:
        self.tokens = [line.text.split() for line in lines]
        self.numbers = [line.number for line in lines]
        self.page_starts = [line.page_start for line in lines]
        self.types = types
        self.context = context
        # Cells that belong to no row's comment (ASN.1 text standing in for a row).
        self.excluded: set[Cell] = set()

    def first(self, line: int) -> str | None:
        return self.tokens[line][0] if line < len(self.tokens) and self.tokens[line] else None

    def row_at(self, line: int, taken: set[Cell]) -> _Row | None:
        """The row that starts at ``line``, or None when the line only continues a comment.

        A row is an identifier, possibly broken over several lines each holding one piece,
        followed by a type cell that completes to a known type. The pieces of a broken cell
        are never shorter than the piece after them (text wraps at the column's width), which
        keeps the last word of a comment from being glued to the next row's name.
        """
        pieces: list[str] = []
        for end in range(line, min(line + _MAX_PIECES, len(self.tokens))):
            token = self.first(end)
            if (end, 0) in taken or token is None:
                return None
            pattern = _IDENTIFIER if end == line else _PIECE
            if not pattern.fullmatch(token) or (not pieces and token.lower() in _PROSE_WORDS):
                return None
            if pieces and not self._continues(pieces, end, taken):
                return None
            pieces.append(token)
            start = (end, 1) if len(self.tokens[end]) > 1 else (end + 1, 0)
            found = self._type_from(start, taken)
            if found is not None:
                type_name, cells, name_tail = found
                consumed = {(k, 0) for k in range(line, end + 1)} | cells
                return _Row("".join(pieces) + name_tail, type_name, line, consumed)
            if len(self.tokens[end]) > 1:
                return None
        return None

    def _continues(self, pieces: list[str], line: int, taken: set[Cell]) -> bool:
        """Whether the first token of ``line`` is the rest of a name broken after ``pieces``.

        The last word of a comment standing alone above the next row must not be glued to that
        row's name ("Konstanten" + "bOutbound"). Names begin in lower case, pieces of a broken
        cell are never shorter than the piece after them (text wraps at the column's width),
        and a piece that is itself a name fitting the type after it ("bOutbound boolean")
        starts a row; one that does not fit ("rName string", of "u8sSourceCompute" /
        "rName") is a remainder.
        """
        token = self.tokens[line][0]
        if not pieces[0][0].islower() or len(pieces[-1]) < len(token):
            return False
        if self.context is None:
            return True
        start = (line, 1) if len(self.tokens[line]) > 1 else (line + 1, 0)
        found = self._type_from(start, taken)
        return found is None or not self.context.fits(token, found[0])

    def _type_from(self, start: Cell, taken: set[Cell]) -> tuple[str, set[Cell], str] | None:
        line, index = start
        if line >= len(self.tokens) or index >= len(self.tokens[line]) or start in taken:
            return None
        text = self.tokens[line][index]
        if text not in self.types.starts:
            return None
        cells = {start}
        best: tuple[str, set[Cell], str] | None = None
        if text in self.types.names:
            best = (text, set(cells), "")
        following = line + 1
        while text in self.types.starts and following < min(line + _MAX_PIECES, len(self.tokens)):
            piece = self.first(following)
            if piece is None or not _PIECE.fullmatch(piece) or (following, 0) in taken:
                break
            text += piece
            cells.add((following, 0))
            if text in self.types.names:
                best = (text, set(cells), "")
            following += 1
        if best is not None:
            return best
        return self._interleaved(start)

    def _interleaved(self, start: Cell) -> tuple[str, set[Cell], str] | None:
        """``...RightsUpdat numbe 8192 ...`` then, lines below, ``e r ...``."""
        line, index = start
        prefix = self.tokens[line][index]
        if index == 0:
            return None
        for later in range(line + 2, min(line + _MAX_DRIFT + 1, len(self.tokens))):
            row = self.tokens[later]
            if len(row) >= 2 and _PIECE.fullmatch(row[0]) and prefix + row[1] in self.types.names:
                return prefix + row[1], {start, (later, 0), (later, 1)}, row[0]
        return None

    def rows(self, first: int) -> list[_Row]:
        found: list[_Row] = []
        taken: set[Cell] = set()
        for line in range(first, len(self.tokens)):
            row = self.row_at(line, taken)
            if row is None:
                if not found and self.tokens[line]:
                    raise TableError(f"line {self.numbers[line]}: expected a table row")
                continue
            found.append(row)
            taken |= row.consumed
        return found

    def cells(self, rows: list[_Row], index: int) -> list[tuple[str, int]]:
        """The unconsumed tokens of a row (its remaining cells), with their line indices."""
        row = rows[index]
        end = rows[index + 1].line if index + 1 < len(rows) else len(self.tokens)
        return [
            (token, line)
            for line in range(row.line, end)
            for position, token in enumerate(self.tokens[line])
            if (line, position) not in row.consumed and (line, position) not in self.excluded
        ]


def _header_end(lines: Sequence[Line], words: tuple[str, ...]) -> int:
    """Index of the first line after a table header that may itself be broken across lines.

    ``Name Type Optional Comment`` arrives as ``Name Type Optiona`` / ``l`` / ``Comment``;
    joining the header lines without spaces and comparing is robust to any split point.
    """
    target = "".join(words)
    collected = ""
    for index, line in enumerate(lines):
        collected += line.text.replace(" ", "")
        if collected == target:
            return index + 1
        if not target.startswith(collected):
            break
    where = f"line {lines[0].number}" if lines else "the end of the section"
    raise TableError(f"expected the table header {' '.join(words)!r} at {where}")


def read_members(
    lines: Sequence[Line], context: TableContext, *, choice: bool = False
) -> list[Member]:
    """Rows of an object table (``Name Type Optional Comment``) or a choice table."""
    header = ("Name", "Type", "Comment") if choice else ("Name", "Type", "Optional", "Comment")
    table = _Table(lines, _TypeNames.of(frozenset(context.type_kinds) | PRIMITIVES), context)
    rows = table.rows(_header_end(lines, header))
    cells = [table.cells(rows, index) for index in range(len(rows))]
    for index, row in enumerate(rows):
        cells[index] = _page_break_remainder(table, row, cells[index])
    _move_overflow(rows, cells)
    identifiers = context.identifiers | {row.name for row in rows}
    members: list[Member] = []
    for row, rest in zip(rows, cells, strict=True):
        tokens = [token for token, _ in rest]
        # The Optional cell is "yes" or empty, and may itself be broken ("ye" / "s").
        marker = next((n for n in (1, 2, 3) if "".join(tokens[:n]) == "yes"), 0)
        optional = not choice and marker > 0
        comment = _prose(rest[marker:] if optional else rest, identifiers)
        members.append(Member(row.name, row.type_name, optional, comment, table.numbers[row.line]))
    return members


def _page_break_remainder(
    table: _Table, row: _Row, cells: list[tuple[str, int]]
) -> list[tuple[str, int]]:
    """``bLastSegmen boolean ...`` then, first on the next page, ``t TRUE, wenn ...``.

    A page break through a row leaves the rest of its name cell first on the new page's first
    line. A lower-case word there is usually the comment going on; it is taken as the name's
    rest only when it cannot be a word of its own: one or two letters, or the lower-case
    continuation of a name cut right after a single capital (``bAllowNumberSearchOtherL`` /
    ``ocations``; not ``u8sContactID`` / ``gilt``).
    """
    following = [cell for cell in cells if cell[1] != row.line]
    if not following:
        return cells
    token, line = following[0]
    if not (
        table.page_starts[line]
        and table.tokens[line][0] == token
        and line <= row.line + 2
        and re.fullmatch(r"[a-z][A-Za-z0-9]*", token)
        and (len(token) <= 2 or re.search(r"[a-z0-9][A-Z]$", row.name))
    ):
        return cells
    row.name += token
    return [cell for cell in cells if cell != (token, line)]


def _move_overflow(rows: list[_Row], cells: list[list[tuple[str, int]]]) -> None:
    """Give back to a row the comment text that overflowed into the next row.

    AsnNegotiateServerConnectionResult (L14025-14108): the notes on ``optionalParams`` (an
    empty cell on its own line) are printed beside ``stServerTime``, before its own text.
    When a row with an empty comment is followed by one whose comment starts with the first
    row's name, the text up to the last line that starts a new sentence belongs to the first.
    """
    for index in range(1, len(rows)):
        previous = rows[index - 1]
        marker = cells[index][:1] if cells[index][:1] and cells[index][0][0] == "yes" else []
        current = cells[index][len(marker) :]
        own = [token for token, _ in cells[index - 1] if token != "yes"]
        if own or not current or current[0][0] != previous.name:
            continue
        lines = sorted({line for _, line in current})
        boundary = None
        for before, after in itertools.pairwise(lines):
            last = [t for t, line in current if line == before][-1]
            first = next(t for t, line in current if line == after)
            if last[-1] in ".!?)" and first[:1].isupper() and first != previous.name:
                boundary = after
        if boundary is not None:
            cells[index - 1] = cells[index - 1] + [c for c in current if c[1] < boundary]
            cells[index] = marker + [c for c in current if c[1] >= boundary]


def _prose(cells: list[tuple[str, int]], identifiers: frozenset[str]) -> str:
    """Comment text; an identifier broken at a line end is rejoined ("SeqI" / "D")."""
    words: list[str] = []
    previous_line = -1
    for token, line in cells:
        if words and line != previous_line and _joins(words[-1], token, identifiers):
            words[-1] += token
        else:
            words.append(token)
        previous_line = line
    return " ".join(words)


def _joins(head: str, tail: str, identifiers: frozenset[str]) -> bool:
    joined = (head + tail).strip(".,;:()'\"")
    return joined in identifiers and head.strip(".,;:()'\"") not in identifiers


def read_enum_values(lines: Sequence[Line], context: TableContext | None = None) -> list[EnumValue]:
    """Rows of an enumeration table (``Name Type Value Comment``)."""
    context = context or TableContext({})
    table = _Table(lines, _TypeNames.of(frozenset({"number"})), context)
    first = _header_end(lines, ("Name", "Type", "Value", "Comment"))
    asn1 = _asn1_values(table, first)
    values: list[EnumValue] = []
    rows = table.rows(first)
    for index, row in enumerate(rows):
        cells = table.cells(rows, index)
        if not cells or not _INTEGER.fullmatch(cells[0][0]):
            raise TableError(f"line {table.numbers[row.line]}: {row.name} has no value")
        text, used = cells[0][0], 1
        # A number alone on its line with digits alone on the next line is one broken number.
        if (
            len(cells) > 1
            and _alone(cells, 0)
            and _alone(cells, 1)
            and cells[1][0].isdigit()
            and cells[1][1] == cells[0][1] + 1
        ):
            text, used = text + cells[1][0], 2
        comment = _prose(cells[used:], context.identifiers)
        values.append(EnumValue(row.name, int(text), comment, table.numbers[row.line]))
    return sorted(values + asn1, key=lambda value: value.line)


def _alone(cells: list[tuple[str, int]], index: int) -> bool:
    line = cells[index][1]
    return sum(1 for _, other in cells if other == line) == 1


def _asn1_values(table: _Table, first: int) -> list[EnumValue]:
    """``eNETLOGINACCOUNTPASSWORDLOCK`` / ``ED(129),``: a value written as ASN.1 text.

    Such lines have no type cell, so they never start a row; they are taken out of the table
    before rows are read so that they do not end up in the previous row's comment.
    """
    found: list[EnumValue] = []
    for line in range(first, len(table.tokens) - 1):
        head, tail = table.tokens[line], table.tokens[line + 1]
        if len(head) != 1 or len(tail) != 1 or not _IDENTIFIER.fullmatch(head[0]):
            continue
        match = _ASN1_VALUE.fullmatch(tail[0])
        if match:
            found.append(EnumValue(head[0] + match[1], int(match[2]), "", table.numbers[line]))
            table.excluded |= {(line, 0), (line + 1, 0)}
    return found
