"""A user's phone forward state: set on one of the user's lines (asnCtiSetForward), shown in
the user's own AsnContact, told to the user's other sessions (asnUpdateMyPhoneForwardState
2.2.16) and to the sessions that opened the user (asnContactPhoneForwardStateChanged 2.2.17,
"update fuer alle anderen", L3317)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pytest

from conformance.client import Session
from conformance.lineids import same_line
from conformance.profile import User

if TYPE_CHECKING:
    from conftest import Me, TakeMe

pytestmark = [
    pytest.mark.module("General"),
    pytest.mark.sends(
        "asnCtiSetForward",
        "asnCtiRemoveForward",
        "asnGetLoggedInContact",
        "asnOpenContacts",
        "asnCloseContacts",
    ),
]


def _digits(number: str) -> str:
    return re.sub(r"\D", "", number)


def _forwarding(owner: User, watcher: User, take_me: TakeMe) -> tuple[Me, str, str]:
    """The owner forwards their first line to the watcher's first line: (me, line, target)."""
    if not owner.lines or not watcher.lines:
        pytest.skip("the test needs a line of the owner and one of the watcher in the profile")
    me = take_me(owner)
    return me, owner.lines[0], watcher.lines[0]


def _forwards_to(target: str) -> Callable[[Any], bool]:
    """Whether an AsnLineForwards has a forward to ``target``. A server may write the number
    in another form (canonical, dialable), so the last six digits are compared."""
    tail = _digits(target)[-6:]

    def matches(forwards: Any) -> bool:
        return any(_digits(str(f.get("u8sDestination", ""))).endswith(tail) for f in forwards)

    return matches


@pytest.mark.spec("26.1.22", line=25662)
@pytest.mark.spec("25.1.26", line=24373)
@pytest.mark.spec("10.1.6", line=14443)
def test_forward_shows_in_own_contact(take_me: TakeMe, owner: User, watcher: User) -> None:
    """After asnCtiSetForward succeeded (``bSuccess``, L25662), the caller's own AsnContact
    (asnGetLoggedInContact) shows the line's forward in its AsnContactPhoneLine's
    ``seqLineForwards`` (AsnLineForwards, 25.1.26)."""
    me, line, target = _forwarding(owner, watcher, take_me)
    me.forward(line, target)
    lines = me.own_contact().get("seqPhoneLines", [])
    forwards = [
        f
        for pl in lines
        if same_line(pl.get("u8sLinePhoneNumber"), line)
        for f in pl.get("seqLineForwards", [])
    ]
    assert _forwards_to(target)(forwards), f"line {line} shows the forwards {forwards}"


@pytest.mark.spec("2.2.16", line=3289)
@pytest.mark.requires("capability:general.own_session_events")
def test_other_session_is_told_the_forward(
    take_me: TakeMe, session_factory: Callable[..., Session], owner: User, watcher: User
) -> None:
    """asnUpdateMyPhoneForwardState (2.2.16, L3289-L3313) tells the user's other session the
    line's new forward state (``seqLineForwards``, "Forwardzustand der Leitung") (N52)."""
    me, line, target = _forwarding(owner, watcher, take_me)
    other = session_factory(owner.alias)
    me.forward(line, target)
    matches = _forwards_to(target)

    def about_it(argument: Any) -> bool:
        return argument.get("u8sContactID") == me.contact_id and matches(
            argument.get("seqLineForwards", [])
        )

    other.wait_for("asnUpdateMyPhoneForwardState", where=about_it)


@pytest.mark.spec("2.2.17", line=3315)
@pytest.mark.requires("capability:general.watcher_events")
def test_watcher_is_told_the_forward(
    take_me: TakeMe, session_factory: Callable[..., Session], owner: User, watcher: User
) -> None:
    """asnContactPhoneForwardStateChanged (2.2.17, "update fuer alle anderen", L3317) tells a
    session that opened the user the line's new forward state (N52)."""
    me, line, target = _forwarding(owner, watcher, take_me)
    watching = session_factory(watcher.alias)
    me.watched_from(watching)
    me.forward(line, target)
    matches = _forwards_to(target)

    def about_it(argument: Any) -> bool:
        return argument.get("u8sContactID") == me.contact_id and matches(
            argument.get("seqLineForwards", [])
        )

    watching.wait_for("asnContactPhoneForwardStateChanged", where=about_it)
