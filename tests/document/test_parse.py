"""conformance.document.parse against the real document: structure, counts and damaged spots."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from conformance.document.model import Document, OperationKind, TypeKind
from conformance.document.parse import iter_type_references

MODULES = [
    ("General", 2, 47, 32, 218), ("Admin", 4, 19, 0, 94), ("Agent", 6, 12, 3, 37),
    ("Appointments", 8, 6, 0, 17), ("Authentication", 10, 6, 1, 27),
    ("AudioVideo", 12, 3, 21, 31), ("CER", 14, 1, 6, 13), ("ChatV2", 16, 19, 3, 59),
    ("ClientContactsList", 18, 6, 2, 30), ("ClientPersistence", 20, 6, 1, 17),
    ("UpdateService", 22, 5, 2, 19), ("Common", 24, 0, 0, 28), ("CTI", 26, 29, 15, 107),
    ("Journal", 28, 13, 4, 38), ("MCU", 30, 4, 4, 15), ("MESH", 32, 1, 1, 4),
    ("Management", 34, 167, 30, 309), ("PresenceV2", 36, 6, 2, 31), ("Ranking", 38, 3, 0, 9),
    ("System", 40, 3, 0, 6), ("Tasks", 42, 8, 4, 28), ("Transport", 44, 7, 1, 30),
    ("UMReplicator", 46, 15, 0, 70), ("WebServiceConnection", 48, 5, 3, 11),
]  # fmt: skip


def test_counts_of_the_whole_document(document: Document) -> None:
    assert len(document.modules) == 24
    kinds = Counter(op.kind for op in document.operations)
    assert kinds == {OperationKind.OPERATION: 391, OperationKind.EVENT: 135}
    assert Counter(t.kind for t in document.types) == {
        TypeKind.OBJECT: 936,
        TypeKind.ENUMERATION: 191,
        TypeKind.ARRAY: 107,
        TypeKind.CHOICE: 10,
        TypeKind.ALIAS: 4,
    }


@pytest.mark.parametrize(("name", "chapter", "ops", "events", "types"), MODULES)
def test_module_chapters_and_counts(
    document: Document, name: str, chapter: int, ops: int, events: int, types: int
) -> None:
    module = next(m for m in document.modules if m.name == name)
    assert (module.chapter, module.types_chapter) == (chapter, chapter + 1)
    found = Counter(document.operation(op).kind for op in module.operations)
    assert (found[OperationKind.OPERATION], found[OperationKind.EVENT]) == (ops, events)
    assert len(module.types) == types


def test_the_four_bare_aliases(document: Document) -> None:
    aliases = {t.name for t in document.types if t.kind is TypeKind.ALIAS}
    assert aliases == {
        "AsnSystemTime",
        "AsnContactID",
        "AsnNetDatabaseJournalFilterFlags",
        "AsnNetDatabaseTaskFindFlags",
    }


def test_no_dangling_type_reference(document: Document) -> None:
    defined = {t.name for t in document.types} | {"string", "number", "boolean", "Object"}
    dangling = [(where, name) for where, name, _ in iter_type_references(document)]
    assert [d for d in dangling if d[1] not in defined] == []


def test_operation_entries_carry_their_types(document: Document) -> None:
    token = document.operation("asnGetUserToken")
    assert (token.section, token.module, token.kind, token.opid) == (
        "10.1.4",
        "Authentication",
        OperationKind.OPERATION,
        1003,
    )
    assert (token.argument, token.result, token.error) == (
        "AsnGetUserTokenArgument",
        "AsnGetUserTokenResult",
        "AsnRequestError",
    )
    event = document.operation("asnChatEvent")
    assert (event.kind, event.argument, event.result, event.error) == (
        OperationKind.EVENT,
        "AsnChatEventArgument",
        None,
        None,
    )


def test_deprecated_operations(document: Document) -> None:
    assert {op.name for op in document.operations if op.deprecated} == {
        "asnNegotiateServerConnectionDeprecated",
        "asnChatGetEvents",
        "asnCERGetClientLogDumpLevel4Admin",
    }


def test_module_operation_ids_text(document: Document) -> None:
    modules = {m.name: m for m in document.modules}
    assert modules["Authentication"].operation_ids == "1000 - 1099; zusätzlich: 1101, 1102"
    assert modules["ChatV2"].operation_ids == "1400 - 1489"


@pytest.mark.parametrize(
    ("type_name", "member", "line"),
    [
        ("AsnNegotiateServerConnectionResult", "iServerUMSecurityOption", 14893),
        ("AsnAgentGroupInfo", "iGroupCapabilities", 12655),
        ("AsnChatGetEventsRangeArgument", "iNumGreaterThanOrEqualSeqID", 20170),
        ("AsnAppsRegisterPushArgument", "iRegisterType", 6389),
        ("AsnMgmtPushServiceDevicesResultArgument", "bLastSegment", 45825),
    ],
)
def test_broken_member_names_are_rejoined(
    document: Document, type_name: str, member: str, line: int
) -> None:
    assert document.type(type_name).member(member).line == line


@pytest.mark.parametrize(
    ("type_name", "member", "type_ref"),
    [
        ("AsnNegotiateServerConnectionResult", "optionalParams", "AsnOptionalParameters"),
        ("AsnChatGetEventsRangeArgument", "asnConversationIDChoice", "AsnConversationIDChoice"),
        ("AsnCtiNotifyLineAddRemoveArgument", "addremove", "AsnCtiNotifyLineAddRemoveArgumentEnum"),
        ("AsnClientContentChangedArgument", "listChangedStructureAttributes",
         "AsnStructureAttributeList"),
    ],
)  # fmt: skip
def test_broken_type_cells_are_rejoined(
    document: Document, type_name: str, member: str, type_ref: str
) -> None:
    assert document.type(type_name).member(member).type_name == type_ref


def test_logon_error_values_including_the_asn1_row(document: Document) -> None:
    values = {v.name: v.value for v in document.type("AsnLogonErrorEnum").values}
    assert sorted(values.values()) == [*range(100, 115), 129, 130]
    assert values["eNETLOGININVALIDAUTHENTICATIONMETHOD"] == 106
    assert values["eNETLOGINACCOUNTPASSWORDLOCKED"] == 129


@pytest.mark.parametrize(
    ("type_name", "value_name", "value"),
    [
        ("AsnAgentGroupCapabilitiesEnum", "eAGENTCAPISPUBLICCHATGROUP", 1073741824),
        ("AsnAgentGroupCapabilitiesEnum", "eAGENTCAPSUPPORTEDAGENTREQUESTSWORKINGAFTERCALL", 32),
        ("AsnPresenceSubscriptionFlags", "ePresenceSubscriptionContactCapabilities", 16384),
        ("AsnPresenceSubscriptionFlags", "ePresenceSubscriptionDynamicGlobalRightsUpdate", 8192),
        ("EnumLineFeatures", "eCTILINEFEATUREBLOCKID", 8),
    ],
)
def test_broken_enumeration_rows_are_rejoined(
    document: Document, type_name: str, value_name: str, value: int
) -> None:
    assert {v.name: v.value for v in document.type(type_name).values}[value_name] == value


def test_section_text_is_free_of_page_furniture(document: Document) -> None:
    text = document.type("AsnChatGetEventsRangeArgument").member("iSequenceID").comment
    assert "SequenceID + 1 in der Conversation verwendet." in text


def test_database_entry_id_is_an_object_after_its_long_text(document: Document) -> None:
    entry = document.type("AsnDatabaseEntryID")
    assert entry.kind is TypeKind.OBJECT
    assert entry.members
    assert len(entry.description) > 200


def test_enumeration_values_agree_with_the_hex_in_their_comments(document: Document) -> None:
    """Many flag values repeat themselves in hex ("8388608 0x00800000"): a cross-check on
    numbers rejoined from pieces."""
    checked = 0
    for typedef in document.types:
        for value in typedef.values:
            match = re.match(r"\(?0x([0-9A-Fa-f]{1,8}(?: [0-9A-Fa-f]{4})?)\b", value.comment)
            if match:
                checked += 1
                assert int(match[1].replace(" ", ""), 16) == value.value, value
    assert checked > 60


def test_enumeration_values_are_unique_within_each_type(document: Document) -> None:
    for typedef in document.types:
        numbers = [value.value for value in typedef.values]
        assert len(numbers) == len(set(numbers)), typedef.name
