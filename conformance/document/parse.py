"""Parse the protocol document into the model of :mod:`conformance.document.model`.

The document is regular underneath the damage: chapter 1 is an overview; chapters 2 to 49 pair
up, an even chapter ``N`` holding a module's operations (``N.1.k``) and events (``N.2.k``) and
chapter ``N+1`` its types (``(N+1).1.k``). Section numbers run without gaps, so a heading is only
taken as one when it is the next number expected; a number that happens to start a table cell
can never open a section.

Within a type section the line ``<Name> is an Object`` (``an Enumeration``, ``a Choice``,
``an Array of <Element>``) gives the kind, the text before it the description and the table
after it the members. Arrays repeat their element's table, and operations repeat their argument,
result and error tables; the type sections are the definitions, the copies are ignored.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from conformance.document.model import (
    Document,
    Member,
    Module,
    Operation,
    OperationKind,
    TypeDef,
    TypeKind,
)
from conformance.document.tables import TableContext, TableError, read_enum_values, read_members
from conformance.document.text import Line, document_lines, join_prose

PROTOCOL_VERSION = "6.1.0.339"

_CHAPTER = re.compile(r"(\d{1,2}) ([A-Za-z][A-Za-z0-9]*)")
_SECTION = re.compile(r"(\d{1,2})\.([12])\.(\d{1,3}) (\S+)")
_DEFINITION = re.compile(
    r"(?P<name>\S+) is (?:an? )(?P<kind>Object|Enumeration|Choice|Array of(?: (?P<element>\S+))?)"
)
_TYPE_LINE = re.compile(r"(Argument|Result|Error)Type: (\S+)")
_OPERATION_IDS = re.compile(r"(?:Allowed|Erlaubte) Operation IDs: ?(.*)")
_OPID = re.compile(r"OPID_(\w+) (\d+)")
_DEPRECATED = re.compile(r"(?:^|[\s@])deprecated\b", re.IGNORECASE)
_KINDS = {
    "Object": TypeKind.OBJECT,
    "Enumeration": TypeKind.ENUMERATION,
    "Choice": TypeKind.CHOICE,
    "Array": TypeKind.ARRAY,
}


class ParseError(ValueError):
    """The document does not have the structure the parser relies on."""


@dataclass(frozen=True, slots=True)
class Section:
    number: str
    chapter: int
    part: int
    title: str
    heading: Line
    body: tuple[Line, ...]


@dataclass(frozen=True, slots=True)
class Chapter:
    number: int
    name: str
    heading: Line
    intro: tuple[Line, ...]
    sections: tuple[Section, ...]


def split_chapters(lines: Sequence[Line]) -> list[Chapter]:
    """Chapters 2..49 with their introductions and numbered sections, in document order."""
    chapters: list[tuple[int, str, Line, list[Line]]] = []
    current = 1
    for line in lines:
        match = _CHAPTER.fullmatch(line.text)
        if match and int(match[1]) == current + 1:
            current += 1
            chapters.append((current, match[2], line, []))
        elif chapters:
            chapters[-1][3].append(line)
    return [_sections_of(number, name, heading, body) for number, name, heading, body in chapters]


def _sections_of(number: int, name: str, heading: Line, body: list[Line]) -> Chapter:
    intro: list[Line] = []
    found: list[tuple[str, int, str, Line, list[Line]]] = []
    expected = {1: 1, 2: 1}
    for line in body:
        match = _SECTION.match(line.text)
        if match and int(match[1]) == number and line.text == match[0]:
            part, index = int(match[2]), int(match[3])
            if index == expected[part]:
                expected[part] += 1
                found.append((f"{number}.{part}.{index}", part, match[4], line, []))
                continue
        # Sub-headings such as "16.2 ChatV2 Events" end the previous section's body.
        if re.fullmatch(rf"{number}\.[12] .*", line.text):
            if found:
                found.append(("", 0, "", line, []))
            continue
        (found[-1][4] if found else intro).append(line)
    sections = tuple(
        Section(num, number, part, title, head, tuple(lines))
        for num, part, title, head, lines in found
        if num
    )
    return Chapter(number, name, heading, tuple(intro), sections)


def parse_document(raw: str) -> Document:
    """Parse the whole document text (as read from the file, still damaged)."""
    chapters = split_chapters(document_lines(raw))
    if len(chapters) != 48 or chapters[-1].number != 49:
        raise ParseError(f"expected chapters 2 to 49, found {len(chapters)}")
    type_sections = [s for chapter in chapters if chapter.number % 2 for s in chapter.sections]
    operation_names = {s.title for chapter in chapters[::2] for s in chapter.sections}
    context = TableContext(
        type_kinds={s.title: _kind_of(s) for s in type_sections},
        identifiers=frozenset({s.title for s in type_sections} | operation_names),
    )
    copies = _table_copies(chapters, context)
    modules: list[Module] = []
    operations: list[Operation] = []
    types: list[TypeDef] = []
    # The Admin and Mgmt chapters list numbers of operations that live in other modules
    # (asnGetAvailableLines, 4.1.17) or in none: numbers are matched by name document-wide.
    opids: dict[str, int] = {}
    for ops_chapter in chapters[::2]:
        opids |= operation_ids(ops_chapter.intro)
    for ops_chapter, types_chapter in zip(chapters[::2], chapters[1::2], strict=True):
        if ops_chapter.name != types_chapter.name:
            raise ParseError(
                f"chapter {ops_chapter.number} ({ops_chapter.name}) is not followed by its "
                f"types chapter (found {types_chapter.name})"
            )
        module_ops = [_operation(ops_chapter.name, s, opids) for s in ops_chapter.sections]
        module_types = [
            _reconcile(_type(types_chapter.name, s, context), copies)
            for s in types_chapter.sections
        ]
        modules.append(_module(ops_chapter, types_chapter, module_ops, module_types))
        operations.extend(module_ops)
        types.extend(module_types)
    named = {op.name for op in operations}
    unmatched = {name: number for name, number in opids.items() if name not in named}
    return Document(
        PROTOCOL_VERSION,
        tuple(modules),
        tuple(operations),
        _settle_overflow(types),
        unmatched_operation_ids=unmatched,
    )


def parse_file(path: Path) -> Document:
    return parse_document(path.read_text(encoding="utf-8"))


_DESCRIPTION_HEADINGS = ("Modulbeschreibung", "Module description")
_TITLE_ENDS = (
    *_DESCRIPTION_HEADINGS,
    "ChangeLog",
    "OPID_",
    "Allowed Operation",
    "Erlaubte Operation",
)
_SUMMARY_ENDS = ("xsnacc", "ROSE", "NAME CONVENTION", "Namenskonvention", "ChangeLog")
_SUMMARY_LENGTH = 600


def _module(
    chapter: Chapter, types_chapter: Chapter, ops: list[Operation], types: list[TypeDef]
) -> Module:
    intro = list(chapter.intro)
    operation_ids = ""
    for index, line in enumerate(intro):
        match = _OPERATION_IDS.match(line.text)
        if match:
            operation_ids = match[1].strip()
            follow = intro[index + 1].text if index + 1 < len(intro) else ""
            if follow.startswith(("zusätzlich", "additionally")):
                operation_ids += "; " + follow
            break
    title = _lines_until(intro, _TITLE_ENDS)
    description = join_prose([line for line in title if not line.text.startswith("#")])
    summary = _module_summary(intro)
    if summary:
        description = f"{description}. {summary}" if description else summary
    return Module(
        name=chapter.name,
        chapter=chapter.number,
        types_chapter=types_chapter.number,
        line=chapter.heading.number,
        description=description,
        operation_ids=operation_ids,
        operations=tuple(op.name for op in ops),
        types=tuple(t.name for t in types),
    )


def _lines_until(lines: Sequence[Line], ends: tuple[str, ...]) -> list[Line]:
    found: list[Line] = []
    for line in lines:
        if line.text.startswith(ends):
            break
        found.append(line)
    return found


def _module_summary(intro: Sequence[Line]) -> str:
    """The start of the text after "Modulbeschreibung" (or "Module description"): whole
    sentences, about 600 characters.

    Some modules (Agent, CTI) describe themselves over pages; a catalogue entry keeps the
    opening, the document keeps the rest.
    """
    texts = [line.text for line in intro]
    start = next((i + 1 for i, text in enumerate(texts) if text in _DESCRIPTION_HEADINGS), None)
    if start is None:
        return ""
    text = join_prose(_lines_until(intro[start:], _SUMMARY_ENDS))
    if len(text) <= _SUMMARY_LENGTH:
        return text
    cut = text.rfind(". ", 0, _SUMMARY_LENGTH)
    return text[: cut + 1] if cut > 0 else text[:_SUMMARY_LENGTH].rstrip() + " ..."


def operation_ids(chapter_intro: Sequence[Line]) -> dict[str, int]:
    """The ``OPID_<operation> <number>`` list some chapters give."""
    found: dict[str, int] = {}
    for line in chapter_intro:
        for match in _OPID.finditer(line.text):
            found[match[1]] = int(match[2])
    return found


def _operation(module: str, section: Section, opids: dict[str, int]) -> Operation:
    kind = OperationKind.OPERATION if section.part == 1 else OperationKind.EVENT
    described: list[Line] = []
    refs: dict[str, str] = {}
    for line in section.body:
        match = _TYPE_LINE.fullmatch(line.text)
        if match:
            refs.setdefault(match[1], match[2])
        elif not refs:
            described.append(line)
    if "Argument" not in refs:
        raise ParseError(f"line {section.heading.number}: {section.title} names no ArgumentType")
    description = join_prose(described)
    deprecated = section.title.endswith("Deprecated") or bool(_DEPRECATED.search(description))
    return Operation(
        name=section.title,
        module=module,
        kind=kind,
        section=section.number,
        line=section.heading.number,
        argument=refs["Argument"],
        result=refs.get("Result") if kind is OperationKind.OPERATION else None,
        error=refs.get("Error") if kind is OperationKind.OPERATION else None,
        deprecated=deprecated,
        description=description,
        opid=opids.get(section.title),
    )


def _definition(section: Section) -> tuple[int, re.Match[str], str | None] | None:
    """Where ``<Name> is a...`` stands for the section's own type, and the array element."""
    for index, line in enumerate(section.body):
        match = _DEFINITION.fullmatch(line.text)
        if match and match["name"] == section.title:
            element = match["element"]
            if match["kind"].startswith("Array") and element is None:
                following = section.body[index + 1].text.split()
                element = following[0] if following else None
                index += 1
            return index, match, element
    return None


def _tables_after(body: Sequence[Line], start: int) -> list[Line]:
    """The section's own table: from the definition to the next type's definition."""
    table: list[Line] = []
    for line in body[start + 1 :]:
        if _DEFINITION.fullmatch(line.text):
            break
        table.append(line)
    return table


def _kind_of(section: Section) -> str:
    found = _definition(section)
    return TypeKind.ALIAS.value if found is None else _KINDS[found[1]["kind"].split()[0]].value


def _type(module: str, section: Section, context: TableContext) -> TypeDef:
    found = _definition(section)
    if found is None:
        return TypeDef(
            name=section.title,
            kind=TypeKind.ALIAS,
            module=module,
            section=section.number,
            line=section.heading.number,
            description=join_prose(list(section.body)),
        )
    index, match, element = found
    kind = _KINDS[match["kind"].split()[0]]
    description = join_prose(list(section.body[:index]))
    if kind is TypeKind.ARRAY:
        description = description or f"List of {element}"
    base = TypeDef(
        name=section.title,
        kind=kind,
        module=module,
        section=section.number,
        line=section.heading.number,
        description=description,
        element_type=element,
    )
    table = _tables_after(section.body, index)
    try:
        if kind is TypeKind.OBJECT or kind is TypeKind.CHOICE:
            members = read_members(table, context, choice=kind is TypeKind.CHOICE)
            return replace(base, members=tuple(members))
        if kind is TypeKind.ENUMERATION:
            return replace(base, values=tuple(read_enum_values(table, context)))
    except TableError as error:
        raise ParseError(f"{section.number} {section.title}: {error}") from error
    return base


def _table_copies(chapters: Sequence[Chapter], context: TableContext) -> dict[str, list[Member]]:
    """Member tables the document repeats outside the type's own section.

    Operations repeat their argument, result and error tables and arrays their element's;
    each copy was broken by different page breaks, so a copy can complete a name that the
    definition lost to one (``bLastSegmen`` with its ``t`` at the top of the next page).
    """
    copies: dict[str, list[Member]] = {}
    for chapter in chapters:
        for section in chapter.sections:
            body = section.body
            starts = [i for i, line in enumerate(body) if _DEFINITION.fullmatch(line.text)]
            for position, start in enumerate(starts):
                match = _DEFINITION.fullmatch(body[start].text)
                assert match is not None
                if match["name"] == section.title and chapter.number % 2:
                    continue  # the definition itself
                if match["kind"] != "Object" or match["name"] in copies:
                    continue
                end = starts[position + 1] if position + 1 < len(starts) else len(body)
                table = [line for line in body[start + 1 : end]]
                cut = next((i for i, line in enumerate(table) if _TYPE_LINE.match(line.text)), None)
                try:
                    copies[match["name"]] = read_members(table[:cut], context)
                except TableError:
                    continue
    return copies


def _reconcile(typedef: TypeDef, copies: dict[str, list[Member]]) -> TypeDef:
    """Complete member names truncated in the definition from a copy of the same table."""
    copy = copies.get(typedef.name)
    if copy is None or len(copy) != len(typedef.members):
        return typedef
    members = tuple(
        _completed(own, other.name)
        if other.name.startswith(own.name) and other.type_name == own.type_name
        else own
        for own, other in zip(typedef.members, copy, strict=True)
    )
    return replace(typedef, members=members)


def _completed(member: Member, name: str) -> Member:
    """The member renamed, with the lost remainder taken out of its comment text."""
    remainder = name[len(member.name) :]
    words = member.comment.split(" ")
    if remainder in words:
        words.remove(remainder)
    return replace(member, name=name, comment=" ".join(words))


def _settle_overflow(types: list[TypeDef]) -> tuple[TypeDef, ...]:
    """Give back comment text that overflowed into the next row, where the document shows
    what the next row's own comment is.

    AsnChatEvent (L20318-20336): the comment of ``iConvSequenceID`` runs on beside
    ``iGlobTransactionID``, whose own comment ("globale Transaction ID", as written for the
    same member in other tables) follows it. A comment that continues the previous one (no
    closing punctuation there, a lower-case start here) and ends with a comment this member
    has elsewhere is split at that point.
    """
    known: dict[str, set[str]] = {}
    for typedef in types:
        for member in typedef.members:
            if member.comment:
                known.setdefault(member.name, set()).add(member.comment)
    settled: list[TypeDef] = []
    for typedef in types:
        members = list(typedef.members)
        for index in range(1, len(members)):
            previous, current = members[index - 1], members[index]
            if not previous.comment or previous.comment[-1] in ".!?:)":
                continue
            if not current.comment[:1].islower():
                continue
            for own in sorted(known.get(current.name, ()), key=len):
                if own != current.comment and current.comment.endswith(" " + own):
                    spilled = current.comment[: -len(own)].strip()
                    members[index - 1] = replace(previous, comment=f"{previous.comment} {spilled}")
                    members[index] = replace(current, comment=own)
                    break
        settled.append(replace(typedef, members=tuple(members)))
    return tuple(settled)


def iter_type_references(document: Document) -> Iterator[tuple[str, str, int]]:
    """Every (referring place, referenced type name, line) the document contains."""
    for typedef in document.types:
        for member in typedef.members:
            yield f"{typedef.name}.{member.name}", member.type_name, member.line
        if typedef.element_type:
            yield f"{typedef.name}[]", typedef.element_type, typedef.line
    for operation in document.operations:
        for role in ("argument", "result", "error"):
            name = getattr(operation, role)
            if name:
                yield f"{operation.name} {role}", name, operation.line
