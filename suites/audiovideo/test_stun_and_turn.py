"""STUN and TURN configuration on request: asnRequestSTUNandTURN (12.2.7, L15737-L15747) and
asnSTUNandTURNConfigChanged (12.2.8, L15748-L15761)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from conformance.client import Session

pytestmark = pytest.mark.module("AudioVideo")

REQUEST = "asnRequestSTUNandTURN"
CHANGED = "asnSTUNandTURNConfigChanged"
GET = "asnGetSTUNandTURN"


def _servers(configs: list[dict[str, object]]) -> list[tuple[str, list[str]]]:
    """Type and URIs of each entry (AsnConfigSTUNandTURN, 13.1.13): what identifies a server.
    TURN credentials and their validity may be fresh on every answer (draft-uberti-behave-turn-
    rest, L16696), so they are not compared."""
    return sorted(
        (str(c.get("iType")), sorted(str(u) for u in c.get("listURIs") or []))  # type: ignore[attr-defined]
        for c in configs
    )


@pytest.mark.spec("12.2.7", line=15737)
@pytest.mark.spec("12.2.8", line=15748)
@pytest.mark.spec("12.1.2", line=15410)
@pytest.mark.sends(REQUEST, GET)
def test_request_is_answered_with_the_configuration(
    session_factory: Callable[..., Session],
) -> None:
    """12.2.8 (L15750-L15751): asnSTUNandTURNConfigChanged is the server's event "wenn
    entweder vom Client angefordert durch asnRequestSTUNandTURN oder wenn Konfiguration am
    Server geändert wurde": the requesting session gets it, and it lists the servers that
    asnGetSTUNandTURN (12.1.2, "Konfiguration von STUN und TURN abholen", L15412) answers."""
    session = session_factory()
    session.send_event(REQUEST, {})
    event = session.wait_for(CHANGED).argument or {}
    answer = session.invoke(GET, {}).expect_result()
    assert _servers(event["listConfigSTUNandTURN"]) == _servers(answer["listConfigSTUNandTURN"]), (
        f"{CHANGED} lists {event['listConfigSTUNandTURN']}, {GET} answers "
        f"{answer['listConfigSTUNandTURN']}"
    )
