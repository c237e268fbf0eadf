"""Handlers of the Authentication module (document chapter 10, L13915-L14486).

Modelled: asnNegotiateServerConnection and its Deprecated variant, asnGetUserToken,
asnGetLoggedInContact and asnLogoff; General's asnUserChangePassword here too, for its check of
the old password is a login check (lockout). asnLogon and asnSetClientAuthentication belong to the
binary TCP protocol, where a connection logs on once; through the web service a session is
created and authenticated by /ws/client/createsession, so they stay synthesised.

Protocol versions. The document states no version numbers for the negotiation. The reference
server speaks version 70 (protocol-notes §1: clients since ProCall 7 send 70, ProCall 6 sent
61) and accepts clients from 60 (asnCheckConnection's "Protocol Version (60)", L49505) to 70;
outside that range it answers invalidProtocolVersion (AsnNegotiateServerConnectionErrorEnum 1,
L14584-L14592; the only error the operation allows, L13953-L13955). The Deprecated variant, for
"prior version 6 clients" (L14124-L14126), follows the same rule and differs only in its
error object (``errorDetail`` instead of ``iErrorDetail``, L14281-L14290). Both bounds come from
the profile's ``protocol.min_version`` / ``protocol.max_version`` capabilities.
"""

from __future__ import annotations

import uuid

from conformance.reference.clock import iso_utc
from conformance.reference.dispatch import (
    INVALID_ARGUMENT,
    Call,
    OperationError,
    operation,
    request_error,
)
from conformance.reference.hooks import HookPoint
from conformance.reference.state import ServerState
from conformance.reference.tokens import TokenType
from conformance.rose import JsonObject

__all__ = ["INVALID_PROTOCOL_VERSION", "LOGOFF_ENDS_SESSION", "TOKEN_REQUEST", "negotiate"]

TOKEN_REQUEST: HookPoint[JsonObject] = HookPoint(
    "token.request", "the asnGetUserToken argument as the server reads it (iType, iTTL, ...)"
)
LOGOFF_ENDS_SESSION: HookPoint[bool] = HookPoint(
    "logoff.ends-session", "whether asnLogoff ends the caller's session"
)

INVALID_PROTOCOL_VERSION = 1
"""invalidProtocolVersion, AsnNegotiateServerConnectionErrorEnum (11.1.2)."""
_SERVER_TYPE_PROCALL = 0  # "ServerType" CTISERVER_PROCALL(0), L14080-L14088


def negotiate(state: ServerState, argument: JsonObject, *, deprecated: bool = False) -> JsonObject:
    """The AsnNegotiateServerConnectionResult for a client's version, or the documented error.

    Shared with /ws/client/createsession, whose ``negotiate`` member carries the same argument
    (asnCreateUserSession, 48.1.2, L52769-L52781).
    """
    settings = state.settings
    version = argument["iClientProtocolVersion"]
    low, high = settings.min_protocol_version, settings.max_protocol_version
    if not low <= version <= high:
        text = f"protocol version {version} is not supported; this server supports {low} to {high}"
        if deprecated:
            error = {
                "_type": "AsnNegotiateServerConnectionErrorDeprecated",
                "errorDetail": INVALID_PROTOCOL_VERSION,
                "u8sErrorString": text,
            }
        else:
            error = {
                "_type": "AsnNegotiateServerConnectionError",
                "iErrorDetail": INVALID_PROTOCOL_VERSION,
                "u8sErrorString": text,
            }
        raise OperationError(0, error)
    now = state.clock.now()
    return {
        "iServerProtocolVersion": high,
        "iServerUMSecurityOption": 0,  # eUMSECURITYINDIVIDUAL (35.1.8, L39327)
        "iServerTLSSecurityOption": 0,  # never TLS: the reference server speaks plain HTTP
        "sServerAuthentication": str(int(now)),  # "Timestamp des Servers", L14021-L14023
        "stServerTime": iso_utc(now),
        "optionalParams": {
            "ServerProtocolVersion": str(high),
            "serverVersion": state.catalog.protocol,
            "productVersion": state.catalog.protocol,
            "ServerType": _SERVER_TYPE_PROCALL,
            "serverConnectionId": str(uuid.uuid4()).upper(),
        },
    }


@operation("asnNegotiateServerConnection")
async def negotiate_server_connection(call: Call, argument: JsonObject) -> JsonObject:
    return negotiate(call.state, argument)


@operation("asnNegotiateServerConnectionDeprecated")
async def negotiate_server_connection_deprecated(call: Call, argument: JsonObject) -> JsonObject:
    return negotiate(call.state, argument, deprecated=True)


@operation("asnGetLoggedInContact")
async def get_logged_in_contact(call: Call, argument: JsonObject) -> JsonObject:
    """10.1.6 (L14443-L14475): the caller's login name and own contact."""
    return {
        "u8sLoggedInUser": call.user.name,
        "ownContact": call.state.directory.contact(call.user),
    }


@operation("asnGetUserToken")
async def get_user_token(call: Call, argument: JsonObject) -> JsonObject:
    """10.1.4 (L14359-L14402). iType defaults to eUserTokenExternal (0), an identification
    token; iTTL to 24 hours. iTTL 0 takes the default, a negative iTTL is refused and one above
    the maximum is clamped (profile capabilities ``tokens.*`` select these policies)."""
    settings = call.state.settings
    argument = call.state.faults.apply(TOKEN_REQUEST, argument)
    token_type = argument.get("iType", int(TokenType.EXTERNAL))
    if token_type not in (TokenType.EXTERNAL, TokenType.LOGIN):
        raise request_error(INVALID_ARGUMENT, f"iType {token_type} is not an AsnUserTokenType")
    ttl = argument.get("iTTL", settings.default_token_ttl)
    if ttl == 0:
        if settings.ttl_zero == "reject":
            raise request_error(INVALID_ARGUMENT, "iTTL 0 is not a time to live")
        ttl = settings.default_token_ttl
    elif ttl < 0:
        if settings.ttl_negative == "reject":
            raise request_error(INVALID_ARGUMENT, f"iTTL {ttl} is negative")
        ttl = settings.default_token_ttl
    elif ttl > settings.max_token_ttl:
        if settings.ttl_above_max == "reject":
            raise request_error(
                INVALID_ARGUMENT, f"iTTL {ttl} exceeds the maximum {settings.max_token_ttl}"
            )
        ttl = settings.max_token_ttl
    profile = call.state.directory.net_contact(call.user)
    attributes: dict[str, str] = {}
    for attribute in argument.get("lstProfileAttributes", []):
        # "[Service_type]/[Profile elementname] : [Profile elementvalue]" (L14379-L14383): the
        # value comes from the user's profile where it has that element, else as requested.
        name = attribute["u8seName"]
        value = profile.get(name, attribute.get("u8sValue", ""))
        attributes[f"{attribute['u8sServiceType']}/{name}"] = str(value)
    token = call.state.tokens.issue(
        call.user.name,
        TokenType(token_type),
        ttl,
        tuple(argument.get("lstServiceType", [])),
        attributes,
    )
    return {"sToken": token}


@operation("asnUserChangePassword")
async def user_change_password(call: Call, argument: JsonObject) -> JsonObject:
    """2.1.45 (L2739-L2769; no semantics beyond the members). The old password is checked as
    a login checks a password: a wrong one counts towards the account's lockout and is refused
    (AsnRequestError with the AsnLogonErrorEnum value, 102 or 129). A right one is refused too:
    the embedded server's accounts are the profile's, whose passwords a run must not change."""
    refused = call.state.auth.check_password(call.user, str(argument["u8sOldPassword"]))
    if refused is not None:
        raise request_error(int(refused), "the old password is wrong or the account is locked")
    raise request_error(INVALID_ARGUMENT, "the reference server does not change passwords")


@operation("asnLogoff")
async def logoff(call: Call, argument: JsonObject) -> None:
    """10.2.1 (L14478-L14486), an event the client sends: the session ends, its event channel
    receives asnUserSessionDestroyed (48.2.1, L52944-L52957) and closes."""
    if call.session is not None and call.state.faults.apply(LOGOFF_ENDS_SESSION, True):
        call.state.sessions.destroy(call.session.id)
