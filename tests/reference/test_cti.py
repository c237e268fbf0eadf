"""CTI in the reference server (document chapter 26/27; conformance/reference/cti.py, pbx.py).

Every test runs on a private server, so calls and monitors never leak between tests. Events are
read off raw WebSockets; "no event" is checked without sleeping: everything a handler (or the
call progression it spawns) sends is queued before the next invoke on the channel is handled,
so a round trip after the change proves that no event was queued before it.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from typing import TYPE_CHECKING, Any

import pytest

from conformance.catalog import Catalog
from conformance.reference import FAULTS, ReferenceServer
from conformance.reference.cti import cti_of

if TYPE_CHECKING:
    from conftest import Api, Channel

MakeApi = Callable[[ReferenceServer], "Api"]
Json = dict[str, Any]

A1, A2 = "tel:+4930100101", "tel:+4930100102"  # alice
B1, B2 = "tel:+4930100201", "tel:+4930100202"  # bob
C1 = "tel:+4930100301"  # carol
D1 = "tel:+4930100401"  # dave (disabled)
ALL_LINES = [A1, A2, B1, B2, C1, "tel:+4930100302", D1, "tel:+4930100402"]
CHANGED, MADE = "asnCtiNotifyLineCallInformationChanged", "asnCtiNotifyMakeCallResult"
DESTROYED, OFFERING, DIALING, RINGBACK, CONNECTED, DISCONNECTED = 1, 2, 4, 8, 32, 256
GENERAL_CALL_EVENTS = frozenset({"asnUpdateMyCallInformation", "asnContactCallInformationChanged"})
"""Events a call causes in the General module (suites/general/test_calls.py tests them)."""
R_OFFERING, R_DIALING, R_RINGBACK, R_CONNECTED, R_DISCONNECT, R_DESTROYED = 0, 1, 2, 3, 11, 12


class Phone:
    """One logged-in user with an open event channel; events that arrive while waiting for a
    reply are kept, in order, for :meth:`event`."""

    def __init__(self, api: Api, channel: Channel, session: str, catalog: Catalog) -> None:
        self.api = api
        self.channel = channel
        self.session = session
        self.catalog = catalog
        self.pending: deque[Json] = deque()
        self._ids = iter(range(1, 10_000))

    def reply(self, operation: str, argument: Json) -> Json:
        invoke_id = next(self._ids)
        self.channel.invoke(invoke_id, operation, argument)
        while True:
            message = self.channel.receive()
            if "invoke" in message:
                if message["invoke"]["operationName"] not in GENERAL_CALL_EVENTS:
                    self.pending.append(message["invoke"])
                continue
            body = message.get("result") or message.get("error")
            assert body is not None, message
            assert body.get("invokeID", body.get("invokedID")) == invoke_id, message
            return message

    def result(self, operation: str, argument: Json) -> Json:
        message = self.reply(operation, argument)
        assert list(message) == ["result"], message
        result: Json = message["result"]["result"]["result"]
        return result

    def error(self, operation: str, argument: Json) -> Json:
        message = self.reply(operation, argument)
        assert list(message) == ["error"], message
        error: Json = message["error"]["error"]
        info = self.catalog.operation(operation)
        assert info.error is not None
        self.catalog.validate(info.error, error)
        assert error["_type"] == info.error
        return error

    def event(self) -> Json:
        """The next event (its invoke body), validated."""
        invoke = self.pending.popleft() if self.pending else self.channel.receive()["invoke"]
        while invoke["operationName"] in GENERAL_CALL_EVENTS:
            invoke = self.channel.receive()["invoke"]
        assert invoke["invokeID"] == 99999
        info = self.catalog.operation(invoke["operationName"])
        assert info.argument is not None
        self.catalog.validate(info.argument, invoke["argument"])
        return invoke

    def call_event(self) -> Json:
        invoke = self.event()
        assert invoke["operationName"] == CHANGED, invoke
        argument: Json = invoke["argument"]
        return argument

    def assert_quiet(self) -> None:
        self.result("asnCheckConnection", {})
        assert not self.pending, f"unexpected events: {list(self.pending)}"

    def monitor(self, line: str) -> str:
        cross_ref: str = self.result("asnCtiLineMonitorStart", {"u8sLinePhoneNumber": line})[
            "u8sMonitorCrossRefID"
        ]
        return cross_ref

    def dial(self, line: str, number: str, number_format: int = 1) -> str:
        argument = {
            "u8sPhoneNumberFrom": line,
            "u8sPhoneNumberTo": number,
            "iNumberFormat": number_format,
        }
        connection_id: str = self.result("asnCtiMakeCall", argument)["u8sConnectionID"]
        return connection_id


def summary(event: Json) -> tuple[str, int, int]:
    """(cross reference, reason, state) of a call event."""
    return event["u8sMonitorCrossRefID"], event["reason"], event["callinformation"]["iCallState"]


@pytest.fixture
def server(make_server: Callable[..., ReferenceServer]) -> ReferenceServer:
    return make_server()


PhoneMaker = Callable[[str], Phone]


@contextmanager
def phones_of(server: ReferenceServer, api_for: MakeApi, catalog: Catalog) -> Iterator[PhoneMaker]:
    """``make("alice")``: a new session of alice on ``server`` with its channel open."""
    api = api_for(server)
    with ExitStack() as stack:

        def make(alias: str) -> Phone:
            session = api.create_session(alias)
            channel = stack.enter_context(api.websocket(session))
            return Phone(api, channel, session, catalog)

        yield make


@pytest.fixture
def phones(server: ReferenceServer, api_for: MakeApi, catalog: Catalog) -> Iterator[PhoneMaker]:
    with phones_of(server, api_for, catalog) as make:
        yield make


# --- asnCtiEnumPhoneLines -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("scope", "lines"), [(0, [A1, A2]), (1, [A1, A2]), (2, ALL_LINES), (3, ALL_LINES)]
)
def test_enum_phone_lines_scopes(phones: PhoneMaker, scope: int, lines: list[str]) -> None:
    alice = phones("alice")
    result = alice.result("asnCtiEnumPhoneLines", {"typeofLines": scope, "attachChangeNotify": 0})
    assert [line["u8sLinePhoneNumber"] for line in result["seqLines"]] == lines
    assert "u8sLineMonitorCrossRefID" not in result


def test_line_info(phones: PhoneMaker) -> None:
    bob = phones("bob")
    first, second = bob.result("asnCtiEnumPhoneLines", {"typeofLines": 0, "attachChangeNotify": 0})[
        "seqLines"
    ]
    assert (first["iType"], second["iType"]) == (1, 2)  # primary, secondary
    assert first["u8sPhoneNumber"] == "+4930100201"
    assert first["u8sDescriptor"] == "Bob Berger (+4930100201)"
    assert first["iLineOpenStatus"] == 2


def test_change_notify_attaches_a_line_list_monitor(
    server: ReferenceServer, phones: PhoneMaker
) -> None:
    alice = phones("alice")
    argument = {"typeofLines": 0, "attachChangeNotify": 1}
    first = alice.result("asnCtiEnumPhoneLines", argument)["u8sLineMonitorCrossRefID"]
    second = alice.result("asnCtiEnumPhoneLines", argument)["u8sLineMonitorCrossRefID"]
    assert first and second and first != second
    alice.assert_quiet()  # the directory never adds or removes a line


def test_enum_over_direct_attaches_nothing(server: ReferenceServer, api_for: MakeApi) -> None:
    response = api_for(server).direct(
        "asnCtiEnumPhoneLines", {"typeofLines": 0, "attachChangeNotify": 1}
    )
    assert response.status_code == 200, response.text
    assert "u8sLineMonitorCrossRefID" not in response.json()


# --- monitors -------------------------------------------------------------------------------


def test_monitor_start_result(phones: PhoneMaker, catalog: Catalog) -> None:
    alice = phones("alice")
    by_uri = alice.result("asnCtiLineMonitorStart", {"u8sLinePhoneNumber": A1})
    by_number = alice.result("asnCtiLineMonitorStart", {"u8sLinePhoneNumber": "+4930100101"})
    catalog.validate("AsnCtiLineMonitorStartResult", by_uri)
    assert by_uri["u8sMonitorCrossRefID"] != by_number["u8sMonitorCrossRefID"]
    assert by_uri["lineInfo"]["u8sLinePhoneNumber"] == A1
    assert by_number["lineInfo"]["u8sLinePhoneNumber"] == A1
    assert by_uri["seqCalls"] == []
    assert (by_uri["iDoNotDisturb"], by_uri["seqLineForwards"]) == (0, [])


@pytest.mark.parametrize("operation", ["asnCtiLineMonitorStart", "asnCtiSnapshotPhoneLine"])
@pytest.mark.parametrize(("line", "detail"), [(B1, 2), (D1, 2), ("tel:+4999", 3), ("", 3)])
def test_lines_without_access(phones: PhoneMaker, operation: str, line: str, detail: int) -> None:
    error = phones("alice").error(operation, {"u8sLinePhoneNumber": line})
    assert error["iErrorDetail"] == detail


def test_snapshot_shows_the_calls(phones: PhoneMaker) -> None:
    alice = phones("alice")
    connection_id = alice.dial(A1, "+4930100201")
    snapshot = alice.result("asnCtiSnapshotPhoneLine", {"u8sLinePhoneNumber": A1})
    assert "u8sMonitorCrossRefID" not in snapshot
    (call,) = snapshot["seqCalls"]
    assert (call["u8sConnectionID"], call["iCallState"]) == (connection_id, RINGBACK)


def test_monitor_stop(server: ReferenceServer, phones: PhoneMaker) -> None:
    alice, bob = phones("alice"), phones("bob")
    cross_ref = alice.monitor(A1)
    assert (
        bob.error("asnCtiLineMonitorStop", {"u8sMonitorCrossRefID": cross_ref})["iErrorDetail"] == 3
    )  # another session's monitor is none of this session's
    assert alice.result("asnCtiLineMonitorStop", {"u8sMonitorCrossRefID": cross_ref}) == {}
    again = alice.error("asnCtiLineMonitorStop", {"u8sMonitorCrossRefID": cross_ref})
    assert again["iErrorDetail"] == 3
    never = alice.error("asnCtiLineMonitorStop", {"u8sMonitorCrossRefID": "never-issued"})
    assert never["iErrorDetail"] == 3
    assert cti_of(server.state).monitors_of(server.state.sessions.get(alice.session)) == []


def test_monitors_end_with_their_session(server: ReferenceServer, phones: PhoneMaker) -> None:
    alice = phones("alice")
    alice.monitor(A1)
    session = server.state.sessions.get(alice.session)
    assert session is not None and len(cti_of(server.state).monitors_of(session)) == 1
    server.state.sessions.destroy(alice.session)
    assert cti_of(server.state).monitors_of(session) == []


def test_monitor_over_direct_monitors_nothing(server: ReferenceServer, api_for: MakeApi) -> None:
    response = api_for(server).direct("asnCtiLineMonitorStart", {"u8sLinePhoneNumber": A1})
    assert response.status_code == 200, response.text
    assert response.json()["u8sMonitorCrossRefID"]
    assert cti_of(server.state).monitors_on((A1,)) == []


# --- a call from A1 to B1 ----------------------------------------------------------------------


def test_make_call_progress(phones: PhoneMaker) -> None:
    alice, bob = phones("alice"), phones("bob")
    on_a, on_b = alice.monitor(A1), bob.monitor(B1)
    caller = alice.dial(A1, "+4930100201")
    dialing = alice.call_event()
    made = alice.event()
    ringback = alice.call_event()
    offering = bob.call_event()
    assert summary(dialing) == (on_a, R_DIALING, DIALING)
    assert made["operationName"] == MADE
    assert made["argument"] == {
        "u8sLinePhoneNumber": A1,
        "u8sConnectionID": caller,
        "success": 1,
    }
    assert summary(ringback) == (on_a, R_RINGBACK, RINGBACK)
    assert summary(offering) == (on_b, R_OFFERING, OFFERING)
    out, incoming = ringback["callinformation"], offering["callinformation"]
    assert (out["u8sConnectionID"], out["bOutbound"], out["u8sLinePhoneNumber"]) == (
        caller,
        True,
        A1,
    )
    assert incoming["u8sConnectionID"] != caller
    assert (incoming["bOutbound"], incoming["u8sLinePhoneNumber"]) == (False, B1)
    assert out["u8sTrackerID"] == incoming["u8sTrackerID"]
    assert (out["u8sRemoteNumberSC"], incoming["u8sRemoteNumberSC"]) == (
        "+4930100201",
        "+4930100101",
    )
    assert out["bInternal"] and incoming["bInternal"]
    assert incoming["pRemoteContact"]["u8sCtiServerUserName"] == "alice"
    assert (incoming["iFeatures"] & 1, out["iFeatures"] & 1) == (1, 0)  # only B may answer
    assert out["utcCallConnected"] == "0"
    alice.assert_quiet()
    bob.assert_quiet()


def test_make_call_result_goes_to_the_caller_only(phones: PhoneMaker) -> None:
    alice, other = phones("alice"), phones("alice")
    caller = alice.dial(A1, "+4930100201")
    assert alice.event()["argument"]["u8sConnectionID"] == caller
    alice.assert_quiet()
    other.assert_quiet()  # the event has no cross reference: it is not a monitor event


def test_answer_and_drop(phones: PhoneMaker, server: ReferenceServer) -> None:
    alice, bob = phones("alice"), phones("bob")
    on_a, on_b = alice.monitor(A1), bob.monitor(B1)
    caller = alice.dial(A1, "+4930100201")
    alice.call_event(), alice.event(), alice.call_event()
    callee = bob.call_event()["callinformation"]["u8sConnectionID"]
    server.clock.advance(60)
    assert bob.result("asnCtiAnswerCall", {"u8sConnectionID": callee}) == {"bSuccess": True}
    connected_b, connected_a = bob.call_event(), alice.call_event()
    assert summary(connected_b) == (on_b, R_CONNECTED, CONNECTED)
    assert summary(connected_a) == (on_a, R_CONNECTED, CONNECTED)
    info = connected_a["callinformation"]
    assert info["utcCallConnected"] > info["utcCallCreated"]  # the injectable clock
    assert bob.result("asnCtiDropCall", {"u8sConnectionID": callee}) == {"bSuccess": True}
    assert summary(bob.call_event()) == (on_b, R_DESTROYED, DESTROYED)  # "Selbst aufgelegt"
    disconnected, destroyed = alice.call_event(), alice.call_event()
    assert summary(disconnected) == (on_a, R_DISCONNECT, DISCONNECTED)
    assert summary(destroyed) == (on_a, R_DESTROYED, DESTROYED)
    assert destroyed["callinformation"]["iDisconnectedReason"] == 0  # was connected
    for phone, connection_id in ((alice, caller), (bob, callee)):
        error = phone.error("asnCtiDropCall", {"u8sConnectionID": connection_id})
        assert error["iErrorDetail"] == 1
    assert alice.result("asnCtiSnapshotPhoneLine", {"u8sLinePhoneNumber": A1})["seqCalls"] == []
    alice.assert_quiet()
    bob.assert_quiet()


def test_dropping_an_unanswered_call(phones: PhoneMaker) -> None:
    alice, bob = phones("alice"), phones("bob")
    bob.monitor(B1)
    caller = alice.dial(A1, "+4930100201")
    bob.call_event()
    assert alice.result("asnCtiDropCall", {"u8sConnectionID": caller}) == {"bSuccess": True}
    disconnected, destroyed = bob.call_event(), bob.call_event()
    assert disconnected["callinformation"]["iCallState"] == DISCONNECTED
    assert destroyed["callinformation"]["iDisconnectedReason"] == 1  # never connected


def test_answer_errors(phones: PhoneMaker) -> None:
    alice, bob, carol = phones("alice"), phones("bob"), phones("carol")
    bob.monitor(B1)
    caller = alice.dial(A1, "+4930100201")
    callee = bob.call_event()["callinformation"]["u8sConnectionID"]
    for phone, connection_id in ((alice, caller), (carol, callee), (bob, "no-such-call")):
        error = phone.error("asnCtiAnswerCall", {"u8sConnectionID": connection_id})
        assert error["iErrorDetail"] == 1
    assert bob.result("asnCtiAnswerCall", {"u8sConnectionID": callee}) == {"bSuccess": True}
    again = bob.error("asnCtiAnswerCall", {"u8sConnectionID": callee})  # connected now
    assert "CONNECTED" in again["u8sErrorString"]
    assert carol.error("asnCtiDropCall", {"u8sConnectionID": callee})["iErrorDetail"] == 1


def test_two_monitors_in_one_session_get_one_event_each(phones: PhoneMaker) -> None:
    alice = phones("alice")
    first, second = alice.monitor(A1), alice.monitor(A1)
    alice.dial(A1, "+4930100202")
    dialing = [alice.call_event(), alice.call_event()]
    assert [summary(e) for e in dialing] == [
        (first, R_DIALING, DIALING),
        (second, R_DIALING, DIALING),
    ]


def test_a_stopped_monitor_gets_nothing(phones: PhoneMaker) -> None:
    alice, bob = phones("alice"), phones("bob")
    cross_ref = bob.monitor(B1)
    bob.result("asnCtiLineMonitorStop", {"u8sMonitorCrossRefID": cross_ref})
    alice.dial(A1, "+4930100201")
    bob.assert_quiet()


def test_external_and_formatted_numbers(phones: PhoneMaker) -> None:
    alice, bob = phones("alice"), phones("bob")
    bob.monitor(B1)
    alice.monitor(A1)
    alice.dial(A1, "+49 30 100201")  # formatting is not part of the number
    assert bob.call_event()["callinformation"]["iCallState"] == OFFERING
    argument = {"u8sPhoneNumberFrom": A1, "u8sPhoneNumberTo": "+49 30 100201", "iNumberFormat": 0}
    assert alice.error("asnCtiMakeCall", argument)["iErrorDetail"] == 1  # dialled as is
    alice.dial(A1, "+4989123456")  # no line of the server: an external call
    bob.assert_quiet()
    events = [alice.event() for _ in range(6)]
    alice.assert_quiet()
    calls = [e["argument"]["callinformation"] for e in events if e["operationName"] == CHANGED]
    external = [c for c in calls if not c["bInternal"]]
    assert [c["iCallState"] for c in external] == [DIALING, RINGBACK]
    assert {c["u8sRemoteNumberSC"] for c in external} == {"+4989123456"}
    assert all("pRemoteContact" not in c for c in external)


@pytest.mark.parametrize(
    ("line", "number", "detail"),
    [
        (B1, "+4930100101", 2),  # bob's line
        ("tel:+4999", "+4930100101", 3),  # no line
        (A1, "", 1),  # nothing to dial
        (A1, "bob", 1),  # no number
        (A1, "+4930100101", 1),  # the line itself
    ],
)
def test_make_call_errors(phones: PhoneMaker, line: str, number: str, detail: int) -> None:
    alice = phones("alice")
    argument = {"u8sPhoneNumberFrom": line, "u8sPhoneNumberTo": number, "iNumberFormat": 1}
    assert alice.error("asnCtiMakeCall", argument)["iErrorDetail"] == detail
    alice.assert_quiet()


def test_make_call_over_direct(server: ReferenceServer, api_for: MakeApi) -> None:
    api = api_for(server)
    argument = {"u8sPhoneNumberFrom": A1, "u8sPhoneNumberTo": "+4930100201", "iNumberFormat": 1}
    response = api.direct("asnCtiMakeCall", argument)
    assert response.status_code == 200, response.text
    assert response.json()["u8sConnectionID"]
    # a later request is handled after the call has proceeded
    snapshot = api.direct(
        "asnCtiSnapshotPhoneLine", {"u8sLinePhoneNumber": B1}, params=api.query_auth("bob")
    )
    (incoming,) = snapshot.json()["seqCalls"]
    assert (incoming["iCallState"], incoming["u8sRemoteNumberSC"]) == (OFFERING, "+4930100101")


# --- faults -----------------------------------------------------------------------------------


def _stopped_monitor_hears(make: PhoneMaker) -> Any:
    alice = make("alice")
    cross_ref = alice.monitor(A1)
    alice.result("asnCtiLineMonitorStop", {"u8sMonitorCrossRefID": cross_ref})
    alice.dial(A1, "+4930100201")
    alice.event()  # asnCtiNotifyMakeCallResult
    alice.result("asnCheckConnection", {})
    return len(alice.pending)


def _labels(make: PhoneMaker) -> Any:
    alice, bob = make("alice"), make("bob")
    on_a, on_b = alice.monitor(A1), bob.monitor(B1)
    alice.dial(A1, "+4930100201")
    return alice.call_event()["u8sMonitorCrossRefID"] == on_a, bob.call_event()[
        "u8sMonitorCrossRefID"
    ] == on_b


def _make_call_result(make: PhoneMaker) -> Any:
    alice = make("alice")
    alice.dial(A1, "+4930100201")
    alice.result("asnCheckConnection", {})
    return [e["operationName"] for e in alice.pending]


def _states(make: PhoneMaker) -> Any:
    alice, bob = make("alice"), make("bob")
    alice.monitor(A1), bob.monitor(B1)
    alice.dial(A1, "+4930100201")
    alice.result("asnCheckConnection", {})
    caller = [
        e["argument"]["callinformation"]["iCallState"]
        for e in alice.pending
        if "reason" in e["argument"]
    ]
    return caller, bob.call_event()["callinformation"]["iCallState"]


def _answer_own_call(make: PhoneMaker) -> Any:
    alice = make("alice")
    connection_id = alice.dial(A1, "+4930100201")
    return list(alice.reply("asnCtiAnswerCall", {"u8sConnectionID": connection_id}))


def _own_lines(make: PhoneMaker) -> Any:
    result = make("alice").result(
        "asnCtiEnumPhoneLines", {"typeofLines": 0, "attachChangeNotify": 1}
    )
    return len(result["seqLines"]), "u8sLineMonitorCrossRefID" in result


def _calls_reported(make: PhoneMaker) -> Any:
    alice = make("alice")
    alice.dial(A1, "+4930100201")
    return len(alice.result("asnCtiLineMonitorStart", {"u8sLinePhoneNumber": A1})["seqCalls"])


def _unknown_stop_keeps_monitors(make: PhoneMaker) -> Any:
    alice = make("alice")
    alice.monitor(A1)
    alice.reply("asnCtiLineMonitorStop", {"u8sMonitorCrossRefID": "nope"})
    alice.dial(A1, "+4930100201")
    alice.result("asnCheckConnection", {})
    return any(e["operationName"] == CHANGED for e in alice.pending)


def _events_per_monitor(make: PhoneMaker) -> Any:
    alice = make("alice")
    first, second = alice.monitor(A1), alice.monitor(A1)
    alice.dial(A1, "+4930100201")
    alice.result("asnCheckConnection", {})
    labels = [e["argument"].get("u8sMonitorCrossRefID") for e in alice.pending]
    return labels.count(first) == labels.count(second) > 0


def _success_of(operation: str) -> Callable[[PhoneMaker], Any]:
    def probe(make: PhoneMaker) -> Any:
        alice, bob = make("alice"), make("bob")
        bob.monitor(B1)
        caller = alice.dial(A1, "+4930100201")
        callee = bob.call_event()["callinformation"]["u8sConnectionID"]
        if operation == "asnCtiAnswerCall":
            return bob.result(operation, {"u8sConnectionID": callee})["bSuccess"]
        return alice.result(operation, {"u8sConnectionID": caller})["bSuccess"]

    return probe


def _make_call_success(make: PhoneMaker) -> Any:
    alice = make("alice")
    alice.dial(A1, "+4930100201")
    alice.result("asnCheckConnection", {})
    return [e["argument"]["success"] for e in alice.pending if e["operationName"] == MADE]


def _foreign_line(make: PhoneMaker) -> Any:
    return list(make("alice").reply("asnCtiLineMonitorStart", {"u8sLinePhoneNumber": B1}))


PROBES: dict[str, tuple[Callable[[PhoneMaker], Any], Any]] = {
    # fault name: (probe, what the correct server shows)
    "cti.events-after-stop": (_stopped_monitor_hears, 0),
    "cti.cross-references-swapped": (_labels, (True, True)),
    "cti.no-make-call-result": (_make_call_result, [MADE]),
    "cti.wrong-call-state": (_states, ([DIALING, RINGBACK], OFFERING)),
    "cti.answer-not-offering-accepted": (_answer_own_call, ["error"]),
    "cti.own-lines-lists-all": (_own_lines, (2, True)),
    "cti.change-notify-ignored": (_own_lines, (2, True)),
    "cti.monitor-start-without-calls": (_calls_reported, 1),
    "cti.unknown-stop-ends-every-monitor": (_unknown_stop_keeps_monitors, True),
    "cti.call-event-lost": (_events_per_monitor, True),
    "cti.call-event-duplicated": (_events_per_monitor, True),
    "cti.answer-reports-failure": (_success_of("asnCtiAnswerCall"), True),
    "cti.drop-reports-failure": (_success_of("asnCtiDropCall"), True),
    "cti.make-call-result-failure": (_make_call_success, [1]),
    "cti.foreign-line-access": (_foreign_line, ["error"]),
}


def test_every_cti_fault_is_probed() -> None:
    assert set(PROBES) == {name for name in FAULTS if name.startswith("cti.")}


@pytest.mark.parametrize("name", sorted(PROBES))
def test_fault_flips_its_behaviour(
    name: str,
    make_server: Callable[..., ReferenceServer],
    api_for: MakeApi,
    catalog: Catalog,
    phones: PhoneMaker,
) -> None:
    probe, correct = PROBES[name]
    assert probe(phones) == correct
    with phones_of(make_server(faults=[name]), api_for, catalog) as make:
        observed = probe(make)
    assert observed != correct, f"{name} changed nothing"
