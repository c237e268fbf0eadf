"""Synthesised results: schema-valid for every catalogued operation, deterministic, varying."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
import requests

from conformance.catalog import Catalog, default_catalog
from conformance.reference import ReferenceServer
from conformance.reference.synth import SynthError, Synthesiser

if TYPE_CHECKING:
    from conftest import Api

CATALOG = default_catalog()
OPERATIONS = [op.name for op in CATALOG.operations(kind="operation")]


@pytest.fixture(scope="module")
def synth() -> Synthesiser:
    return Synthesiser(CATALOG)


def test_the_catalogue_has_391_operations() -> None:
    assert len(OPERATIONS) == 391


@pytest.mark.parametrize("operation", OPERATIONS)
def test_synthesised_result_is_schema_valid(
    synth: Synthesiser, catalog: Catalog, operation: str
) -> None:
    result_type = catalog.operation(operation).result
    assert result_type is not None
    catalog.validate(result_type, synth.result(operation, {}))
    catalog.validate(result_type, synth.result(operation, {"u8sAnything": "x", "iN": 1}))


def test_every_type_can_be_synthesised(synth: Synthesiser, catalog: Catalog) -> None:
    failures = []
    for name in catalog.type_names():
        try:
            catalog.validate(name, synth.instance(name, name))
        except (AssertionError, SynthError) as exc:
            failures.append(f"{name}: {exc}")
    assert not failures, "\n".join(failures)


def test_deterministic_per_operation_and_argument(synth: Synthesiser) -> None:
    argument = {"u8sConversationID": "c1", "iMaxEvents": 5}
    first = synth.result("asnChatGetConversationID", argument)
    assert synth.result("asnChatGetConversationID", dict(reversed(argument.items()))) == first
    assert Synthesiser(CATALOG).result("asnChatGetConversationID", argument) == first


def test_strings_vary_with_the_argument(synth: Synthesiser) -> None:
    one = synth.result("asnChatGetConversationID", {"u8sContactURI": "sip:a@x"})
    two = synth.result("asnChatGetConversationID", {"u8sContactURI": "sip:b@x"})
    assert one != two
    assert set(one) == set(two)


def test_rules(synth: Synthesiser) -> None:
    token = synth.result("asnGetUserToken", {})
    assert set(token) == {"sToken"} and token["sToken"].startswith("sToken-")
    check = synth.result("asnCheckConnection", {})
    assert check["iProtocolVersion"] == 0 and check["iOEMID"] == 0
    times = synth.instance("AsnAbsentState", "seed")
    assert times["stTimeFrom"].startswith("2024-") and times["stTimeFrom"].endswith("Z")
    assert synth.instance("AsnKeepAliveArgument", "seed") == {"dummy": None}
    choice = synth.instance("AsnAuthenticationChoice", "seed")
    assert list(choice) == ["simple"]
    assert synth.result("asnMgmtGetMeshNodeConfigs", {}) == []


def test_events_have_no_result(synth: Synthesiser) -> None:
    with pytest.raises(SynthError, match="event"):
        synth.result("asnUserSessionDestroyed", {})


# --- over the wire -------------------------------------------------------------------------

# Operations of modules the reference server does not model (chat and CTI now are); those of
# administrators are refused to user sessions (tests/reference/test_websocket.py).
WIRE = [
    ("asnAVGetIceServers", {}),
    ("asnJournalGetSettings", {}),
    (
        "asnRequestLargeProfileImage",
        {"u8sContactID": "sip:bob@reference.invalid", "u8sKnownHash": ""},
    ),
    ("asnStartTLS", {}),
]


@pytest.mark.parametrize(("operation", "argument"), WIRE)
def test_synthesised_over_http_and_websocket(
    api: Api,
    server: ReferenceServer,
    catalog: Catalog,
    operation: str,
    argument: dict[str, object],
) -> None:
    catalog.validate(catalog.operation(operation).argument or "", argument)
    expected = server.state.synth.result(operation, argument)
    direct = api.direct(operation, argument)
    assert (direct.status_code, direct.json()) == (200, expected)
    session = api.create_session()
    client = api.client(session, operation, argument)
    assert (client.status_code, client.json()) == (200, expected)
    with api.websocket(session) as channel:
        message = channel.call(3, operation, argument)
        assert message["result"]["result"]["result"] == expected
    assert operation not in server.modelled_operations()


def test_modelled_and_synthesised_add_up(server: ReferenceServer) -> None:
    modelled = server.modelled_operations()
    assert {
        "asnGetLoggedInContact",
        "asnNegotiateServerConnection",
        "asnNegotiateServerConnectionDeprecated",
        "asnGetUserToken",
        "asnLogoff",
        "asnTokenVerify",
        "asnCheckConnection",
    } <= modelled
    assert modelled <= {op.name for op in CATALOG.operations()}
    synthesised = set(OPERATIONS) - modelled
    assert len(synthesised) + len(set(OPERATIONS) & modelled) == 391


def test_get_of_a_synthesised_operation_matches_post(api: Api) -> None:
    params = {**api.query_auth("alice"), "u8sContactURI": "sip:carol@reference.invalid"}
    get = requests.get(f"{api.url}/ws/direct/asnChatGetConversationID", params=params, timeout=5)
    post = api.direct("asnChatGetConversationID", {"u8sContactURI": "sip:carol@reference.invalid"})
    assert get.json() == post.json()
