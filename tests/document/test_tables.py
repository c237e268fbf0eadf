"""conformance.document.tables: rows are found by their shape, whatever the PDF did to them."""

from __future__ import annotations

import pytest

from conformance.document.model import EnumValue, Member
from conformance.document.tables import TableContext, TableError, read_enum_values, read_members
from conformance.document.text import Line

CONTEXT = TableContext(
    type_kinds={
        "AsnOptionalParameters": "array",
        "AsnClientContentGroupClusterList": "array",
        "AsnStructureAttributeList": "array",
    },
    identifiers=frozenset({"asnCtiLineMonitorStart"}),
)


def lines(*texts: str, page_starts: tuple[int, ...] = ()) -> list[Line]:
    return [Line(n, text, n in page_starts) for n, text in enumerate(texts, start=1)]


def members(*texts: str) -> list[tuple[str, str, bool, str]]:
    found = read_members(lines(*texts), CONTEXT)
    return [(m.name, m.type_name, m.optional, m.comment) for m in found]


def values(*texts: str) -> list[tuple[str, int, str]]:
    return [(v.name, v.value, v.comment) for v in read_enum_values(lines(*texts))]


def test_plain_rows_with_optional_marker_and_multi_line_comment() -> None:
    assert members(
        "Name Type Optional Comment",
        "iSequenceID number yes Startpunkt für",
        "den Range.",
        "optionalParams AsnOptionalParameters yes",
    ) == [
        ("iSequenceID", "number", True, "Startpunkt für den Range."),
        ("optionalParams", "AsnOptionalParameters", True, ""),
    ]


def test_header_broken_across_lines() -> None:
    assert members("Name Type Optiona", "l", "Comment", "u8sName string") == [
        ("u8sName", "string", False, "")
    ]


def test_name_broken_across_lines() -> None:
    assert members(
        "Name Type Optional Comment",
        "iServerUMSecurityOptio",
        "n",
        "number Verfügbare Login Option",
    ) == [("iServerUMSecurityOption", "number", False, "Verfügbare Login Option")]


def test_type_broken_with_optional_marker_below() -> None:
    assert members(
        "Name Type Optional Comment", "optionalParams AsnOptionalParamete", "rs", "yes"
    ) == [("optionalParams", "AsnOptionalParameters", True, "")]


def test_type_remainder_first_on_the_next_line_after_the_comment() -> None:
    assert members(
        "Name Type Optional Comment",
        "listContentstructure AsnClientContentGroupClust yes Anordnung der Gruppen als",
        "erList Hierarchie von Strukturen",
    ) == [
        (
            "listContentstructure",
            "AsnClientContentGroupClusterList",
            True,
            "Anordnung der Gruppen als Hierarchie von Strukturen",
        )
    ]


def test_every_cell_broken_into_pieces() -> None:
    assert members(
        "Name Type Opt", "ion", "al", "Comment", "iRegist", "erType", "nu", "m", "be", "r",
        "Type of Registration", "iEncryp", "tion", "numb", "er", "ye", "s", "Tells the server",
    ) == [
        ("iRegisterType", "number", False, "Type of Registration"),
        ("iEncryption", "number", True, "Tells the server"),
    ]  # fmt: skip


def test_last_comment_word_is_not_glued_to_the_next_name() -> None:
    assert members(
        "Name Type Optional Comment",
        "iState number Zustand der",
        "Leitung",
        "iType number",
    ) == [("iState", "number", False, "Zustand der Leitung"), ("iType", "number", False, "")]


def test_choice_table_has_no_optional_column() -> None:
    found = read_members(
        lines("Name Type Comment", "u8sConversationID string", "u8sPartnerURI string yes-man"),
        CONTEXT,
        choice=True,
    )
    assert found == [
        Member("u8sConversationID", "string", False, "", 2),
        Member("u8sPartnerURI", "string", False, "yes-man", 3),
    ]


def test_unknown_type_is_not_a_row() -> None:
    with pytest.raises(TableError, match="line 2: expected a table row"):
        members("Name Type Optional Comment", "member AsnNeverDefined")


def test_missing_header_is_an_error() -> None:
    with pytest.raises(TableError, match="table header"):
        members("Name Comment", "member string")


def test_enum_value_and_type_broken_across_lines() -> None:
    assert values(
        "Name Type Valu", "e", "Comment",
        "eNETLOGININTERNALSERVERERROR numb", "er", "10", "0",
        "eNETLOGINMISSINGRIGHTSTS numb", "er", "111",
        "eNETLOGININVALIDAUTHENTICATIONM", "ETHOD", "numb", "er", "10", "6",
    ) == [
        ("eNETLOGININTERNALSERVERERROR", 100, ""),
        ("eNETLOGINMISSINGRIGHTSTS", 111, ""),
        ("eNETLOGININVALIDAUTHENTICATIONMETHOD", 106, ""),
    ]  # fmt: skip


def test_enum_row_written_as_asn1_text() -> None:
    assert values(
        "Name Type Value Comment",
        "eNETLOGINTOKENEXIRED number 130",
        "eNETLOGINACCOUNTPASSWORDLOCK",
        "ED(129),",
    ) == [("eNETLOGINTOKENEXIRED", 130, ""), ("eNETLOGINACCOUNTPASSWORDLOCKED", 129, "")]


def test_enum_cells_interleaved_with_the_rest_lines_below() -> None:
    assert values(
        "Name Type Value Comment",
        "ePresenceSubscriptionDynamicGlobalRightsUpdat numbe 8192 Möchte Update-Events wenn",
        "jemand an den globalen",
        "e r Berechtigungen etwas",
        "ePresenceSubscriptionContactCapabilities numbe", "r", "1638", "4", "Möchte",
    ) == [
        (
            "ePresenceSubscriptionDynamicGlobalRightsUpdate",
            8192,
            "Möchte Update-Events wenn jemand an den globalen Berechtigungen etwas",
        ),
        ("ePresenceSubscriptionContactCapabilities", 16384, "Möchte"),
    ]  # fmt: skip


def test_value_with_comment_on_the_same_line_is_not_joined() -> None:
    assert values(
        "Name Type Value Comment", "eCTILINEFEATUREBLOCKID numbe 8 While", "r be suppressed.",
        "eNEXT number 16",
    ) == [("eCTILINEFEATUREBLOCKID", 8, "While be suppressed."), ("eNEXT", 16, "")]  # fmt: skip


def test_enum_value_line_numbers_are_kept() -> None:
    assert read_enum_values(lines("Name Type Value Comment", "eA number 0")) == [
        EnumValue("eA", 0, "", 2)
    ]


def test_a_remainder_that_looks_like_a_name_but_does_not_fit_its_type_is_joined() -> None:
    """``u8sSourceCompute`` / ``rName``: an r-prefixed name would be a REAL, not a string."""
    assert members("Name Type Optional Comment", "u8sSourceCompute", "rName", "string Rechner") == [
        ("u8sSourceComputerName", "string", False, "Rechner")
    ]


def test_a_fresh_name_that_fits_its_type_starts_a_row() -> None:
    assert members(
        "Name Type Optional Comment", "u8sFoo string siehe", "asnCtiLineMonitorStart",
        "u8sLinePhoneNumber string",
    ) == [
        ("u8sFoo", "string", False, "siehe asnCtiLineMonitorStart"),
        ("u8sLinePhoneNumber", "string", False, ""),
    ]  # fmt: skip


def test_a_comment_line_starting_with_a_prose_word_and_a_type_is_no_row() -> None:
    assert members(
        "Name Type Optional Comment", "iNumberFormat number Server should format", "the number",
    ) == [("iNumberFormat", "number", False, "Server should format the number")]  # fmt: skip


def test_an_identifier_broken_inside_a_comment_is_rejoined() -> None:
    assert members(
        "Name Type Optional Comment", "u8sId string from asnCtiLineMonitorSta", "rt.",
    ) == [("u8sId", "string", False, "from asnCtiLineMonitorStart.")]  # fmt: skip


def test_name_remainder_first_on_the_next_page() -> None:
    found = read_members(
        lines(
            "Name Type Optional Comment",
            "bLastSegmen boolean last Segment,",
            "t TRUE, wenn",
            "bAllowNumberSearchOtherL boolean Rufnummernauflösung",
            "ocations über die Suche",
            "u8sContactID string Die ID",
            "gilt immer",
            page_starts=(3, 5, 7),
        ),
        CONTEXT,
    )
    assert [(m.name, m.comment) for m in found] == [
        ("bLastSegment", "last Segment, TRUE, wenn"),
        ("bAllowNumberSearchOtherLocations", "Rufnummernauflösung über die Suche"),
        ("u8sContactID", "Die ID gilt immer"),
    ]


def test_notes_printed_beside_the_next_row_go_back_to_their_row() -> None:
    assert members(
        "Name Type Optional Comment",
        "optionalParams AsnOptionalParameters yes",
        'stServerTime string yes optionalParams Name "ServerType" Value',
        "AsnInt identifizieren.",
        "Timestamp zum abgleich",
        "der Uhrzeit.",
    ) == [
        ("optionalParams", "AsnOptionalParameters", True,
         'optionalParams Name "ServerType" Value AsnInt identifizieren.'),
        ("stServerTime", "string", True, "Timestamp zum abgleich der Uhrzeit."),
    ]  # fmt: skip
