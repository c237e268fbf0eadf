"""The reference server's user directory: accounts, lines, agent groups and contact data.

Built from a :class:`~conformance.profile.Profile`, so that the embedded profile describes the
server exactly. Accounts and their attributes are immutable; the only mutable pieces are each
user's presence state, manual absent state and custom note, which later modules (presence,
CTI) change. All mutation happens on the server's event loop, so it needs no lock; readers on
other threads see whole values (an int, a frozen record, a string).

The JSON builders here produce the wire form of the contact types the document defines
(AsnNetDatabaseContact 25.1.14, AsnContact 3.1.209, AsnContactPhoneLine 3.1.207), with every
required member present and nothing invented beyond what the profile says.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from conformance.profile import Profile

__all__ = [
    "PRESENCE_AVAILABLE",
    "AbsentState",
    "Directory",
    "DirectoryUser",
    "dialable_number",
]

JsonObject = dict[str, Any]

PRESENCE_AVAILABLE = 1
"""eAVAILABLE, AsnPresenceStateEnum (document section 3.1.8)."""
_LINE_ONLINE = 1  # eLINEONLINE, AsnContactPhoneLineState (25.1.4)
_MONITOR_ACCESS_PUBLIC = 1  # the value the /ws/public example shows (L558)
_NEVER = "1970-01-01T00:00:00Z"  # "no time": the epoch, a valid AsnSystemTime

# AsnAbsentStateEnum (3.1.27, L4730-L4745) to the AsnPresenceStateEnum value (3.1.8,
# L4293-L4308) the absent state stands for: out of office is eABSENT, a meeting eBUSY, do not
# disturb eDONOTDISTURB; present and "not explicitly set" leave the user eAVAILABLE.
_ABSENT_PRESENCE = {0: PRESENCE_AVAILABLE, 1: 3, 2: 2, 3: 4, 4: PRESENCE_AVAILABLE}


@dataclass(frozen=True)
class AbsentState:
    """A user's manual absent state: the stored part of AsnAbsentState (3.1.79, L5537-L5560).

    ``state`` is an AsnAbsentStateEnum value; the times are AsnSystemTime strings (the epoch
    means "none"). The presence module sets it (asnAbsentStateSetUser) and resets it."""

    state: int = 0  # eABSENTSTATENOTABSENT
    time_from: str = _NEVER
    time_to: str = _NEVER
    message: str = ""
    reason: str = ""

    @property
    def presence(self) -> int:
        """The AsnPresenceStateEnum value this absent state stands for ("Kontaktstatus
        aufgrund dieser Meldung", L5558)."""
        return _ABSENT_PRESENCE[self.state]


@dataclass(frozen=True)
class DirectoryUser:
    name: str
    password: str
    disabled: bool
    display_name: str
    sip_uri: str
    lines: tuple[str, ...]
    groups: tuple[str, ...]
    public: bool
    administrator: bool = False
    """The profile's ``[administrator]`` account: it logs on like a user (N60) and may call
    the Management module's operations; it is no user of the directory (not listed)."""

    @property
    def object_guid(self) -> str:
        """A stable GUID per login name, as a directory would assign."""
        return str(uuid.uuid5(uuid.NAMESPACE_URL, self.sip_uri)).upper()

    def __repr__(self) -> str:  # never show the password
        return f"DirectoryUser({self.name!r}, disabled={self.disabled})"


class Directory:
    """Users by login name, by SIP URI and by line; agent groups and their members."""

    def __init__(
        self,
        users: Iterable[DirectoryUser],
        groups: Iterable[str] = (),
        administrator: DirectoryUser | None = None,
    ) -> None:
        self._users: dict[str, DirectoryUser] = {}
        self.administrator = administrator
        self._by_sip: dict[str, DirectoryUser] = {}
        self._line_owner: dict[str, DirectoryUser] = {}
        members: dict[str, list[str]] = {g: [] for g in groups}
        for user in users:
            if user.name in self._users:
                raise ValueError(f"duplicate user name {user.name!r}")
            self._users[user.name] = user
            self._by_sip[user.sip_uri] = user
            for line in user.lines:
                self._line_owner[line] = user
            for group in user.groups:
                members.setdefault(group, []).append(user.name)
        self._groups: Mapping[str, tuple[str, ...]] = MappingProxyType(
            {g: tuple(m) for g, m in members.items()}
        )
        # The administrator has the per-user state too, so that a user operation it sends is
        # answered, not a crash; it is not in the snapshot (no suite changes it).
        accounts = [*self._users, *([administrator.name] if administrator else [])]
        self._presence: dict[str, int] = {name: PRESENCE_AVAILABLE for name in accounts}
        self._absent: dict[str, AbsentState] = {name: AbsentState() for name in accounts}
        self._note: dict[str, str] = {name: "" for name in accounts}
        self._forwards: dict[str, list[JsonObject]] = {}
        """Line to its AsnLineForwards (set by asnCtiSetForward, conformance.reference.general)."""
        self._property_bag: dict[str, list[JsonObject]] = {name: [] for name in accounts}
        """AsnUserPropertyBag.asnProperties (set by asnSetUserPropertyBag)."""

    @classmethod
    def from_profile(cls, profile: Profile) -> Directory:
        users = [
            DirectoryUser(
                name=u.name,
                password=u.password,
                disabled=u.disabled,
                display_name=u.display_name or u.name,
                # A user without a SIP URI in the profile still needs one: contacts are keyed
                # by it. The .invalid domain (RFC 2606) cannot collide with a real one.
                sip_uri=u.sip_uri or f"sip:{u.name}@reference.invalid",
                lines=u.lines,
                groups=u.groups,
                public=u.public,
            )
            for u in profile.users.values()
        ]
        admin = profile.administrator
        administrator = (
            DirectoryUser(
                name=admin.name,
                password=admin.password,
                disabled=False,
                display_name=admin.name,
                sip_uri=f"sip:{admin.name}@reference.invalid",
                lines=(),
                groups=(),
                public=False,
                administrator=True,
            )
            if admin is not None
            else None
        )
        return cls(users, profile.agent.groups, administrator)

    # --- lookup ------------------------------------------------------------------------------

    def user(self, name: str) -> DirectoryUser | None:
        """The account that logs in as ``name`` (the administrator too); login names are
        compared exactly (case-sensitive)."""
        if self.administrator is not None and name == self.administrator.name:
            return self.administrator
        return self._users.get(name)

    def by_sip(self, sip_uri: str) -> DirectoryUser | None:
        return self._by_sip.get(sip_uri)

    def line_owner(self, line: str) -> DirectoryUser | None:
        return self._line_owner.get(line)

    def users(self) -> list[DirectoryUser]:
        return list(self._users.values())

    def public_users(self) -> list[DirectoryUser]:
        return [u for u in self._users.values() if u.public and not u.disabled]

    @property
    def groups(self) -> Mapping[str, tuple[str, ...]]:
        """Agent group name to member login names."""
        return self._groups

    # --- presence ----------------------------------------------------------------------------

    def presence(self, user: DirectoryUser) -> int:
        return self._presence[user.name]

    def snapshot(self) -> dict[str, object]:
        """Presence, absent state and note of every user (for the server's state snapshot)."""
        return {
            name: {
                "presence": self._presence[name],
                "absent": dataclasses.asdict(self._absent[name]),
                "note": self._note[name],
                "property bag": self._property_bag[name],
                "forwards": {
                    line: self._forwards[line]
                    for line in self._users[name].lines
                    if self._forwards.get(line)
                },
            }
            for name in sorted(self._users)
        }

    def set_presence(self, user: DirectoryUser, state: int) -> None:
        self._presence[user.name] = state

    def absent(self, user: DirectoryUser) -> AbsentState:
        return self._absent[user.name]

    def set_absent(self, user: DirectoryUser, absent: AbsentState) -> None:
        self._absent[user.name] = absent

    def note(self, user: DirectoryUser) -> str:
        """The user's custom note (AsnCustomNote.u8sNote, 3.1.85)."""
        return self._note[user.name]

    def set_note(self, user: DirectoryUser, note: str) -> None:
        self._note[user.name] = note

    def forwards(self, line: str) -> list[JsonObject]:
        """The AsnLineForwards (25.1.26) of one line: none unless a client set some."""
        return list(self._forwards.get(line, ()))

    def set_forwards(self, line: str, forwards: list[JsonObject]) -> None:
        self._forwards[line] = list(forwards)

    def set_property_bag(self, user: DirectoryUser, properties: list[JsonObject]) -> None:
        self._property_bag[user.name] = list(properties)

    # --- JSON --------------------------------------------------------------------------------

    def net_contact(self, user: DirectoryUser) -> JsonObject:
        """AsnNetDatabaseContact (25.1.14): the directory entry of a user."""
        first, _, last = user.display_name.partition(" ")
        contact: JsonObject = {
            "u8sEntryID": user.object_guid,
            "u8sDisplayName": user.display_name,
            "u8sFirstName": first,
            "u8sLastName": last,
            "u8sSIPAddress": user.sip_uri,
            "u8sCtiServerUserName": user.name,
            "iCtiServerUser": 1,
        }
        if user.lines:
            contact["u8sPhoneBusiness"] = dialable_number(user.lines[0])
        return contact

    def phone_line(self, user: DirectoryUser, line: str) -> JsonObject:
        """AsnContactPhoneLine (3.1.207) of one of the user's lines, idle, with its forwards."""
        return {
            "iType": 0,
            "u8sLinePhoneNumber": line,
            "u8sDescriptor": f"{user.display_name} ({dialable_number(line)})",
            "u8sNumber": dialable_number(line),
            "seqCalls": [],
            "seqLineForwards": self.forwards(line),
            "iState": _LINE_ONLINE,
            "bDoNotDisturb": False,
            "iForwardFeaturesPBX": 0,
        }

    def contact(self, user: DirectoryUser) -> JsonObject:
        """AsnContact (3.1.209): the user as the logged-in client sees itself."""
        presence = self.presence(user)
        absent = self.absent(user)
        return {
            "u8sContactId": user.sip_uri,
            "iContactFeatureSet": 0,
            "iPresenceState": presence,
            "iStaticRights": 0,
            "iMonitorAccessRights": _MONITOR_ACCESS_PUBLIC,
            "asnRemoteContact": self.net_contact(user),
            "seqPhoneLines": [self.phone_line(user, line) for line in user.lines],
            "asnAbsentState": {
                "u8sContactId": user.sip_uri,
                "u8sUsername": user.name,
                "stTimeFrom": absent.time_from,
                "stTimeTo": absent.time_to,
                "iAbsentState": absent.state,
                "u8sMessage": absent.message,
                "u8sAbsentReason": absent.reason,
                "iPresenceState": absent.presence,
            },
            "asnCustomNote": {
                "u8sContactID": user.sip_uri,
                "u8sUsername": user.name,
                "u8sNote": self.note(user),
            },
            "seqActualAppointments": [],
            # AsnContact requires a next appointment; bIsValid false says there is none.
            "asnNextAppointment": {
                "u8sEntryID": "",
                "u8sOwner": user.name,
                "u8sDataSource": "",
                "stStart": _NEVER,
                "stEnd": _NEVER,
                "iDuration": 0,
                "u8sSubject": "",
                "u8sText": "",
                "bAllDay": False,
                "iStatus": 0,
                "u8sCategory": "",
                "iImportance": 0,
                "iSensitivity": 0,
                "bIsValid": False,
            },
            "asnUserPropertyBag": {"asnProperties": list(self._property_bag[user.name])},
        }

    def public_contact(self, user: DirectoryUser) -> JsonObject:
        """One entry of the /ws/public/contacts body (document L529-L566)."""
        return {
            "asnRemoteContact": self.net_contact(user),
            "iMonitorAccessRights": _MONITOR_ACCESS_PUBLIC,
            "iPresenceState": self.presence(user),
        }


def dialable_number(line: str) -> str:
    """The dialable part of a LineURI: ``tel:+4930100101;phys=101`` gives ``+4930100101``."""
    return line.removeprefix("tel:").split(";", 1)[0].split("@", 1)[0]
