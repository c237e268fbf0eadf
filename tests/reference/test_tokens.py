"""asnGetUserToken (10.1.4, L14359-L14402) and asnTokenVerify (44.1.5, L49424-L49483)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import jwt
import pytest
import requests

from conformance.catalog import Catalog
from conformance.reference import ReferenceServer
from conformance.reference.clock import Clock, iso_utc
from conformance.reference.tokens import TokenInvalid, TokenIssuer, TokenType

if TYPE_CHECKING:
    from conftest import Api

MakeApi = Callable[[ReferenceServer], "Api"]


def claims_of(token: str) -> dict[str, Any]:
    claims: dict[str, Any] = jwt.decode(token, options={"verify_signature": False})
    return claims


def test_token_response_is_the_bare_result(api: Api, catalog: Catalog) -> None:
    """L588-L609: GET with iType in the query, POST with it in the body; {"sToken": ...}."""
    get = requests.get(
        f"{api.url}/ws/direct/asnGetUserToken",
        params={**api.query_auth("alice"), "ucsid": "local", "iType": "1"},
        timeout=5,
    )
    post = api.direct("asnGetUserToken", {"iType": 1}, headers={"x-ucsid": "local"})
    for response in (get, post):
        assert response.status_code == 200, response.text
        catalog.validate_webservice("UserTokenResponse", response.json())
        assert list(response.json()) == ["sToken"]
        claims = claims_of(response.json()["sToken"])
        assert (claims["sub"], claims["iType"]) == ("alice", 1)


def test_token_is_a_signed_jwt_with_default_type_and_ttl(api: Api) -> None:
    token = api.token("bob")
    header = jwt.get_unverified_header(token)
    assert header["alg"] == "HS256"
    claims = claims_of(token)
    assert claims["iType"] == TokenType.EXTERNAL  # "default eUserTokenExternal", L14367
    assert claims["exp"] - claims["iat"] in (86400, 86401)  # "default 24 hours", L14373


@pytest.mark.parametrize(
    ("ttl", "lifetime"),
    [(1, 1), (3600, 3600), (0, 86400), (10**12, 30 * 86400)],
    ids=["one-second", "an-hour", "zero-means-default", "huge-is-clamped"],
)
def test_ttl(api: Api, ttl: int, lifetime: int) -> None:
    claims = claims_of(api.token("alice", iType=1, iTTL=ttl))
    assert claims["exp"] - claims["iat"] in (lifetime, lifetime + 1)  # exp rounds up


@pytest.mark.parametrize(
    "argument",
    [{"iTTL": -5}, {"iType": 2}, {"iType": -1}],
    ids=["negative-ttl", "type-2", "type-1"],
)
def test_unusable_argument_values_are_request_errors(
    api: Api, catalog: Catalog, argument: dict[str, int]
) -> None:
    response = api.direct("asnGetUserToken", argument)
    assert response.status_code == 400
    body = response.json()
    assert body["error"]["_type"] == "AsnRequestError"
    assert body["error"]["iErrorDetail"] == 1
    catalog.validate("AsnRequestError", body["error"])
    assert isinstance(body["invokedID"], int)
    assert body["error_value"] == 0


def test_mistyped_token_argument_is_rejected(api: Api) -> None:
    response = api.direct("asnGetUserToken", {"iTTL": "long"})
    assert response.status_code == 400
    assert response.json()["reject"] == {"invokeProblem": 2}
    assert "/iTTL" in response.json()["details"]


def test_service_types_and_profile_attributes_become_claims(api: Api) -> None:
    token = api.token(
        "alice",
        iType=0,
        lstServiceType=["FAQ", "RANKING"],
        lstProfileAttributes=[
            {"u8sServiceType": "FAQ", "u8seName": "u8sDisplayName"},
            {"u8sServiceType": "FAQ", "u8seName": "shoeSize", "u8sValue": "44"},
            {"u8sServiceType": "RANKING", "u8seName": "unknown"},
        ],
    )
    claims = claims_of(token)
    assert claims["lstServiceType"] == ["FAQ", "RANKING"]
    assert claims["FAQ/u8sDisplayName"] == "Alice Anders"
    assert claims["FAQ/shoeSize"] == "44"
    assert claims["RANKING/unknown"] == ""


# --- asnTokenVerify ------------------------------------------------------------------------


@pytest.mark.parametrize("token_type", [0, 1])
def test_verify_reports_type_validity_and_user(api: Api, catalog: Catalog, token_type: int) -> None:
    token = api.token("bob", iType=token_type, iTTL=600)
    response = api.direct("asnTokenVerify", {"sToken": token})
    assert response.status_code == 200, response.text
    result = response.json()
    catalog.validate("AsnTokenVerifyResult", result)
    assert result["iType"] == token_type
    assert result["stValidTo"] == iso_utc(claims_of(token)["exp"])
    assert result["u8sUserName"] == "bob"
    assert result["u8sSIPURI"] == "sip:bob@reference.invalid"
    assert result["u8sPhoneNumber"] == "+4930100201"
    assert result["u8sPhoneSecondary"] == "+4930100202"
    assert result["asnUserContact"]["u8sDisplayName"] == "Bob Berger"


def test_verify_in_a_session(api: Api, catalog: Catalog) -> None:
    session = api.create_session("carol")
    token = api.token("carol", iType=1)
    response = api.client(session, "asnTokenVerify", {"sToken": token})
    assert response.status_code == 200
    catalog.validate("AsnTokenVerifyResult", response.json())


def test_verify_refuses_garbage(api: Api, catalog: Catalog) -> None:
    response = api.direct("asnTokenVerify", {"sToken": "garbage"})
    assert response.status_code == 400
    catalog.validate("AsnRequestError", response.json()["error"])
    assert response.json()["error"]["iErrorDetail"] == 102


def test_verify_refuses_expired_tokens(
    make_server: Callable[..., ReferenceServer], api_for: MakeApi
) -> None:
    server = make_server()
    api = api_for(server)
    token = api.token("alice", iType=0, iTTL=1)
    assert api.direct("asnTokenVerify", {"sToken": token}).status_code == 200
    server.clock.advance(2)
    response = api.direct("asnTokenVerify", {"sToken": token})
    assert response.status_code == 400
    assert response.json()["error"]["iErrorDetail"] == 130


# --- the issuer itself ---------------------------------------------------------------------


def test_issuer_round_trip_and_clock() -> None:
    clock = Clock()
    issuer = TokenIssuer("local", clock)
    token = issuer.issue("alice", TokenType.LOGIN, 10, ("FAQ",))
    claims = issuer.decode(token)
    assert (claims.user, claims.token_type, claims.service_types) == (
        "alice",
        TokenType.LOGIN,
        ("FAQ",),
    )
    assert not claims.expired(clock.now())
    clock.advance(9.5)
    assert not claims.expired(clock.now())  # at least the TTL
    clock.advance(1.5)
    assert claims.expired(clock.now())  # at most one second more
    with pytest.raises(TokenInvalid):
        TokenIssuer("local", clock).decode(token)  # another secret
    with pytest.raises(TokenInvalid):
        TokenIssuer("other", clock).decode(token)


def test_iso_utc() -> None:
    moment = datetime(2024, 5, 17, 9, 30, tzinfo=UTC).timestamp()
    assert iso_utc(moment) == "2024-05-17T09:30:00Z"
