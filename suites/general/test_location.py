"""Locations (General 2.1.2-2.1.4): a location written back unchanged with
asnSetLocationInformation2 is announced as asnLocationInformationChanged (2.2.2). Changing a
location is server configuration (``shared``): a run against a real server needs the opt-in."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from conformance.client import Session
from conformance.profile import User

pytestmark = [
    pytest.mark.module("General"),
    pytest.mark.sends(
        "asnGetLocationIDs", "asnGetLocationInformation2", "asnSetLocationInformation2"
    ),
]


@pytest.mark.spec("2.2.2", line=2853)
@pytest.mark.spec("2.1.3", line=895)
@pytest.mark.requires("capability:general.location_events")
def test_location_written_is_announced(
    session_factory: Callable[..., Session], owner: User, watcher: User
) -> None:
    """The first location of asnGetLocationIDs (2.1.4), read with asnGetLocationInformation2
    (2.1.2) and written back unchanged with asnSetLocationInformation2 (2.1.3), is announced to
    another user's session as asnLocationInformationChanged (2.2.2, L2853-L2863) naming its
    ``u8sLocationID`` (N52: capability general.location_events). Writing the same data back
    leaves the server as it was."""
    writing = session_factory(owner.alias)
    observing = session_factory(watcher.alias)
    ids = writing.invoke("asnGetLocationIDs", {}).expect_result()["locationIDMD5ChecksumList"]
    if not ids:
        pytest.skip("the server has no location")
    location_id = ids[0]["key"]
    read = writing.invoke("asnGetLocationInformation2", {"u8sLocationID": location_id})
    location = read.expect_result()["asnLocationData"]
    writing.invoke("asnSetLocationInformation2", {"asnLocationData": location}).expect_result()
    observing.wait_for("asnLocationInformationChanged", where={"u8sLocationID": location_id})
