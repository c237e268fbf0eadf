"""asnUnsubscribePresence (36.1.2, L46146-L46185)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest

from conformance.client import Session
from conformance.profile import User

if TYPE_CHECKING:
    from conftest import ChangePresence

pytestmark = [pytest.mark.module("PresenceV2"), pytest.mark.requires("users>=2")]

UPDATE = "asnUpdatePresence"
OUT_OF_OFFICE, MEETING = 1, 2  # AsnAbsentStateEnum (3.1.27, L4738-L4740)
ABSENT = 3  # eABSENT (AsnPresenceStateEnum 3.1.8, L4307): what out of office stands for (N26)


@pytest.mark.spec("36.1.2", line=46146)
@pytest.mark.spec("36.2.1", line=46437)
@pytest.mark.sends(
    "asnAbsentStateGetUser",
    "asnAbsentStateReset",
    "asnAbsentStateSetUser",
    "asnCheckConnection",
    "asnGetAndSubscribePresence",
    "asnUnsubscribePresence",
)
def test_no_update_after_unsubscribe(
    session_factory: Callable[..., Session],
    change_presence: ChangePresence,
    watcher: User,
    changer: User,
) -> None:
    """36.1.2 (L46146-L46185): asnUnsubscribePresence names the contacts one no longer wants
    to subscribe ("welche Kontakte man nicht mehr abonnieren will", L46160); success is the
    result itself, failure an error ("if everything is satisfactory then it receives the
    result and if not then receives Error", L46151-L46152). Its ``iResult`` (L46171, L47180)
    has neither comment nor enumeration, so the test reads nothing into its value (N45).
    Afterwards a change of that contact's presence sends the session no asnUpdatePresence
    (36.2.1), although the same subscription delivered the change before."""
    own = change_presence(changer)
    session = session_factory(watcher.alias)
    argument = {"seqContactIDs": [own.contact_id]}
    session.invoke("asnGetAndSubscribePresence", argument).expect_result()
    own.set_absent(OUT_OF_OFFICE)
    session.wait_for(UPDATE, where=own.showing(ABSENT))  # the subscription delivers
    session.invoke("asnUnsubscribePresence", argument).expect_result()
    since = session.mark()
    own.set_absent(MEETING)
    own.assert_no_update(session, since)
