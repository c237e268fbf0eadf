"""A user's call information: a call on one of the user's lines is told to the user's other
sessions (asnUpdateMyCallInformation 2.2.15) and to the sessions that opened the user
(asnContactCallInformationChanged 2.2.10, "Invoked (Event) if PhoneState (CallInformation) has
changed"). The owner calls the watcher's line; the call is dropped at the end."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import pytest

from conformance.client import Session, Target
from conformance.errors import SuiteError
from conformance.leases import lease
from conformance.lineids import same_line
from conformance.plugin import Settings
from conformance.profile import User

if TYPE_CHECKING:
    from conftest import Me, TakeMe

pytestmark = [
    pytest.mark.module("General"),
    pytest.mark.requires("users>=2"),
    pytest.mark.sends(
        "asnCtiEnumPhoneLines",
        "asnCtiMakeCall",
        "asnCtiDropCall",
        "asnOpenContacts",
        "asnCloseContacts",
    ),
]

LEASE_WAIT = 120.0
FORMAT_NUMBER = 1  # iNumberFormat: the server formats the number ("use '1'", L24995-L25002)
USER_OWN_LINES = 0  # AsnCtiEnumPhoneLinesArgumentEnum (27.1.2, L26969)


def _dialable(session: Session, line: str) -> str:
    """The dialable number of one of the session user's lines (AsnCtiLineInfo.u8sPhoneNumber,
    "the phonenumer of the line in a dialable format", L27519)."""
    argument = {"typeofLines": USER_OWN_LINES, "attachChangeNotify": 0}
    for info in session.invoke("asnCtiEnumPhoneLines", argument).expect_result()["seqLines"]:
        if same_line(info["u8sLinePhoneNumber"], line):
            return str(info["u8sPhoneNumber"])
    raise SuiteError(f"{line} is not among the lines asnCtiEnumPhoneLines lists for its owner")


@contextmanager
def _call(me: Me, callee: Session, watcher: User, embedded: bool, target: Target) -> Iterator[str]:
    """The owner's first line calls the watcher's first line (leased on a real target, as the
    CTI suite does); yields the connection id and drops the call afterwards."""
    if not me.user.lines or not watcher.lines:
        pytest.skip("the test needs a line of the owner and one of the watcher in the profile")
    dialled = watcher.lines[0]
    number = _dialable(callee, dialled)
    with lease(target, f"line {dialled}", LEASE_WAIT) if not embedded else _nothing():
        argument = {
            "u8sPhoneNumberFrom": me.user.lines[0],
            "u8sPhoneNumberTo": number,
            "iNumberFormat": FORMAT_NUMBER,
        }
        result = me.session.invoke("asnCtiMakeCall", argument).expect_result()
        connection = str(result["u8sConnectionID"])
        try:
            yield connection
        finally:
            me.session.invoke("asnCtiDropCall", {"u8sConnectionID": connection})


@contextmanager
def _nothing() -> Iterator[None]:
    yield


def _about(contact_id: str, member: str | None = None) -> Callable[[Any], bool]:
    """Whether an event names ``contact_id`` as the contact whose call changed."""

    def test(argument: Any) -> bool:
        info = argument.get(member, {}) if member else argument
        return info.get("u8sContactChangedId") == contact_id and bool(info.get("u8sConnectionID"))

    return test


@pytest.mark.spec("2.2.15", line=3230)
@pytest.mark.requires("capability:general.own_session_events")
def test_other_session_is_told_the_call(
    take_me: TakeMe,
    session_factory: Callable[..., Session],
    owner: User,
    watcher: User,
    target: Target,
    conformance_settings: Settings,
) -> None:
    """asnUpdateMyCallInformation (2.2.15, L3230-L3287) tells the user's other session about a
    call on the user's line: ``u8sContactChangedId`` ("wessen status aendert sich") is the
    user, ``u8sConnectionID`` names the call (N52)."""
    me = take_me(owner)
    other = session_factory(owner.alias)
    callee = session_factory(watcher.alias)
    with _call(me, callee, watcher, conformance_settings.embedded, target):
        other.wait_for("asnUpdateMyCallInformation", where=_about(me.contact_id))


@pytest.mark.spec("2.2.10", line=3109)
@pytest.mark.requires("capability:general.watcher_events")
def test_watcher_is_told_the_call(
    take_me: TakeMe,
    session_factory: Callable[..., Session],
    owner: User,
    watcher: User,
    target: Target,
    conformance_settings: Settings,
) -> None:
    """asnContactCallInformationChanged (2.2.10, L3109-L3128) tells a session that opened the
    user about the user's call: ``contactID`` ("KontaktID des Kontaktes, der diese Nachricht
    versendet") is the user, and its ``callinfo`` names the call (N52)."""
    me = take_me(owner)
    watching = session_factory(watcher.alias)
    me.watched_from(watching)
    with _call(me, watching, watcher, conformance_settings.embedded, target):

        def about(argument: Any) -> bool:
            return argument.get("contactID") == me.contact_id and _about(me.contact_id, "callinfo")(
                argument
            )

        watching.wait_for("asnContactCallInformationChanged", where=about)
