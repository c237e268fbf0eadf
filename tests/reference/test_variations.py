"""The variation registry and its place beside the faults (conformance/reference/variations)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from conformance.reference import ReferenceServer
from conformance.reference.faults import FAULTS
from conformance.reference.hooks import Fault, FaultSet, HookPoint
from conformance.reference.variations import VARIATIONS, chosen, variation
from conformance.schemagen import ROOT, SOURCE

DOCUMENT_LINES = len((ROOT / SOURCE).read_text(encoding="utf-8").splitlines())

POINT: HookPoint[int] = HookPoint("test.number", "a number some decision yields")


@pytest.fixture
def doubled() -> Iterator[str]:
    """A throwaway variation on POINT, removed from the registry afterwards."""
    variation("test.doubled", "the number doubled", POINT, lines=(1,))(lambda n: n * 2)
    try:
        yield "test.doubled"
    finally:
        del VARIATIONS["test.doubled"]


def test_variations_are_documented_and_cite_lines_of_the_document() -> None:
    for name, found in VARIATIONS.items():
        assert found.name == name
        assert found.description and "\n" not in found.description
        assert found.hooks
        assert found.lines or found.source.startswith("protocol-notes")
        assert all(1 <= line <= DOCUMENT_LINES for line in found.lines), name
        assert name not in FAULTS, f"{name} is both a fault and a variation"


def test_a_variation_must_cite_what_allows_it() -> None:
    with pytest.raises(ValueError, match="cites no document line"):
        variation("test.uncited", "nothing allows it", POINT, lines=())


def test_unknown_variation_is_refused_naming_it() -> None:
    with pytest.raises(ValueError, match=r"unknown variation 'nope'"):
        chosen(["nope"])
    with pytest.raises(ValueError, match=r"unknown variation 'nope'"):
        ReferenceServer(variations=["nope"])


def test_variations_apply_before_faults(doubled: str) -> None:
    plus_one = Fault("test.plus-one", "one more", hooks=((POINT, lambda n: n + 1),))
    bends = FaultSet([plus_one], chosen([doubled]))
    assert bends.apply(POINT, 5) == 11  # (5 * 2) + 1: the fault bends the varied answer
    assert bends.names == {"test.plus-one"}
    assert bends.variation_names == {doubled}


def test_server_reports_its_variations(doubled: str) -> None:
    server = ReferenceServer(variations=[doubled])
    assert server.variations == {doubled}
    assert server.faults == frozenset()
    assert doubled in repr(server)


@pytest.mark.parametrize(
    ("name", "form"),
    [("session.lower-case-ids", r"[0-9a-f]{32}"), ("session.guid-ids", r"\{[0-9A-F-]{36}\}")],
)
def test_session_id_variations_issue_working_ids_of_their_form(name: str, form: str) -> None:
    import re

    import requests

    with ReferenceServer(variations=[name]) as server:
        user = server.profile.user("alice")
        created = requests.post(
            f"{server.url}/ws/client/createsession",
            json={},
            auth=(user.name, user.password),
            timeout=5,
        )
        session_id = created.json()["sessionid"]
        assert re.fullmatch(form, session_id)
        answer = requests.post(
            f"{server.url}/ws/client/asnGetLoggedInContact",
            json={},
            headers={"X-ucsessionid": session_id},
            timeout=5,
        )
        assert answer.json()["u8sLoggedInUser"] == "alice"
        assert not server.internal_errors


def test_session_routed_variation_ignores_the_ucsid_only_in_live_sessions() -> None:
    import requests

    with ReferenceServer(variations=["ucsid.session-routed"]) as server:
        user = server.profile.user("alice")
        other = {"X-ucsid": "elsewhere"}
        auth = (user.name, user.password)
        refused = requests.post(
            f"{server.url}/ws/client/createsession", json={}, auth=auth, headers=other, timeout=5
        )
        assert refused.status_code == 502
        session_id = requests.post(
            f"{server.url}/ws/client/createsession", json={}, auth=auth, timeout=5
        ).json()["sessionid"]
        served = requests.post(
            f"{server.url}/ws/client/asnGetLoggedInContact",
            json={},
            headers={**other, "X-ucsessionid": session_id},
            timeout=5,
        )
        assert served.status_code == 200
