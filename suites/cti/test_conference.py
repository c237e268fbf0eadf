"""A conference on a line, its whole life: asnCtiHold (26.1.21, L25611-L25660), asnCtiConference
(26.1.26, L25915-L25956) and the conference events of the line's monitor: created (26.2.9),
party added (26.2.11), party removed (26.2.12), destroyed (26.2.10).

The caller sets the conference up the way 26.1.26 describes it: "setup two calls via a call
back (asnCtiMakeCall => asnCtiHold => asnCtiMakeCall), so you have one call on hold and one
active. Now execute this operation with the two connection identifiers" (L25919-L25920). The
called parties answer by asnCtiAnswerCall, so the test needs a PBX that answers remotely
(profile capability ``cti.remote_answer``), and it runs only where the calls offer what it does
(their ``iFeatures``, EnumCallFeatures 27.1.4: eCFEATUREHOLD, eCFEATURECONFERENCESTARTEU, and
eCFEATURECONFERENCEADDPARTY for the step that adds a party). A party is added by the same
operation with the conference's controller call on hold and the new call active; the document
describes no other way for the European conference model.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pytest

from conformance.client import Where
from conformance.lineids import same_line
from conformance.profile import Profile, User

if TYPE_CHECKING:
    from conftest import Cti, Monitor, Party, Phone

pytestmark = [
    pytest.mark.module("CTI"),
    pytest.mark.requires("cti.lines>=4"),
    pytest.mark.requires("capability:cti.remote_answer"),
]

CALL_CHANGED = "asnCtiNotifyLineCallInformationChanged"
HOLD, CONFERENCE, ANSWER = "asnCtiHold", "asnCtiConference", "asnCtiAnswerCall"
SNAPSHOT = "asnCtiSnapshotPhoneLine"
CREATED = "asnCtiNotifyConferenceCreated"
PARTY_ADDED = "asnCtiNotifyConferencePartyAdded"
PARTY_REMOVED = "asnCtiNotifyConferencePartyRemoved"
DESTROYED = "asnCtiNotifyConferenceDestroyed"
# EnumCallState (3.1.11, L4352-L4379)
OFFERING, CONNECTED, HELD = 2, 32, 128
# EnumCallFeatures (27.1.4)
FEATURE_HOLD, FEATURE_CONFERENCE, FEATURE_ADD_PARTY = 8192, 65536, 131072


@dataclass(frozen=True)
class Line:
    """A party of the conference: a profile user and one of their lines (what the fixtures'
    Party holds, and all ``Cti.phone``, ``Cti.number_of`` and ``Cti.placed`` read of one)."""

    user: User
    line: str


@pytest.fixture
def partners(profile: Profile, caller: Party, callee: Party) -> tuple[Line, Line, Line]:
    """Three lines to call besides the caller's: the callee's, then others of the profile's
    ``[cti] lines``, other users' first."""
    owners = {line: u for u in profile.enabled_users() for line in u.lines}
    rest = [
        Line(owners[line], line)
        for line in profile.cti.lines
        if line in owners and line not in (caller.line, callee.line)
    ]
    rest.sort(key=lambda p: p.user.name == caller.user.name)
    if len(rest) < 2:
        pytest.skip("the profile lists fewer than four usable lines")
    return Line(callee.user, callee.line), rest[0], rest[1]


def _of(monitor: Monitor, **members: Any) -> Where:
    return Where(
        lambda e: (
            e.get("u8sLineMonitorCrossRefID") == monitor.cross_ref
            and all(e.get(k) == v for k, v in members.items())
        ),
        f"u8sLineMonitorCrossRefID == {monitor.cross_ref!r}",
    )


def _member_ids(infos: list[dict[str, Any]]) -> set[str]:
    return {str(i.get("u8sConnectionID")) for i in infos}


class Conferencing:
    """The caller's phone and monitor, and one answering phone and monitor per partner."""

    def __init__(self, cti: Cti, caller: Party, partners: tuple[Line, ...], stack: ExitStack):
        for partner in partners:
            stack.enter_context(cti.lease(partner.line))
        self.cti, self.caller, self.stack = cti, caller, stack
        self.phone: Phone = cti.phone(caller)
        self.monitor: Monitor = self.phone.monitor(caller.line)
        self.answering = {}
        for partner in partners:
            phone = cti.phone(partner)
            self.answering[partner.line] = (phone, phone.monitor(partner.line))

    def connect(self, partner: Line) -> dict[str, Any]:
        """A call to ``partner``, answered there: the caller's connected call information."""
        number = self.cti.number_of(partner)
        connection_id = self.stack.enter_context(
            self.cti.placed(self.phone, self.caller.line, partner, number)
        )
        phone, monitor = self.answering[partner.line]
        incoming = monitor.next_change(
            Where(
                lambda e: (
                    same_line(e.get("u8sLinePhoneNumber"), partner.line)
                    and e.get("callinformation", {}).get("iCallState") == OFFERING
                ),
                f"an incoming call offered on {partner.line}",
            )
        )
        # A callback-style PBX connects the calling line before it dials (N30): only a
        # CONNECTED after the answer counts. A round trip first, so that every event the
        # caller's line had before is in (a server sends what it queued before a reply).
        self.phone.invoke(SNAPSHOT, {"u8sLinePhoneNumber": self.caller.line}).expect_result()
        earlier = {id(e.argument) for e in self.phone.session.events(CALL_CHANGED)}
        answer = {"u8sConnectionID": incoming["callinformation"]["u8sConnectionID"]}
        phone.invoke(ANSWER, answer).expect_result()
        connected = self.monitor.next_change(
            Where(
                lambda e: (
                    id(e) not in earlier
                    and e.get("callinformation", {}).get("u8sConnectionID") == connection_id
                    and e.get("callinformation", {}).get("iCallState") == CONNECTED
                ),
                f"{connection_id!r} CONNECTED after the answer",
            )
        )
        information: dict[str, Any] = connected["callinformation"]
        return information

    def hold(self, connection_id: str) -> dict[str, Any]:
        result = self.phone.invoke(HOLD, {"bHold": True, "u8sConnectionID": connection_id})
        assert result.expect_result()["bSuccess"] is True, result
        held: dict[str, Any] = self.monitor.change_of(connection_id, frozenset({HELD}))
        return held["callinformation"]

    def conference(self, active: str, held: str) -> None:
        argument = {"u8sConnectionID1": active, "u8sConnectionID2": held}
        result = self.phone.invoke(CONFERENCE, argument).expect_result()
        assert result["bSuccess"] is True, f"{CONFERENCE} answered {result} (L25940)"

    def event(self, name: str, **members: Any) -> dict[str, Any]:
        argument: dict[str, Any] = (
            self.phone.session.wait_for(name, _of(self.monitor, **members)).argument or {}
        )
        assert same_line(argument["u8sLinePhoneNumber"], self.caller.line), argument
        return argument


def _needs(information: dict[str, Any], feature: int, name: str) -> None:
    if not information.get("iFeatures", 0) & feature:
        pytest.skip(f"the call does not offer {name} (iFeatures {information.get('iFeatures')})")


@pytest.fixture
def conferencing(
    cti: Cti, caller: Party, partners: tuple[Line, Line, Line]
) -> Iterator[Conferencing]:
    with ExitStack() as stack:
        yield Conferencing(cti, caller, partners, stack)


@pytest.mark.spec("26.1.26", line=25915)
@pytest.mark.spec("26.1.21", line=25611)
@pytest.mark.spec("26.2.9", line=26337)
@pytest.mark.spec("26.2.11", line=26408)
@pytest.mark.spec("26.2.12", line=26436)
@pytest.mark.spec("26.2.10", line=26377)
@pytest.mark.sends(
    "asnCtiEnumPhoneLines",
    "asnCtiLineMonitorStart",
    "asnCtiLineMonitorStop",
    "asnCtiMakeCall",
    "asnCtiDropCall",
    ANSWER,
    HOLD,
    CONFERENCE,
    SNAPSHOT,
)
def test_conference_life_is_told_to_the_line_monitor(
    conferencing: Conferencing, partners: tuple[Line, Line, Line]
) -> None:
    """Call B, hold it, call C, conference the two: the monitor of the caller's line gets
    asnCtiNotifyConferenceCreated "if there is a conference established on a line" with the
    conference controller and the members (L26339-L26374): the two calls. Hold the
    controller, call D, conference D with it: asnCtiNotifyConferencePartyAdded names D's call
    (L26410-L26432). Drop D: asnCtiNotifyConferencePartyRemoved names it (L26438-L26461).
    Drop the controller: asnCtiNotifyConferenceDestroyed about that controller (L26379-L26404).
    Every event carries the monitor's cross reference (L26352-L26356) and the caller's line."""
    b, c, d = partners
    on = conferencing
    first = on.connect(b)
    _needs(first, FEATURE_HOLD, "hold (eCFEATUREHOLD)")
    on.hold(first["u8sConnectionID"])
    second = on.connect(c)
    _needs(second, FEATURE_CONFERENCE, "a conference (eCFEATURECONFERENCESTARTEU)")
    on.conference(second["u8sConnectionID"], first["u8sConnectionID"])
    created = on.event(CREATED)
    members = _member_ids(created["conferenceMemberCallInfoList"])
    assert members == {first["u8sConnectionID"], second["u8sConnectionID"]}, created
    controller = created["conferenceControllerCallInfo"]["u8sConnectionID"]

    held = on.hold(controller)
    _needs(held, FEATURE_ADD_PARTY, "adding a party (eCFEATURECONFERENCEADDPARTY)")
    third = on.connect(d)["u8sConnectionID"]
    on.conference(third, controller)
    added = on.event(PARTY_ADDED)
    assert added["conferenceMemberCallInfo"]["u8sConnectionID"] == third, added
    assert added["conferenceControllerCallInfo"]["u8sConnectionID"] == controller, added

    on.phone.drop(third)
    removed = on.event(PARTY_REMOVED)
    assert removed["conferenceMemberCallInfo"]["u8sConnectionID"] == third, removed

    on.phone.drop(controller)
    destroyed = on.event(DESTROYED)
    assert destroyed["conferenceControllerCallInfo"]["u8sConnectionID"] == controller, destroyed
