"""conformance.schemagen: the files under schemas/ and the encoding rules they follow."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from conformance import schemagen
from conformance.cli import main
from conformance.document.model import Member

SOURCE_SHA256 = "02a380ba0b1299269b8732da2c4e350d035d16638181108b4d05625db6a38e85"
ROOT = schemagen.ROOT


def load(relative: str) -> dict[str, Any]:
    return json.loads((ROOT / relative).read_text(encoding="utf-8"))  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def catalog() -> dict[str, Any]:
    return load("catalog.json")


def test_source_document_is_the_shared_one_byte_for_byte() -> None:
    digest = hashlib.sha256((ROOT / schemagen.SOURCE).read_bytes()).hexdigest()
    assert digest == SOURCE_SHA256


def test_checked_in_schemas_match_the_generator() -> None:
    assert schemagen.differences(ROOT) == []


def test_building_twice_gives_identical_bytes() -> None:
    assert schemagen.generated_files(ROOT) == schemagen.generated_files(ROOT)


def test_check_names_every_differing_missing_and_extra_file(tmp_path: Path) -> None:
    root = tmp_path / "schemas"
    shutil.copytree(ROOT, root)
    (root / "types" / "AsnChatEvent.json").write_text("{}\n")
    (root / "types" / "AsnLogonError.json").unlink()
    (root / "types" / "AsnInvented.json").write_text("{}\n")
    assert schemagen.differences(root) == [
        "differs: schemas/types/AsnChatEvent.json",
        "missing: schemas/types/AsnLogonError.json",
        "not generated: schemas/types/AsnInvented.json",
    ]
    assert main(["schemas", "check", "--root", str(root)]) == 1
    assert main(["schemas", "build", "--root", str(root)]) == 0
    assert main(["schemas", "check", "--root", str(root)]) == 0
    assert not (root / "types" / "AsnInvented.json").exists()


def test_one_schema_file_per_type_and_every_one_is_valid_2020_12(
    catalog: dict[str, Any],
) -> None:
    files = sorted(p.stem for p in (ROOT / "types").glob("*.json"))
    assert files == sorted(catalog["types"])
    assert len(files) == 1248
    for name in files:
        schema = load(f"types/{name}.json")
        Draft202012Validator.check_schema(schema)
        assert schema["title"] == name
        assert schema["$id"].endswith(f"/types/{name}.json")
        assert schema["x-asn"]["kind"] == catalog["types"][name]["kind"]


def test_every_reference_resolves_to_a_file() -> None:
    def refs(node: object) -> list[str]:
        if isinstance(node, dict):
            found = [node["$ref"]] if "$ref" in node else []
            return found + [r for value in node.values() for r in refs(value)]
        if isinstance(node, list):
            return [r for value in node for r in refs(value)]
        return []

    for folder in ("types", "webservice"):
        for path in (ROOT / folder).glob("*.json"):
            for ref in refs(json.loads(path.read_text(encoding="utf-8"))):
                target = ref.partition("#")[0]  # "#/$defs/..." points inside the same file
                assert not target or (path.parent / target).resolve().exists(), ref


def test_no_mojibake_anywhere_under_schemas() -> None:
    generated = [p for p in ROOT.rglob("*.json")]
    assert [p.name for p in generated if "Ã" in p.read_text(encoding="utf-8")] == []


def test_catalog_counts(catalog: dict[str, Any]) -> None:
    assert catalog["protocol"] == "6.1.0.339"
    assert len(catalog["modules"]) == 24
    kinds = [op["kind"] for op in catalog["operations"]]
    assert (kinds.count("operation"), kinds.count("event")) == (391, 135)
    for op in catalog["operations"]:
        assert op["argument"] in catalog["types"]
        if op["kind"] == "event":
            assert op["result"] is None and op["error"] is None
        else:
            assert op["result"] in catalog["types"]
            assert op["error"] is None or op["error"] in catalog["types"]


def test_every_operation_has_an_error_type_except_four(catalog: dict[str, Any]) -> None:
    missing = {op["name"] for op in catalog["operations"] if op["kind"] == "operation"}
    missing = {name for name in missing if not _op(catalog, name)["error"]}
    assert len(missing) == 4


def _op(catalog: dict[str, Any], name: str) -> dict[str, Any]:
    return next(op for op in catalog["operations"] if op["name"] == name)


# The operation lists of five modules, read off the document's section headings.
MODULE_OPERATIONS = {
    "Agent": "asnAgentMonitorStart asnAgentMonitorStop asnAgentLogin asnAgentLogoff "
    "asnAgentSetState asnAgentSupervisorMonitorStart asnAgentSupervisorMonitorStop "
    "asnAgentBroadcastGetItemsForGroups asnAgentBroadcastCreate asnAgentBroadcastConfirm "
    "asnAgentBroadcastCheck asnAgentAnonymousGetAgents | asnAgentBroadcastEvent "
    "asnAgentNotifyGroupsChanged asnAgentNotifyStateChanged",
    "Authentication": "asnNegotiateServerConnection asnNegotiateServerConnectionDeprecated "
    "asnLogon asnGetUserToken asnSetClientAuthentication asnGetLoggedInContact | asnLogoff",
    "ChatV2": "asnChatSubscribeEvents asnChatGetDatabaseID asnChatGetDiffUpdate "
    "asnChatGetConversationOverview asnChatTextMessage asnChatBinaryMessage "
    "asnChatPutBinaryChunk asnChatGetBinaryChunk asnChatUserlistModify asnChatGetEvents "
    "asnChatFindEvents asnChatGetEventsRange asnChatSetMessagesStatus asnChatGetConversations "
    "asnChatGetConversationID asnChatForward asnChatIsGlobalDisabled asnChatWatchConversation "
    "asnChatSetUserlist | asnChatEvent asnChatUserStatus asnChatDatabaseIDChanged",
    "CTI": "asnCtiEnumPhoneLines asnCtiSnapshotPhoneLine asnCtiLineMonitorStart "
    "asnCtiLineMonitorStop asnCtiLineSetDoNotDisturb asnCtiLineSetRemoteOffice "
    "asnCtiLineSetNewPassword asnCtiQueryPBXLine asnCtiMakeCall asnCtiLineSetForwardState "
    "asnCtiDropCall asnCtiLineDropCall asnCtiAnswerCall asnCtiRedirectCall asnCtiPickupCall "
    "asnCtiStartCallRecording asnCtiStopCallRecording asnCtiSetCallData asnCtiMergeCalls "
    "asnCtiSwapHold asnCtiHold asnCtiSetForward asnCtiRemoveForward asnCtiDialDigits "
    "asnCtiCompleteCall asnCtiConference asnCtiSetupConference asnCtiSetActiveLineAddress "
    "asnMobileRegisterDevice | asnCtiNotifyLineInfoChanged asnCtiNotifyLineDoNotDisturbChanged "
    "asnCtiNotifyLineRemoteOfficeChanged asnCtiNotifyLineInvalidPasswordChanged "
    "asnCtiNotifyLineForwardingChanged asnCtiNotifyLineCallInformationChanged "
    "asnCtiNotifyLineAddRemove asnCtiNotifyMakeCallResult asnCtiNotifyConferenceCreated "
    "asnCtiNotifyConferenceDestroyed asnCtiNotifyConferencePartyAdded "
    "asnCtiNotifyConferencePartyRemoved asnCtiNotifyLineCallFeaturesChanged "
    "asnCtiNotifyLineProjectSettingsChanged asnCtiNotifyLineActiveAddressChanged",
    "PresenceV2": "asnGetAndSubscribePresence asnUnsubscribePresence asnSetDynamicRights "
    "asnRemoveDynamicRights asnRequestLargeProfileImage asnRequestContactImage | "
    "asnUpdatePresence asnRemovePresence",
}


@pytest.mark.parametrize("module", sorted(MODULE_OPERATIONS))
def test_module_operation_lists_equal_the_documents(catalog: dict[str, Any], module: str) -> None:
    operations, events = (part.split() for part in MODULE_OPERATIONS[module].split("|"))
    entries = [op for op in catalog["operations"] if op["module"] == module]
    assert [op["name"] for op in entries if op["kind"] == "operation"] == operations
    assert [op["name"] for op in entries if op["kind"] == "event"] == events


def member(name: str, type_name: str) -> Member:
    return Member(name, type_name, False, "", 1)


@pytest.mark.parametrize(
    ("name", "type_name", "expected"),
    [
        ("iCount", "number", {"type": "integer"}),
        ("rRatio", "number", {"type": "number"}),
        ("callCount", "number", {"type": "integer"}),
        ("stValidTo", "string", {"type": "string", "format": "date-time"}),
        ("u8sName", "string", {"type": "string"}),
        ("bEnabled", "boolean", {"type": "boolean"}),
        ("dummy", "Object", {"type": ["object", "null"]}),
        ("seqLines", "AsnCtiLineInfoList", {"$ref": "AsnCtiLineInfoList.json"}),
    ],
)
def test_member_schema_by_document_type_and_prefix(
    name: str, type_name: str, expected: dict[str, Any]
) -> None:
    assert schemagen.member_schema(member(name, type_name)) == expected


def test_binary_members_are_base64() -> None:
    schema = schemagen.member_schema(member("binData", "string"))
    assert schema["contentEncoding"] == "base64"
    validator = Draft202012Validator(schema)
    assert validator.is_valid("aGVsbG8=")
    assert validator.is_valid("aGVsbG8")  # unpadded: the vendor's encoder (protocol-notes §4)
    assert validator.is_valid("aGVsbA")
    assert not validator.is_valid("aGVsbG8==")
    assert not validator.is_valid("aGVsb")  # 4n+1 characters are never base64
    assert not validator.is_valid("not base64!")


def test_optional_parameters_are_the_object_form_or_the_documents_array() -> None:
    """protocol-notes §4: servers send the object, the vendor's client the array (the letter
    of the document, L23777-L23781); strict mode reports the array (tests/test_catalog.py)."""
    schema = load("types/AsnOptionalParameters.json")
    object_form, array_form = schema["anyOf"]
    validator = Draft202012Validator(object_form)
    assert validator.is_valid({"ServerType": 0, "name": "x", "jpegPhoto": {"binarydata": "AA=="}})
    assert not validator.is_valid({"flag": True})
    assert array_form == {
        "type": "array",
        "items": {"$ref": "AsnOptionalParam.json"},
        "x-strict": False,
    }


def test_type_member_is_any_string_and_names_what_strict_mode_expects() -> None:
    """protocol-notes §4: a receiver never rejects a ``_type``; errors may say AsnRequestError
    (L27255: "Error codes in case AsnRequestError is returned by asnCtiLineMonitorStart")."""
    error = load("types/AsnCtiLineMonitorStartError.json")["properties"]["_type"]
    assert error == {
        "type": "string",
        "x-names": ["AsnCtiLineMonitorStartError", "AsnRequestError"],
    }
    result = load("types/AsnCtiLineMonitorStartResult.json")["properties"]["_type"]
    assert result == {"type": "string", "x-names": ["AsnCtiLineMonitorStartResult"]}


def test_catalogue_numbers_agree_with_every_opid_entry_of_the_document(
    catalog: dict[str, Any],
) -> None:
    """All 223 names of the document's ``OPID_`` lists: 210 on operations (the Admin/Mgmt lists
    number asnGetAvailableLines and two more of chapter 4), 13 with no operation section."""
    text = (ROOT / schemagen.SOURCE).read_text(encoding="utf-8")
    listed = dict(re.findall(r"OPID_(\w+) (\d+)", text))
    assert len(listed) == 223
    numbered = {op["name"]: str(op["operationId"]) for op in catalog["operations"]}
    unmatched = {name: str(n) for name, n in catalog["unmatchedOperationIds"].items()}
    assert len(unmatched) == 13
    assert {name: numbered.get(name) or unmatched[name] for name in listed} == listed
    assert sum(op["operationId"] is not None for op in catalog["operations"]) == 210


def test_interface_numbers_come_from_the_vendor_table(catalog: dict[str, Any]) -> None:
    table = schemagen.read_interface_ids(ROOT / schemagen.INTERFACE_IDS)
    assert len(table) == 348
    for op in catalog["operations"]:
        assert op["interfaceOperationId"] == table.get(op["name"])


def test_choice_requires_exactly_one_alternative() -> None:
    validator = Draft202012Validator(load("types/AsnConversationIDChoice.json"))
    assert validator.is_valid({"u8sConversationID": "abc"})
    assert validator.is_valid({"u8sPartnerURI": "sip:a@b", "_type": "AsnConversationIDChoice"})
    assert not validator.is_valid({"u8sConversationID": "abc", "u8sPartnerURI": "sip:a@b"})
    assert not validator.is_valid({})


def test_enumerations_are_limited_to_their_values() -> None:
    schema = load("types/AsnUserTokenType.json")
    validator = Draft202012Validator(schema)
    assert [(v["title"], v["const"]) for v in schema["anyOf"]] == [
        ("eUserTokenExternal", 0),
        ("eUserTokenLogin", 1),
    ]
    assert validator.is_valid(1)
    assert not validator.is_valid(2)
    assert not validator.is_valid("1")


def test_objects_tolerate_unknown_members_and_their_own_type_tag() -> None:
    schema = load("types/AsnGetUserTokenResult.json")
    validator = Draft202012Validator(schema)
    assert validator.is_valid({"sToken": "a.b.c", "_type": "AsnGetUserTokenResult", "x": 1})
    assert validator.is_valid({"sToken": "a.b.c", "_type": "AsnOther"})  # strict reports it
    assert not validator.is_valid({"sToken": "a.b.c", "_type": 7})
    assert not validator.is_valid({})
