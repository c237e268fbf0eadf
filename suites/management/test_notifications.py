"""Changes the Management module tells the administrator's session without a read
(CONFORMANCE-NOTES N60): a subscribed line's calls (asnMgmtLineStateChanged, 34.2.9) and a
location a client set (asnMgmtLocationChanged, 34.2.21). Both need a user to change something
(a call, a location written back unchanged): ``shared``, so a real server needs the opt-in."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from conformance.client import Session
from conformance.leases import lease
from conformance.lineids import same_line
from conformance.plugin import SessionFactory
from conformance.profile import Profile, User
from conformance.rose import JsonObject

pytestmark = [pytest.mark.module("Management"), pytest.mark.requires("administrator")]

LINE_CHANGED = "asnMgmtLineStateChanged"
LEASE_WAIT = 60.0  # seconds (scaled) another test may hold a line, as in the CTI suite
FORMAT_NUMBER = 1  # iNumberFormat: the server formats the number (L24995-L25002)


def _party_lines(profile: Profile) -> tuple[User, str, str] | None:
    """A user with a ``[cti]`` line, and another ``[cti]`` line to call."""
    for user in profile.enabled_users():
        own = [line for line in user.lines if line in profile.cti.lines]
        others = [line for line in profile.cti.lines if line != (own[0] if own else None)]
        if own and others:
            return user, own[0], others[0]
    return None


def _number_of(session: Session, line: str) -> str:
    """The dialable number of ``line`` as asnCtiEnumPhoneLines of every line lists it."""
    argument = {"typeofLines": 1, "attachChangeNotify": 0}  # systemLocalLines (L26973)
    for info in session.invoke("asnCtiEnumPhoneLines", argument).expect_result()["seqLines"]:
        if same_line(info["u8sLinePhoneNumber"], line):
            return str(info["u8sPhoneNumber"])
    pytest.skip(f"asnCtiEnumPhoneLines does not list the profile's line {line}")


def _change(session: Session, line: str, calls: int) -> JsonObject:
    def test(event: JsonObject) -> bool:
        return same_line(event["u8sLineID"], line) and event["iNumCalls"] == calls

    return session.wait_for(LINE_CHANGED, where=test).argument


@pytest.fixture
def subscribed(admin_session: Session) -> Iterator[Session]:
    yield admin_session
    if not admin_session.closed:
        admin_session.invoke("asnMgmtUnsubscribeLineEvents", {})


@pytest.mark.spec("34.2.9", line=37845)
@pytest.mark.spec("34.1.38", line=33486)
@pytest.mark.requires("capability:management.line_events")
@pytest.mark.sends(
    "asnCtiDropCall",
    "asnCtiEnumPhoneLines",
    "asnCtiMakeCall",
    "asnMgmtSubscribeLineEvents",
    "asnMgmtUnsubscribeLineEvents",
)
def test_a_subscribed_line_tells_its_calls(
    subscribed: Session, session_factory: SessionFactory, profile: Profile
) -> None:
    """After asnMgmtSubscribeLineEvents on a line (34.1.38, ``u8sTAPILineID``), the
    administrator's session is told each change of the line's state (asnMgmtLineStateChanged,
    "the state of a CTI line has changed", L37845): a call the line's owner makes raises
    ``iNumCalls`` to 1, dropping it brings it back to 0 (N60). The suite leases both lines,
    as the CTI suite does, so no other test's call counts."""
    parties = _party_lines(profile)
    if parties is None:
        pytest.skip("the profile has no user with a [cti] line and another [cti] line to call")
    owner, line, dialled = parties
    phone = session_factory(owner.alias)
    number = _number_of(phone, dialled)
    with (
        lease(subscribed.client.target, f"line {line}", LEASE_WAIT),
        lease(subscribed.client.target, f"line {dialled}", LEASE_WAIT),
    ):
        subscribed.invoke("asnMgmtSubscribeLineEvents", {"u8sTAPILineID": line}).expect_result()
        argument = {
            "u8sPhoneNumberFrom": line,
            "u8sPhoneNumberTo": number,
            "iNumberFormat": FORMAT_NUMBER,
        }
        made = phone.invoke("asnCtiMakeCall", argument).expect_result()
        try:
            _change(subscribed, line, 1)
        finally:
            phone.invoke("asnCtiDropCall", {"u8sConnectionID": made["u8sConnectionID"]})
        _change(subscribed, line, 0)


@pytest.mark.spec("34.2.21", line=37993)
@pytest.mark.requires("capability:management.location_events")
@pytest.mark.sends("asnGetLocationIDs", "asnGetLocationInformation2", "asnSetLocationInformation2")
def test_a_location_set_is_told_to_the_administrator(
    admin_session: Session, session_factory: SessionFactory, profile: Profile
) -> None:
    """A location a user writes back unchanged (asnSetLocationInformation2, 2.1.3) is told to
    the administrator's session as asnMgmtLocationChanged, "the location information for the
    given locationID has changed" (L37993), with the id and the MD5 checksum asnGetLocationIDs
    lists for it (``u8sMD5CheckSum``, L38004; N60)."""
    writing = session_factory(profile.enabled_users()[0].alias)
    ids = writing.invoke("asnGetLocationIDs", {}).expect_result()["locationIDMD5ChecksumList"]
    if not ids:
        pytest.skip("the server has no location")
    location_id = ids[0]["key"]
    read = writing.invoke("asnGetLocationInformation2", {"u8sLocationID": location_id})
    location = read.expect_result()["asnLocationData"]
    writing.invoke("asnSetLocationInformation2", {"asnLocationData": location}).expect_result()
    told = admin_session.wait_for("asnMgmtLocationChanged", where={"u8sLocationID": location_id})
    after = writing.invoke("asnGetLocationIDs", {"locationIDs": [location_id]}).expect_result()
    checksums = [p["value"] for p in after["locationIDMD5ChecksumList"]]
    assert told.argument["u8sMD5CheckSum"] in checksums, (
        f"asnMgmtLocationChanged gives checksum {told.argument['u8sMD5CheckSum']!r}; "
        f"asnGetLocationIDs lists {checksums} for {location_id!r}"
    )
