"""The UCSID picks the UCServer behind the web service; an unknown one is a 502 WsError
(document 1.3, L176, L231-L244; protocol-notes §1).

Only the requests that pick a server are tested: /ws/direct and createsession. A
``/ws/client/<operation>`` call in a live session may be routed by its session id alone; the
document never says the UCSID is checked again there.
"""

from __future__ import annotations

import pytest

from conformance.client import (
    HttpClient,
    HttpOutcome,
    OutcomeKind,
    QueryCredentials,
    Target,
    UcsidPlacement,
)
from conformance.profile import User

pytestmark = [pytest.mark.module("Authentication"), pytest.mark.requires("users>=1")]

UNKNOWN_UCSID = "ucconf-unknown-ucsid"


def _call(direct: HttpClient, user: User, route: str, placement: UcsidPlacement) -> HttpOutcome:
    """A call that would succeed, naming the unknown UCSID in ``placement``."""
    auth = QueryCredentials(user.name, user.password)
    if route == "createsession":
        return direct.createsession(auth, ucsid=UNKNOWN_UCSID, ucsid_in=placement)
    return direct.direct(
        "asnGetLoggedInContact", {}, auth=auth, ucsid=UNKNOWN_UCSID, ucsid_in=placement
    )


@pytest.mark.spec("1.3", line=231)
@pytest.mark.parametrize("placement", [UcsidPlacement.HEADER, UcsidPlacement.QUERY])
@pytest.mark.parametrize("route", ["direct", "createsession"])
@pytest.mark.sends("asnGetLoggedInContact")
def test_unknown_ucsid_is_502_ws_error_119_naming_it(
    direct: HttpClient, target: Target, user: User, route: str, placement: UcsidPlacement
) -> None:
    """1.3 (L231-L244): a UCSID (header ``X-ucsid`` or query ``ucsid``) that names no server
    connected here answers HTTP 502 with the WsError body: iErrorDetail 119, and ``details``
    naming the UCSID, ``"server not connected here: [local1]"`` (L238)."""
    assert target.ucsid != UNKNOWN_UCSID
    outcome = _call(direct, user, route, placement)
    assert outcome.kind is OutcomeKind.WS_ERROR, outcome.describe()
    error = outcome.payload
    assert isinstance(error, dict)
    assert error["iErrorDetail"] == 119, error
    assert UNKNOWN_UCSID in str(error.get("details", "")), error
