"""Faults: logon, routing, sessions and tokens (suites/auth, suites/tokens)."""

from __future__ import annotations

import secrets
from dataclasses import replace
from typing import Any

from conformance.reference.auth import (
    CHALLENGES,
    LOGON_FAILURE,
    TOKEN_CHECKS,
    LogonDetail,
    LogonFailure,
)
from conformance.reference.authentication import LOGOFF_ENDS_SESSION, TOKEN_REQUEST
from conformance.reference.dispatch import (
    OPERATION_RESULT,
)
from conformance.reference.faults.registry import fault
from conformance.reference.faults.targets import (
    _BASIC,
    _BOTH_ROUTES,
    _CREATESESSION,
    _DIRECT,
    _EXPIRY,
    _GET_LOGIN_TOKEN,
    _GET_TOKEN,
    _LIFETIME,
    _LOGGED_OFF,
    _LOGON,
    _POST_LOGIN_TOKEN,
    _SESSION_IDS,
    _TOKEN_LOGIN,
    _TOKEN_LOGINS,
    _UCSID,
    _VERIFY,
    _tests,
)
from conformance.reference.routes import (
    JSONP_CALLBACK,
    METHODS_SERVED,
    SESSION_ID_SENT,
    SESSION_OF_REQUEST,
    UCSID_ACCEPTED,
)
from conformance.reference.sessions import Session
from conformance.rose import JsonObject

# --- logon ---------------------------------------------------------------------------------


@fault(
    "logon.wrong-status",
    "a failed logon that is due a 400 logon error body (token, query credentials, no401) "
    "gets 401 with a Basic challenge",
    LOGON_FAILURE,
    breaks=(
        *_tests(_BASIC, "test_x_no401_header_turns_the_challenge_into_the_logon_error_body"),
        *_tests(_BASIC, "test_no401_query_parameter_turns_the_challenge_into_the_logon_error_body"),
        *_tests(_LOGON, "test_wrong_password_is_logon_error_102_naming_the_user", *_BOTH_ROUTES),
        *_tests(_LOGON, "test_unknown_user_is_logon_error_101_without_failed_user", *_BOTH_ROUTES),
        *_tests(_LOGON, "test_disabled_user_is_logon_error_107", *_BOTH_ROUTES),
        *_EXPIRY,
        *_tests(_TOKEN_LOGIN, "test_identification_token_never_logs_in", "default-type", "itype-0"),
        *_tests(_TOKEN_LOGIN, "test_garbage_token_is_refused_with_400"),
    ),
)
def _logon_wrong_status(failure: LogonFailure) -> LogonFailure:
    return replace(failure, challenge=True)


@fault(
    "logon.wrong-detail",
    "an unknown user name is reported as iErrorDetail 102 (invalid password) instead of 101",
    LOGON_FAILURE,
    breaks=_tests(
        _LOGON, "test_unknown_user_is_logon_error_101_without_failed_user", *_BOTH_ROUTES
    ),
)
def _logon_wrong_detail(failure: LogonFailure) -> LogonFailure:
    if failure.detail == LogonDetail.INVALID_USER:
        return replace(failure, detail=LogonDetail.INVALID_PASSWORD)
    return failure


# --- routing -------------------------------------------------------------------------------


@fault(
    "ucsid.not-checked",
    "a request naming another UCSID is served instead of answered 502 WsError 119",
    UCSID_ACCEPTED,
    breaks=_tests(
        _UCSID,
        "test_unknown_ucsid_is_502_ws_error_119_naming_it",
        *(
            f"{route}-{where}"
            for route in ("direct", "createsession")
            for where in ("header", "query")
        ),
    ),
)
def _ucsid_not_checked(accepted: bool) -> bool:
    return True


@fault(
    "jsonp.ignored",
    "the JSONP callback parameter is ignored: plain JSON comes back",
    JSONP_CALLBACK,
    breaks=_tests(_DIRECT, "test_jsonp_callback_wraps_the_same_body"),
)
def _jsonp_ignored(callback: str | None) -> str | None:
    return None


# --- tokens --------------------------------------------------------------------------------


@fault(
    "token.identification-logs-in",
    "an identification token (iType 0, eUserTokenExternal) logs in like a login token",
    TOKEN_CHECKS,
    breaks=_tests(
        _TOKEN_LOGIN, "test_identification_token_never_logs_in", "default-type", "itype-0"
    ),
)
def _identification_logs_in(checks: frozenset[str]) -> frozenset[str]:
    return checks - {"type"}


@fault(
    "token.expiry-ignored",
    "expired tokens still log in and still verify",
    TOKEN_CHECKS,
    breaks=_EXPIRY,
)
def _expiry_ignored(checks: frozenset[str]) -> frozenset[str]:
    return checks - {"expiry"}


# --- sessions and tokens (suites/auth, suites/tokens) --------------------------------------


@fault(
    "logon.no-challenge",
    "a wrong HTTP Basic login without no401 gets the 400 logon error body instead of a 401 "
    "with a Basic challenge",
    LOGON_FAILURE,
    breaks=_tests(_BASIC, "test_wrong_basic_credentials_are_challenged_with_401", *_BOTH_ROUTES),
)
def _no_challenge(failure: LogonFailure) -> LogonFailure:
    return replace(failure, challenge=False)


@fault(
    "logon.negotiate-only",
    "a wrong HTTP Basic login is challenged for Negotiate only: Basic is not offered",
    CHALLENGES,
    breaks=_tests(_BASIC, "test_wrong_basic_credentials_are_challenged_with_401", *_BOTH_ROUTES),
)
def _negotiate_only(challenges: tuple[str, ...]) -> tuple[str, ...]:
    return ("Negotiate",)


@fault(
    "createsession.empty-id",
    "createsession answers an empty session id",
    SESSION_ID_SENT,
    breaks=(
        *_tests(_CREATESESSION, "test_createsession_accepts_the_users_password", "basic", "query"),
        *_tests(_CREATESESSION, "test_session_id_authenticates_calls_on_the_client_route"),
        *_LOGGED_OFF,
        *_tests(
            _TOKEN_LOGIN, "test_login_token_logs_in", "createsession-header", "createsession-query"
        ),
    ),
)
def _empty_id(session_id: str) -> str:
    return ""


@fault(
    "session.unknown-id-crashes",
    "a /ws/client call naming an unknown session id crashes (HTTP 500) instead of a reject",
    SESSION_OF_REQUEST,
    breaks=(
        *_tests(_SESSION_IDS, "test_session_id_never_issued_is_refused", "malformed", "unknown"),
        *_LOGGED_OFF,
    ),
)
def _unknown_session_crashes(session: Session | None) -> Session | None:
    if session is None:
        raise LookupError("no such session")  # the bug: the session is used unchecked
    return session


@fault(
    "session.survives-logoff",
    "asnLogoff leaves the session alive: its id still authenticates /ws/client calls",
    LOGOFF_ENDS_SESSION,
    breaks=_LOGGED_OFF,
)
def _survives_logoff(ends: bool) -> bool:
    return False


@fault(
    "http.post-only",
    "the /ws/ routes answer GET with 405: only POST is served",
    METHODS_SERVED,
    breaks=(
        *_tests(_DIRECT, "test_get_and_post_give_the_same_result"),
        *_tests(_DIRECT, "test_jsonp_callback_wraps_the_same_body"),
        *_GET_LOGIN_TOKEN,
    ),
)
def _post_only(methods: frozenset[str]) -> frozenset[str]:
    return methods - {"GET"}


@fault(
    "contact.display-name-as-user",
    "asnGetLoggedInContact names the user by display name instead of login name",
    OPERATION_RESULT,
    breaks=(
        *_tests(_CREATESESSION, "test_session_id_authenticates_calls_on_the_client_route"),
        *_tests(_DIRECT, "test_logged_in_contact_is_the_authenticated_user"),
        *_GET_LOGIN_TOKEN,
        *_POST_LOGIN_TOKEN,
        *_TOKEN_LOGINS,
    ),
)
def _display_name_as_user(outcome: tuple[str, Any]) -> tuple[str, Any]:
    name, result = outcome
    if name != "asnGetLoggedInContact":
        return outcome
    display = result["ownContact"]["asnRemoteContact"]["u8sDisplayName"]
    return name, {**result, "u8sLoggedInUser": display}


@fault(
    "token.type-ignored",
    "asnGetUserToken ignores iType: every token is the default identification token",
    TOKEN_REQUEST,
    breaks=(
        *_GET_LOGIN_TOKEN,
        *_POST_LOGIN_TOKEN,
        *_EXPIRY,
        *_TOKEN_LOGINS,
        *_tests(_VERIFY, "test_token_verify_reports_the_token_type", "login"),
    ),
)
def _type_ignored(argument: JsonObject) -> JsonObject:
    return {k: v for k, v in argument.items() if k != "iType"}


@fault(
    "token.ttl-ignored",
    "asnGetUserToken ignores iTTL: every token lives the default 24 hours",
    TOKEN_REQUEST,
    breaks=(*_EXPIRY, *_tests(_LIFETIME, "test_token_verify_valid_to_follows_the_ttl")),
)
def _ttl_ignored(argument: JsonObject) -> JsonObject:
    return {k: v for k, v in argument.items() if k != "iTTL"}


@fault(
    "token.not-a-jwt",
    "asnGetUserToken answers an opaque hex string instead of a JWT (which logs nobody in)",
    OPERATION_RESULT,
    breaks=(
        *_GET_LOGIN_TOKEN,
        *_POST_LOGIN_TOKEN,
        *_tests(_GET_TOKEN, "test_token_is_a_jwt"),
        *_EXPIRY,
        *_tests(_LIFETIME, "test_token_verify_valid_to_follows_the_ttl"),
        *_TOKEN_LOGINS,
        *_tests(_VERIFY, "test_token_verify_reports_the_token_type", "identification", "login"),
    ),
)
def _not_a_jwt(outcome: tuple[str, Any]) -> tuple[str, Any]:
    name, result = outcome
    if name != "asnGetUserToken":
        return outcome
    return name, {**result, "sToken": secrets.token_hex(16).upper()}


@fault(
    "token.verify-wrong-type",
    "asnTokenVerify reports every token as a login token (iType 1)",
    OPERATION_RESULT,
    breaks=_tests(_VERIFY, "test_token_verify_reports_the_token_type", "identification"),
)
def _verify_wrong_type(outcome: tuple[str, Any]) -> tuple[str, Any]:
    name, result = outcome
    if name != "asnTokenVerify":
        return outcome
    return name, {**result, "iType": 1}
