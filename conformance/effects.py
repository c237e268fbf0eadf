"""What sending an operation does to a server, and whom the document meant it for.

Every operation and event of the catalogue gets an *effect class* (issue 12, part 1):

- ``read``: changes nothing;
- ``own``: changes only the calling user's own, restorable state (presence, own settings, own
  chat subscriptions, own monitors, the session itself);
- ``shared``: changes other users, groups or the server's configuration;
- ``destructive``: interrupts service or cannot be undone (restart, upgrade, deleting, changing
  logins, interfaces, databases, licences, user management).

The class is derived from the operation's module and the verb in its name (:data:`_VERBS`,
:data:`_MODULE_DEFAULTS`), then corrected by a reviewed table (:data:`OVERRIDES`) whose every
entry says why, with the document line where the document says something. The starting point
and the check is the appendix of ``reviews/real-server-review.md`` (R/O/C/D); where this table
departs from it, ``tests/test_effects.py`` lists the departure and its reason.

Events are sent by the server; receiving one changes nothing, so an event is ``read`` unless a
client sends it (asnLogoff ends the client's own session).

The *audience* is whom the document says the operation is for (:class:`AudienceKind`), with the
line and its words; ``user`` (an ordinary client session) where the document says nothing else.
The sweep judges an operation by it: an operation for administrators that a plain user's session
runs successfully is a violation of the quoted line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

__all__ = [
    "OVERRIDES",
    "Audience",
    "AudienceKind",
    "Effect",
    "audience_of",
    "effect_of",
]


class Effect(StrEnum):
    READ = "read"
    OWN = "own"
    SHARED = "shared"
    DESTRUCTIVE = "destructive"


class AudienceKind(StrEnum):
    USER = "user"
    """An ordinary client session; the document places the operation nowhere else."""
    ADMINISTRATOR = "administrator"
    """Needs administrator rights or an administrative login of its own."""
    WEBSERVICE = "webservice"
    """Between the UCServer and its web service (UCWeb), not a client's."""
    EXTERNAL_SERVER = "external-server"
    """Called by another server or service (token checks, database connectors, external
    services)."""
    SERVER_TO_SERVER = "server-to-server"
    """Between UCServers or to a media server (MESH, MCU)."""
    UPDATE_SERVICE = "update-service"
    """The Automatic Client Update Service (ACU)."""
    TEST_ONLY = "test-only"
    """The document says it exists for tests."""


@dataclass(frozen=True)
class Audience:
    kind: AudienceKind
    line: int
    """The document line stating the audience; the operation's own section for ``user``."""
    quote: str
    """The line's words ("" for ``user``: the document restricts nothing)."""

    def as_json(self) -> dict[str, object]:
        return {"kind": self.kind.value, "line": self.line, "quote": self.quote}


# --- effect classes ------------------------------------------------------------------------

R, O, S, D = Effect.READ, Effect.OWN, Effect.SHARED, Effect.DESTRUCTIVE  # noqa: E741

# The first of these words in an operation's name (after "asn"/"system" and module prefixes)
# decides its class, unless the module's default or an override does.
_VERBS: dict[str, Effect] = {
    **dict.fromkeys(
        ("Get", "Find", "Query", "Snapshot", "Check", "Verify", "Test", "Fetch", "Mon", "Is"),
        R,
    ),
    **dict.fromkeys(("Request", "Read", "Enum"), R),
    **dict.fromkeys(
        ("Subscribe", "Unsubscribe", "Watch", "Open", "Close", "Login", "Logon", "Logoff"), O
    ),
    **dict.fromkeys(("Logout", "Negotiate", "Monitor", "Mark", "Update", "Create", "Modify"), O),
    **dict.fromkeys(("Set", "Register", "Rank", "Change", "Save", "Custom", "Reset"), O),
    **dict.fromkeys(("Start", "Commit", "Rollback", "Block", "Renegotiate", "Process"), O),
    **dict.fromkeys(("Send", "Make", "Drop", "Answer", "Redirect", "Pickup", "Hold"), S),
    **dict.fromkeys(("Merge", "Swap", "Dial", "Complete", "Conference", "Setup", "Forward"), S),
    **dict.fromkeys(("Announce",), S),
    **dict.fromkeys(("Delete", "Remove", "Cleanup", "Restart", "Upgrade"), D),
}

# Modules whose every change is made for others or the server: a change there is at least
# "shared" (the Admin and Management modules configure the server for everyone, L8755, L31920).
_CHANGES_ARE_SHARED = frozenset({"Admin", "Management", "MCU", "WebServiceConnection", "System"})
# Modules whose every change rewrites the user base or the server mesh.
_CHANGES_ARE_DESTRUCTIVE = frozenset({"UMReplicator", "MESH"})


@dataclass(frozen=True)
class Override:
    effect: Effect
    reason: str
    line: int | None = None
    """The document line the reason rests on, where the document says something."""


def _o(effect: Effect, reason: str, line: int | None = None) -> Override:
    return Override(effect, reason, line)


_USER_MGMT = "creates, changes or deletes user, group or computer accounts"
_NO_SERVICE = "can take the server or its logins out of service"
_CALL = "acts on a real call: other parties' phones ring, drop or change"
_CHAT = "persists a message or a member list for every participant"

OVERRIDES: dict[str, Override] = {
    # Admin and Management: account management and settings that take service away.
    **{
        name: _o(D, _USER_MGMT)
        for name in (
            "asnAdminSetUserProfile",
            "asnAdminAddUserProfile",
            "asnAdminSetComputerProfile",
            "asnAdminAddComputerProfile",
            "asnAdminSetGroupProfile",
            "asnAdminAddGroupProfile",
            "asnMgmtSetUserProfile",
            "asnMgmtAddUserProfile",
            "asnMgmtAddComputerProfile",
            "asnMgmtSetComputerProfile",
            "asnMgmtAddGroupProfile",
            "asnMgmtSetGroupProfile",
        )
    },
    **{
        name: _o(D, _NO_SERVICE)
        for name in (
            "asnMgmtSetUMMode",
            "asnMgmtSetUMInterfaceSettings",
            "asnMgmtSetUMSettings",
            "asnMgmtSetUpdateServiceSettings",
            "asnMgmtSetWebServiceConfig4Admin",
            "asnMgmtSetDatabaseManagerSettings",
            "asnMgmtSetListeningInterfaces",
            "asnMgmtSetMeshSettings",
            "asnMgmtSetMeshNodeConfigs",
        )
    },
    "asnMgmtChangeLogin": _o(D, "replaces the administrator login"),
    "asnMgmtAddLicense": _o(D, "changes the server's licences"),
    "asnMgmtSetLicenseGenuineStatus": _o(D, "changes the server's licences"),
    "asnMgmtUpgradeStart": _o(D, "starts the chat database conversion, not undoable", 36620),
    # Management changes a user session can undo nowhere: locks and server-side actions.
    "asnMgmtLogin": _o(O, "logs the calling connection in; changes nothing else"),
    "asnAdminLogin": _o(O, "logs the calling connection in; changes nothing else"),
    "asnUMReplicatorLogin": _o(O, "logs the calling connection in; changes nothing else"),
    "asnUMReplicatorLogout": _o(O, "logs the calling connection out"),
    "asnMgmtSubscribeLineEvents": _o(O, "a subscription of the calling session"),
    "asnMgmtUnsubscribeLineEvents": _o(O, "a subscription of the calling session"),
    "asnMgmtETapiUIDllCallback": _o(S, "calls into the PBX driver of a line"),
    "asnMgmtAquireLoggerLock": _o(S, "locks the server's logger for every administrator"),
    "asnMgmtReleaseLoggerLock": _o(S, "releases the server's logger lock"),
    "asnMgmtReloadUserConfig": _o(S, "reloads the configuration of users"),
    "asnMgmtRefreshComputerStatus": _o(S, "changes the computer status the server keeps"),
    "asnMgmtClearComputerStatus": _o(S, "clears the computer status the server keeps"),
    "asnMgmtFullSyncContactCache": _o(S, "rebuilds the server's contact cache"),
    # General: settings that are the server's, not the caller's.
    "asnSetLocationInformation2": _o(S, "changes a location of the server's configuration"),
    "asnSetSettingsDynamicRights": _o(S, "grants rights to other users"),
    "asnSetMetaSettings": _o(S, "changes the MetaDirectory settings of the server"),
    "asnSetMetaPhoneBooksSettings": _o(S, "changes the MetaDirectory phone books of the server"),
    "asnDatabaseConnectorLogin": _o(S, "a database connector registers with the server", 2186),
    "asnDatabaseConnectorLogoff": _o(S, "a database connector leaves the server", 2233),
    "asnRequestFeature": _o(O, "requests a feature for the calling user"),
    "asnContactStatusRequest": _o(O, "starts status events for the calling session"),
    "asnUserChangePassword": _o(
        D,
        "changes the account's password: the run cannot log in with the profile's password "
        "afterwards, and a wrong old password counts as a failed login (lockout)",
    ),
    # Agent: broadcasts reach every agent of a group.
    "asnAgentBroadcastCreate": _o(S, "a broadcast reaches every agent of the group", 12858),
    "asnAgentBroadcastConfirm": _o(S, "confirming a broadcast ends it for the system", 12858),
    # Appointments of the user's calendar database.
    "asnAppointmentSetEntryList": _o(S, "with admin rights sets appointments of others", 13263),
    "asnAppointmentSetSeriesEntriesList": _o(S, "writes the appointment database"),
    "asnAppointmentSetEntry": _o(S, "with admin rights sets appointments of others", 13832),
    # CTI: calls reach other parties; line settings are the caller's own lines.
    "asnCtiEnumPhoneLines": _o(O, "attaches the session to the user's lines"),
    "asnCtiStartCallRecording": _o(S, _CALL),
    "asnCtiStopCallRecording": _o(S, _CALL),
    "asnCtiSetCallData": _o(S, _CALL),
    "asnCtiRemoveForward": _o(O, "removes a forward of the caller's own line"),
    "asnCtiLineSetNewPassword": _o(S, "changes the password of the line on the PBX"),
    "asnMobileRegisterDevice": _o(S, "registers a line on the server", 26040),
    # Chat: what one participant sends is kept for all.
    **{
        name: _o(S, _CHAT)
        for name in (
            "asnChatTextMessage",
            "asnChatBinaryMessage",
            "asnChatPutBinaryChunk",
            "asnChatUserlistModify",
            "asnChatSetUserlist",
        )
    },
    # Journal and tasks of the caller; deleting cannot be undone.
    "asnGetOfflineJournal": _o(O, "delivers and marks the offline journal as fetched"),
    "asnTaskDelegateEntries": _o(S, "hands the caller's tasks to another user"),
    "asnTaskAddEntry": _o(O, "a task of the caller"),
    "asnClientPersistenceDelete": _o(O, "deletes the caller's own persisted entry"),
    # Presence: rights are granted to others.
    "asnSetDynamicRights": _o(S, "grants presence rights to other users"),
    "asnRemoveDynamicRights": _o(S, "takes presence rights from other users"),
    "asnGetAndSubscribePresence": _o(O, "a subscription of the calling session"),
    # Transport and the web service link: connections and registrations of servers.
    "asnStartTLS": _o(S, "switches the connection to TLS", 49276),
    "asnRegisterExternalService": _o(S, "registers an external service", 49304),
    "asnStartMultiUserMode": _o(S, "switches the web service's link to multi-user mode", 52740),
    "asnRegisterServer": _o(S, "registers a server connection", 52847),
    "asnWebServiceLogon": _o(S, "logs the web service in", 52900),
    "asnCreateUserSession": _o(O, "creates the caller's own session object", 52774),
    "asnDestroyUserSession": _o(D, "ends a user's session object", 52816),
    # Ranking, System, update service.
    "systemLogin": _o(O, "logs the calling connection in"),
    "asnACUCheckUpdateNow": _o(O, "starts an update check for the caller"),
    "asnACUGetfilelist": _o(R, "reads the update service's file list"),
}


def _name_words(name: str) -> list[str]:
    return re.findall(r"[A-Z][a-z]+|[A-Z]+(?![a-z])|\d+", name[0].upper() + name[1:])


def effect_of(name: str, module: str, kind: str) -> Effect:
    """The effect class of one catalogue entry (an operation or an event)."""
    if name in OVERRIDES:
        return OVERRIDES[name].effect
    if kind == "event":
        return O if name == "asnLogoff" else R
    verb = next((_VERBS[w] for w in _name_words(name) if w in _VERBS), None)
    if verb is None:
        raise ValueError(f"{name}: no verb of effects._VERBS in the name and no override")
    if verb is R:
        return R
    if module in _CHANGES_ARE_DESTRUCTIVE:
        return D
    if module in _CHANGES_ARE_SHARED and verb is O:
        return S
    return verb


# --- audiences -----------------------------------------------------------------------------

_A = AudienceKind

_MODULE_AUDIENCES: dict[str, tuple[AudienceKind, int, str]] = {
    "Admin": (
        _A.ADMINISTRATOR,
        8757,
        "Diese Funktionen benötigen ein eignes Admin Login (asnAdminLogin)",
    ),
    "Management": (
        _A.ADMINISTRATOR,
        31920,
        "This Module contains Functions for the UCServer Admin",
    ),
    "UMReplicator": (
        _A.ADMINISTRATOR,
        50038,
        "Zur Nutzung dieser Funktionen ist ein eigenes Login (asnUMReplicatorLogin) erforderlich",
    ),
    "MESH": (_A.SERVER_TO_SERVER, 31719, "Server to server mesh interface"),
    "MCU": (
        _A.SERVER_TO_SERVER,
        31218,
        "Speziell wird das protokoll zur Steuerung des Kurento Media Servers verwendet",
    ),
    "UpdateService": (
        _A.UPDATE_SERVICE,
        22653,
        "This Module contains all the functions needed for the Automatic Client Update Service",
    ),
}

_OPERATION_AUDIENCES: dict[str, tuple[AudienceKind, int, str]] = {
    "asnAgentSupervisorMonitorStart": (
        _A.ADMINISTRATOR,
        11857,
        "Das ist eine administrative Ansicht und braucht (im Moment) Admin-Rechte",
    ),
    "asnChatFindEvents": (_A.TEST_ONLY, 18264, "test only"),
    "asnMobileRegisterDevice": (
        _A.TEST_ONLY,
        26040,
        "For testscenarios or other usecases it is possible to resgster a line on the server",
    ),
    "asnStartMultiUserMode": (
        _A.WEBSERVICE,
        52740,
        "This function is only used by the WebService, after it has established a connection "
        "to the UCServer",
    ),
    "asnCreateUserSession": (
        _A.WEBSERVICE,
        52774,
        "A user login session object (ENetCtiConnection) is created in the UCServer and ready "
        "for asnLogon",
    ),
    "asnDestroyUserSession": (
        _A.WEBSERVICE,
        52816,
        "A user login session object (ENetCtiConnection) is created in the UCServer and ready "
        "for asnLogon",
    ),
    "asnRegisterServer": (
        _A.WEBSERVICE,
        52847,
        "The UCServer call this function on connections, where the UCServer establishes the "
        "(outbound) connection to",
    ),
    "asnWebServiceLogon": (
        _A.WEBSERVICE,
        52900,
        "This is used only in the WebService running on the same host as the UCServer",
    ),
    "asnWebGetIceServers": (
        _A.WEBSERVICE,
        49391,
        "This function is implemented in UCWeb and called by the UCServer",
    ),
    "asnStartTLS": (
        _A.EXTERNAL_SERVER,
        49276,
        "After calling this function, the UCServer switches to TLS mode and expects a regular "
        "TLS handshahe from the",
    ),
    "asnRegisterExternalService": (
        _A.EXTERNAL_SERVER,
        49304,
        'Registriert einen "externen" Dienst',
    ),
    "asnGetExternalServiceProfile": (
        _A.EXTERNAL_SERVER,
        49347,
        'Registriert einen "externen" Dienst',
    ),
    "asnTokenVerify": (
        _A.EXTERNAL_SERVER,
        49426,
        "This function allows an external Server to check if a User token is valid",
    ),
    "asnDatabaseConnectorLogin": (
        _A.EXTERNAL_SERVER,
        2186,
        "Eine DatabaseConnector meldet sich so am Server an.",
    ),
    "asnDatabaseConnectorLogoff": (
        _A.EXTERNAL_SERVER,
        2233,
        "Eine DatabaseConnector meldet sich so am Server ab.",
    ),
}


def audience_of(name: str, module: str, line: int) -> Audience:
    """Whom the document says the entry is for; ``line`` is the entry's own section line."""
    stated = _OPERATION_AUDIENCES.get(name) or _MODULE_AUDIENCES.get(module)
    if stated is None:
        return Audience(AudienceKind.USER, line, "")
    kind, at, quote = stated
    return Audience(kind, at, quote)
