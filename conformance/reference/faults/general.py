"""Faults: General's own-state events and settings (suites/general), ClientPersistence
(suites/persistence), ClientContactsList and contact lookup (suites/contacts)."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from conformance.reference.contacts_list import CONTENT_EVENT
from conformance.reference.dispatch import OPERATION_RESULT
from conformance.reference.faults.registry import fault
from conformance.reference.faults.targets import _tests
from conformance.reference.general import GENERAL_EVENT, Delivery
from conformance.reference.persistence import PERSISTENCE_EVENT, PersistenceEvent
from conformance.rose import JsonObject

_OWN_STATE = "suites/general/test_own_state.py"
_SESSIONS = "suites/general/test_sessions.py"
_FORWARDING = "suites/general/test_forwarding.py"
_SETTINGS = "suites/general/test_settings.py"
_CALLS = "suites/general/test_calls.py"
_LOCATION = "suites/general/test_location.py"
_SMS = "suites/general/test_sms.py"
_ITEMS = "suites/persistence/test_items.py"
_CONTACTS_LIST = "suites/contacts/test_contacts_list.py"
_FIND = "suites/contacts/test_find_contacts.py"


# --- General events that never come -------------------------------------------------------------

_OWN_SESSION_EVENTS = frozenset(
    {
        "asnUpdateMyAbsentState",
        "asnUpdateMyCustomNote",
        "asnUpdateMyPhoneForwardState",
        "asnUpdateMyContactConfiguration",
        "asnMyUpdateClientContent",
        "asnMyUpdateConnectedClientList",
        "asnClientCapabilitiesChanged",
        "asnSettingsDynamicRightsChanged",
        "asnUpdateMyCallInformation",
    }
)
_WATCHER_EVENTS = frozenset(
    {
        "asnPresenceStateChanged",
        "asnContactAbsentStateChanged",
        "asnContactCustomNoteChanged",
        "asnContactPhoneForwardStateChanged",
        "asnContactStatusResultEvent",
        "asnContactCallInformationChanged",
        "asnLocationInformationChanged",
    }
)
_REQUESTED_EVENTS = frozenset(
    {"asnOperationComplete", "asnMyPresenceRightsChallenge", "asnSMSStatusNotify"}
)


def _dropping(events: frozenset[str]) -> Any:
    def drop(delivery: Delivery | None) -> Delivery | None:
        return None if delivery is not None and delivery.event in events else delivery

    return drop


fault(
    "general.no-own-session-events",
    "a change of a user's own state or sessions is not told to the user's other sessions "
    "(asnUpdateMy..., asnMyUpdate..., asnClientCapabilitiesChanged, "
    "asnSettingsDynamicRightsChanged)",
    GENERAL_EVENT,
    breaks=(
        *_tests(_OWN_STATE, "test_other_session_is_told_the_absent_state"),
        *_tests(_OWN_STATE, "test_other_session_is_told_the_note"),
        *_tests(_SESSIONS, "test_other_sessions_are_listed_as_they_come_and_go"),
        *_tests(_SESSIONS, "test_other_session_is_told_the_capabilities"),
        *_tests(_FORWARDING, "test_other_session_is_told_the_forward"),
        *_tests(_SETTINGS, "test_other_session_is_told_the_configuration"),
        *_tests(_SETTINGS, "test_other_session_is_told_the_new_content_revision"),
        *_tests(_SETTINGS, "test_other_session_is_told_the_granted_rights"),
        *_tests(_CALLS, "test_other_session_is_told_the_call"),
    ),
)(_dropping(_OWN_SESSION_EVENTS))

fault(
    "general.no-watcher-events",
    "a change is not told to the sessions watching it (asnPresenceStateChanged, "
    "asnContact...Changed, asnContactStatusResultEvent, asnLocationInformationChanged)",
    GENERAL_EVENT,
    breaks=(
        *_tests(_OWN_STATE, "test_watcher_is_told_the_absent_state"),
        *_tests(_OWN_STATE, "test_watcher_is_told_the_presence"),
        *_tests(_OWN_STATE, "test_watcher_is_told_the_note"),
        *_tests(_FORWARDING, "test_watcher_is_told_the_forward"),
        *_tests(_OWN_STATE, "test_status_notify_follows_the_presence"),
        *_tests(_CALLS, "test_watcher_is_told_the_call"),
        *_tests(_LOCATION, "test_location_written_is_announced"),
    ),
)(_dropping(_WATCHER_EVENTS))

fault(
    "general.no-requested-events",
    "the events a client asks for are never sent (asnOperationComplete after asnOpenContacts "
    "with CompletedEventID, asnMyPresenceRightsChallenge after its request, asnSMSStatusNotify "
    "after asnSendSMS)",
    GENERAL_EVENT,
    breaks=(
        *_tests(_SESSIONS, "test_open_contacts_completes_with_the_requested_event"),
        *_tests(_SESSIONS, "test_requested_challenge_list_arrives"),
        *_tests(_SMS, "test_each_sms_sent_gets_its_status"),
    ),
)(_dropping(_REQUESTED_EVENTS))


# --- reads that do not show what was stored ----------------------------------------------------


def _stale_absent_state(result: JsonObject) -> JsonObject:
    absent = {**result["absentstate"], "iAbsentState": 0, "u8sMessage": ""}
    return {**result, "absentstate": absent}


def _pristine_own_contact(result: JsonObject) -> JsonObject:
    """The own AsnContact as a fresh server shows it: no note, no forwards, no properties."""
    contact = result["ownContact"]
    lines = [{**line, "seqLineForwards": []} for line in contact["seqPhoneLines"]]
    pristine = {
        **contact,
        "asnCustomNote": {**contact["asnCustomNote"], "u8sNote": ""},
        "seqPhoneLines": lines,
        "asnUserPropertyBag": {"asnProperties": []},
    }
    return {**result, "ownContact": pristine}


_STALE_READS: dict[str, Callable[[JsonObject], JsonObject]] = {
    "asnAbsentStateGetUser": _stale_absent_state,
    "asnGetLoggedInContact": _pristine_own_contact,
    "asnGetClientCapabilities": lambda result: {**result, "listClientCapabilities": []},
    "asnGetServerBasedClientSettings": lambda r: {**r, "clientSettings": {"osSettingsData": ""}},
    "asnGetClientXMLContent": lambda r: {**r, "content": {**r["content"], "osXMLContent": ""}},
    "asnGetSettingsDynamicRights": lambda r: {**r, "seqDynamicRightsList": []},
}


@fault(
    "general.reads-show-nothing-stored",
    "General's reads answer what a fresh server holds, whatever a client stored (absent state, "
    "own contact's note, forwards and property bag, capabilities, settings, XML content)",
    OPERATION_RESULT,
    breaks=(
        *_tests(_OWN_STATE, "test_absent_state_reads_back"),
        *_tests(_OWN_STATE, "test_custom_note_reads_back"),
        *_tests(_FORWARDING, "test_forward_shows_in_own_contact"),
        *_tests(_SETTINGS, "test_property_bag_shows_in_own_contact"),
        *_tests(_SESSIONS, "test_client_capabilities_read_back"),
        *_tests(_SETTINGS, "test_server_based_client_settings_read_back"),
        *_tests(_SETTINGS, "test_client_xml_content_reads_back"),
        *_tests(_SETTINGS, "test_granted_rights_read_back"),
    ),
)
def _stale_reads(value: tuple[str, Any]) -> tuple[str, Any]:
    name, result = value
    bend = _STALE_READS.get(name)
    return (name, bend(result)) if bend is not None else value


# --- ClientPersistence --------------------------------------------------------------------------


@fault(
    "persistence.no-event-to-other-subscribers",
    "a change is answered to its originator but not told to the store's other subscribers",
    PERSISTENCE_EVENT,
    breaks=(
        *_tests(_ITEMS, "test_other_subscriber_is_told_the_new_item"),
        *_tests(_ITEMS, "test_other_subscriber_is_told_the_update"),
        *_tests(_ITEMS, "test_deleted_item_is_told_and_gone"),
    ),
)
def _no_event_to_others(event: PersistenceEvent | None) -> PersistenceEvent | None:
    return None if event is not None and not event.answer else event


@fault(
    "persistence.database-id-changes",
    "asnClientPersistenceGetDatabaseID returns a new id on every call",
    OPERATION_RESULT,
    breaks=_tests(_ITEMS, "test_database_id_is_stable"),
)
def _new_database_id(value: tuple[str, Any]) -> tuple[str, Any]:
    name, result = value
    if name == "asnClientPersistenceGetDatabaseID":
        return name, {**result, "u8sDatabaseID": secrets.token_hex(16)}
    return value


@fault(
    "persistence.read-answers-no-items",
    "asnClientPersistenceRead is answered noerror without the stored elements",
    PERSISTENCE_EVENT,
    breaks=_tests(_ITEMS, "test_created_item_reads_back"),
)
def _read_answers_nothing(event: PersistenceEvent | None) -> PersistenceEvent | None:
    if event is None or event.operation != "asnClientPersistenceRead":
        return event
    return replace(event, argument={**event.argument, "changedItems": []})


# --- ClientContactsList and contact lookup ------------------------------------------------------


@fault(
    "contacts.no-events",
    "asnClientContentChanged and asnClientContentTaggedIDsChanged are never sent",
    CONTENT_EVENT,
    breaks=(
        *_tests(_CONTACTS_LIST, "test_other_subscriber_is_told_the_added_contact"),
        *_tests(_CONTACTS_LIST, "test_other_subscriber_is_told_the_removed_contact"),
        *_tests(_CONTACTS_LIST, "test_other_session_is_told_the_saved_tags"),
    ),
)
def _no_content_events(value: tuple[str, JsonObject] | None) -> tuple[str, JsonObject] | None:
    return None


@fault(
    "contacts.reads-show-nothing",
    "asnGetClientContent lists no contacts whatever was added, asnFindContacts finds nobody",
    OPERATION_RESULT,
    breaks=(
        *_tests(_CONTACTS_LIST, "test_added_contact_is_listed"),
        *_tests(_FIND, "test_a_user_is_found_by_last_name"),
    ),
)
def _reads_show_nothing(value: tuple[str, Any]) -> tuple[str, Any]:
    name, result = value
    if name in ("asnGetClientContent", "asnFindContacts"):
        return name, {**result, "contactList": []}
    return value
