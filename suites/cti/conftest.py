"""Fixtures of the CTI suite (document chapter 26, L24450-L26541; types chapter 27).

Parties
-------
A *party* is an enabled profile user with one of their lines that the profile lets the suite
use (``[cti] lines``). ``caller`` is the first party, ``callee`` the first party of another
user, ``spare`` a further line to dial when a test does not watch the called side (a second
line of the caller where there is one). A test sees the target through sessions only: a
:class:`Phone` is one session of one party's user, with the CTI operations the suite needs.

Calls and concurrent tests
--------------------------
Tests may run at the same time against one server (pytest-xdist). Every event of a line goes
to every monitor of it, so a test only looks at events of connections it placed itself, or, on
the called side, at the one incoming call it waits for. To be sure that incoming call is its
own, a test places calls only while it holds a *lease* on the line it dials: an exclusive lock
file for that line of that target, shared by every process on this machine (closing the file,
or the process ending, releases it). Each call is dropped when its block ends, pass or fail,
and every monitor a test started is stopped when the test ends (asnCtiLineMonitorStop, best
effort: a monitor the test stopped itself, or that ended with its session, may be refused).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pytest

from conformance.client import Outcome, Session, Target, Where
from conformance.errors import SuiteError
from conformance.leases import lease
from conformance.lineids import same_line
from conformance.plugin import SessionFactory, in_parallel
from conformance.profile import Profile, User
from conformance.rose import JsonObject

ENUM_LINES = "asnCtiEnumPhoneLines"
MONITOR_START = "asnCtiLineMonitorStart"
MONITOR_STOP = "asnCtiLineMonitorStop"
MAKE_CALL = "asnCtiMakeCall"
DROP_CALL = "asnCtiDropCall"
CALL_CHANGED = "asnCtiNotifyLineCallInformationChanged"

USER_OWN_LINES = 0  # AsnCtiEnumPhoneLinesArgumentEnum (27.1.2, L26969)
FORMAT_NUMBER = 1  # iNumberFormat: the server formats the number ("use '1'", L24995-L25002)
STATE_NAMES = {  # EnumCallState (3.1.11, L4352-L4379)
    0: "UNKNOWN",
    1: "DESTROYED",
    2: "OFFERING",
    4: "DIALING",
    8: "RINGBACK",
    16: "BUSY",
    32: "CONNECTED",
    64: "CONFERENCED",
    128: "HOLD",
    256: "DISCONNECTED",
    512: "PREPARECALL",
}

LEASE_WAIT = 60.0
"""Seconds (scaled) to wait for another test to give a line back before giving up."""


def state_name(state: object) -> str:
    return f"{STATE_NAMES.get(state, '?')} ({state})" if isinstance(state, int) else repr(state)


def information(event: JsonObject) -> JsonObject:
    """The AsnCtiCallInformation of an asnCtiNotifyLineCallInformationChanged argument."""
    info = event.get("callinformation")
    return info if isinstance(info, dict) else {}


def of_connection(connection_id: str, states: frozenset[int] | None = None) -> Where:
    """``where=`` for call events about one connection (optionally: in one of ``states``)."""
    wanted = "" if states is None else f" in {sorted(state_name(s) for s in states)}"

    def test(event: JsonObject) -> bool:
        info = information(event)
        return info.get("u8sConnectionID") == connection_id and (
            states is None or info.get("iCallState") in states
        )

    return Where(test, f"callinformation.u8sConnectionID == {connection_id!r}{wanted}")


@dataclass(frozen=True)
class Party:
    user: User
    line: str


@dataclass(frozen=True)
class Monitor:
    """A line monitor started with asnCtiLineMonitorStart (26.1.3) in one session."""

    session: Session
    line: str
    cross_ref: str
    started: JsonObject
    """The asnCtiLineMonitorStart result (AsnCtiLineMonitorStartResult)."""

    def next_change(self, where: Where) -> JsonObject:
        """The next call event in this monitor's session matching ``where`` (consumed)."""
        event = self.session.wait_for(CALL_CHANGED, where)
        argument: JsonObject = event.argument if event.argument is not None else {}
        return argument

    def change_of(self, connection_id: str, states: frozenset[int] | None = None) -> JsonObject:
        """The next call event in this monitor's session about ``connection_id`` (in one of
        ``states``), whichever cross reference it carries: the test checks that itself."""
        return self.next_change(of_connection(connection_id, states))


class Phone:
    """One session of a party's user, with the CTI operations the suite uses."""

    def __init__(self, user: User, session: Session) -> None:
        self.user = user
        self.session = session
        self.monitors: list[Monitor] = []

    def invoke(self, operation: str, argument: JsonObject) -> Outcome:
        return self.session.invoke(operation, argument)

    def monitor(self, line: str) -> Monitor:
        """asnCtiLineMonitorStart on ``line`` (L24664-L24728); it must succeed."""
        result = self.invoke(MONITOR_START, {"u8sLinePhoneNumber": line}).expect_result()
        monitor = Monitor(self.session, line, str(result["u8sMonitorCrossRefID"]), result)
        self.monitors.append(monitor)
        return monitor

    def stop_monitors(self) -> None:
        """asnCtiLineMonitorStop for each monitor started here (best effort, at the end)."""
        for monitor in self.monitors:
            if self.session.closed:
                return
            try:
                self.invoke(MONITOR_STOP, {"u8sMonitorCrossRefID": monitor.cross_ref})
            except Exception as exc:  # cleanup must not hide the test's own outcome
                self.session.transcript.note(f"stopping {monitor.cross_ref} failed: {exc!r}")
        self.monitors.clear()

    def own_lines(self, scope: int = USER_OWN_LINES) -> list[JsonObject]:
        """asnCtiEnumPhoneLines (L24538-L24605) without change notification: the lines."""
        argument = {"typeofLines": scope, "attachChangeNotify": 0}
        lines: list[JsonObject] = self.invoke(ENUM_LINES, argument).expect_result()["seqLines"]
        return lines

    def number_of(self, line: str) -> str:
        """The dialable number of one of the user's lines: its AsnCtiLineInfo
        ``u8sPhoneNumber`` ("the phonenumer of the line in a dialable format", L27519)."""
        for info in self.own_lines():
            if same_line(info["u8sLinePhoneNumber"], line):
                return str(info["u8sPhoneNumber"])
        raise SuiteError(f"{line} is not among the lines asnCtiEnumPhoneLines lists for the owner")

    def make_call(self, line: str, number: str) -> str:
        """asnCtiMakeCall from ``line`` to ``number`` (L24954-L25050): the connection id."""
        argument = {
            "u8sPhoneNumberFrom": line,
            "u8sPhoneNumberTo": number,
            "iNumberFormat": FORMAT_NUMBER,
        }
        result = self.invoke(MAKE_CALL, argument).expect_result()
        connection_id = result["u8sConnectionID"]
        assert isinstance(connection_id, str) and connection_id, (
            f"{MAKE_CALL}: u8sConnectionID must name the call (L25028), got {connection_id!r}"
        )
        return connection_id

    def drop(self, connection_id: str) -> None:
        """asnCtiDropCall (26.1.11, L25089-L25126): answered with ``bSuccess`` true, "true/1
        if the call was dropped" (L25113), for a call of the caller's own line."""
        dropped = self.invoke(DROP_CALL, {"u8sConnectionID": connection_id}).expect_result()
        assert dropped["bSuccess"] is True, (
            f"{DROP_CALL} of the current call {connection_id!r} answered {dropped} (L25113)"
        )

    def hang_up(self, connection_id: str) -> None:
        """Best-effort asnCtiDropCall when a test ends; its outcome does not count."""
        try:
            self.invoke(DROP_CALL, {"u8sConnectionID": connection_id})
        except Exception as exc:  # cleanup must not hide the test's own outcome
            self.session.transcript.note(f"hanging up {connection_id} failed: {exc!r}")


class Cti:
    """Phones, dialable numbers and calls of one test."""

    def __init__(
        self, sessions: SessionFactory, target: Target, lines: tuple[str, ...] = ()
    ) -> None:
        self._sessions = sessions
        self._target = target
        self._lines = lines
        """The profile's ``[cti] lines``: the only lines calls are placed from and to."""
        self._lookups: dict[str, Phone] = {}
        self._leased: set[str] = set()
        self.phones: list[Phone] = []

    def phone(self, party: Party) -> Phone:
        """A new session of the party's user."""
        phone = Phone(party.user, self._sessions(party.user.alias))
        self.phones.append(phone)
        return phone

    def number_of(self, party: Party) -> str:
        """The number to dial for ``party``'s line, as its owner's line list gives it."""
        if party.user.alias not in self._lookups:
            self._lookups[party.user.alias] = self.phone(party)
        return self._lookups[party.user.alias].number_of(party.line)

    @contextmanager
    def placed(self, phone: Phone, line: str, dialled: Party, number: str) -> Iterator[str]:
        """A call from ``line`` to ``number`` (``dialled``'s line) while this test holds the
        lease on the dialled line; yields the caller's connection id, drops it afterwards."""
        for party_line in (line, dialled.line):
            if party_line not in self._lines:
                raise SuiteError(
                    f"refusing to call with {party_line}: not in the profile's [cti] lines"
                )
        with self.lease(dialled.line):
            connection_id = phone.make_call(line, number)
            try:
                yield connection_id
            finally:
                phone.hang_up(connection_id)

    @contextmanager
    def lease(self, line: str) -> Iterator[None]:
        """Hold ``line`` for this test (re-entrant: a test holding it already just goes on)."""
        if line in self._leased:
            yield
            return
        with lease(self._target, f"line {line}", LEASE_WAIT):
            self._leased.add(line)
            try:
                yield
            finally:
                self._leased.discard(line)


@pytest.fixture
def cti(session_factory: SessionFactory, target: Target, profile: Profile) -> Iterator[Cti]:
    """The test's phones; their monitors are stopped afterwards (before their sessions end)."""
    made = Cti(session_factory, target, profile.cti.lines)
    yield made
    in_parallel(Phone.stop_monitors, list(made.phones))  # each in its own session


# --- who plays which part -------------------------------------------------------------------


def _parties(profile: Profile) -> list[Party]:
    usable = set(profile.cti.lines)
    return [
        Party(user, line)
        for user in profile.enabled_users()
        for line in user.lines
        if line in usable
    ]


@pytest.fixture
def caller(profile: Profile) -> Party:
    """The party that places calls: the first enabled user's first usable line."""
    parties = _parties(profile)
    if not parties:
        pytest.skip("the profile gives no enabled user a line listed in [cti] lines")
    return parties[0]


def _other_user(profile: Profile, caller: Party) -> Party | None:
    others = [p for p in _parties(profile) if p.user.name != caller.user.name]
    return others[0] if others else None


@pytest.fixture
def callee(profile: Profile, caller: Party) -> Party:
    """The party called and watched: the first usable line of another user."""
    party = _other_user(profile, caller)
    if party is None:
        pytest.skip("the profile gives no second enabled user a line listed in [cti] lines")
    return party


@pytest.fixture
def spare(profile: Profile, caller: Party) -> Party:
    """A line to dial when the called side does not matter: another line of the caller where
    there is one, else of another user; the callee's line, which the call scenarios watch,
    only as the last choice."""
    callee = _other_user(profile, caller)
    others = [p for p in _parties(profile) if p.line != caller.line]
    ranked = sorted(
        others,
        key=lambda p: (callee is not None and p.line == callee.line, p.user != caller.user),
    )
    if not ranked:
        pytest.skip("the profile lists no second usable line to call")
    return ranked[0]


# --- the call scenario: A calls B, both monitored --------------------------------------------


@dataclass
class Scene:
    """A (the caller's line) and B (the callee's line), each monitored in its owner's session,
    with B leased from before its monitor starts until the scene ends."""

    cti: Cti
    caller: Party
    callee: Party
    a: Phone
    b: Phone
    a_monitor: Monitor
    b_monitor: Monitor
    earlier: frozenset[int] = frozenset()
    """Identities of the event arguments B's session had before the call: late events of a
    call another test placed before this one leased B are not this call."""

    @contextmanager
    def call(self) -> Iterator[str]:
        """A calls B's number (from B's line information); yields A's connection id."""
        number = str(self.b_monitor.started["lineInfo"]["u8sPhoneNumber"])
        self.earlier = frozenset(id(e.argument) for e in self.b.session.events(CALL_CHANGED))
        with self.cti.placed(self.a, self.caller.line, self.callee, number) as connection_id:
            yield connection_id

    def incoming(self) -> JsonObject:
        """The first event of an incoming call on B that arrived after A placed its call: that
        call (no other test dials B while this one holds its lease)."""
        line, earlier = self.callee.line, self.earlier

        def test(event: JsonObject) -> bool:
            return (
                id(event) not in earlier
                and same_line(event.get("u8sLinePhoneNumber"), line)
                and information(event).get("bOutbound") is False
            )

        where = Where(test, f"an incoming call (bOutbound false) on {line}, placed by A")
        return self.b_monitor.next_change(where)


@pytest.fixture
def scene(cti: Cti, caller: Party, callee: Party) -> Iterator[Scene]:
    with cti.lease(callee.line):
        # Two sessions, each monitoring its own line: set up side by side.
        a, b = in_parallel(cti.phone, [caller, callee])
        a_monitor, b_monitor = in_parallel(
            lambda pair: pair[0].monitor(pair[1]), [(a, caller.line), (b, callee.line)]
        )
        yield Scene(cti, caller, callee, a, b, a_monitor, b_monitor)
