"""Handlers of the Transport module (document chapter 44, L49202-L49562), plus keep-alives.

Modelled: asnTokenVerify (44.1.5, L49424-L49483), asnCheckConnection (44.1.6,
L49485-L49522), and the keep-alive events a client may send, asnTransportKeepAlive (44.2.1,
L49555-L49562) and General's asnKeepAlive (2.2.1, L2842-L2852), which are accepted silently:
a keep-alive answered with "unrecognised operation" would be a disservice to every client.
The rest of the module serves the UCServer-to-web-service link and stays synthesised.

asnTokenVerify errors (AsnRequestError; the document defines no codes for it, so the
reference server reuses AsnLogonErrorEnum, L14612-L14777, since a token is a credential):
130 for an expired token, 102 for a token it did not sign or cannot decode, 101 for a token
whose user no longer exists. Identification and login tokens both verify: proving identity to
a third party is what identification tokens are for (L580-L582).
"""

from __future__ import annotations

from conformance.reference.auth import ALL_TOKEN_CHECKS, TOKEN_CHECKS, LogonDetail
from conformance.reference.clock import iso_utc
from conformance.reference.directory import dialable_number
from conformance.reference.dispatch import Call, operation, request_error
from conformance.reference.hooks import HookPoint
from conformance.reference.tokens import EXPIRY_LEEWAY, TokenInvalid
from conformance.rose import JsonObject

__all__ = ["TOKEN_VERIFY_FOR_USERS"]

TOKEN_VERIFY_FOR_USERS: HookPoint[bool] = HookPoint(
    "token.verify-for-users",
    "whether asnTokenVerify (meant for external servers, L49426) answers a user's own call",
)


@operation("asnTokenVerify")
async def token_verify(call: Call, argument: JsonObject) -> JsonObject:
    state = call.state
    if not state.faults.apply(TOKEN_VERIFY_FOR_USERS, True):
        raise request_error(LogonDetail.INVALID_AUTHENTICATION_METHOD, "for external servers only")
    try:
        claims = state.tokens.decode(argument["sToken"])
    except TokenInvalid as exc:
        raise request_error(LogonDetail.INVALID_PASSWORD, f"invalid token: {exc}") from None
    checks = state.faults.apply(TOKEN_CHECKS, ALL_TOKEN_CHECKS)
    leeway = state.faults.apply(EXPIRY_LEEWAY, 0.0)
    if "expiry" in checks and claims.expired(state.clock.now(), leeway):
        raise request_error(LogonDetail.TOKEN_EXPIRED, "token expired")
    user = state.directory.user(claims.user)
    if user is None:
        raise request_error(LogonDetail.INVALID_USER, f"unknown user {claims.user!r}")
    numbers = [dialable_number(line) for line in user.lines]
    return {
        "stValidTo": iso_utc(claims.valid_to),
        "iType": int(claims.token_type),
        "u8sDNPath": "",
        "u8sUserName": user.name,
        "u8sSIPURI": user.sip_uri,
        "u8sobjectGUID": user.object_guid,
        "u8sPhoneNumber": numbers[0] if numbers else "",
        "u8sPhoneSecondary": numbers[1] if len(numbers) > 1 else "",
        "u8sCallRecordingNumber": "",
        "u8sMailboxNumber": "",
        "u8sHomeServer": state.ucsid,
        "iUserStaticRights": 0,
        "asnUserContact": state.directory.net_contact(user),
        "asnUserPropertyBag": {"asnProperties": []},
    }


@operation("asnCheckConnection")
async def check_connection(call: Call, argument: JsonObject) -> JsonObject:
    state = call.state
    return {
        "u8sServerVersion": state.catalog.protocol,
        "u8sProductVersion": state.catalog.protocol,
        "iProtocolVersion": state.settings.max_protocol_version,
        "iOEMID": 0,  # "estos : 0", L49507; the reference server claims no other OEM
        "u8sCookie": "",  # the cookie an administrator configured: none here
    }


@operation("asnTransportKeepAlive")
async def transport_keep_alive(call: Call, argument: JsonObject) -> None:
    return None


@operation("asnKeepAlive")
async def keep_alive(call: Call, argument: JsonObject) -> None:
    return None
