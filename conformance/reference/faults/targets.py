"""The conformance tests faults must break: node ids relative to the repository root."""

from __future__ import annotations

# --- the conformance tests a fault must break (ids relative to the repository root) -------

_BASIC = "suites/auth/test_basic_challenge.py"
_CREATESESSION = "suites/auth/test_createsession.py"
_DIRECT = "suites/auth/test_direct_route.py"
_LOGON = "suites/auth/test_logon_errors.py"
_SESSION_IDS = "suites/auth/test_session_ids.py"
_UCSID = "suites/auth/test_ucsid.py"
_GET_TOKEN = "suites/tokens/test_get_user_token.py"
_LIFETIME = "suites/tokens/test_token_lifetime.py"
_TOKEN_LOGIN = "suites/tokens/test_token_login.py"
_VERIFY = "suites/tokens/test_token_verify.py"
_BOTH_ROUTES = ("createsession", "direct")


def _tests(path: str, name: str, *params: str) -> tuple[str, ...]:
    """The ids of test ``name`` in ``path``: one per parameter id given, else the test's own."""
    if not params:
        return (f"{path}::{name}",)
    return tuple(f"{path}::{name}[{param}]" for param in params)


_TOKEN_LOGINS = _tests(
    _TOKEN_LOGIN,
    "test_login_token_logs_in",
    "createsession-header",
    "createsession-query",
    "direct-header",
    "direct-query",
)
_EXPIRY = _tests(_LIFETIME, "test_token_is_refused_with_130_once_its_ttl_has_passed")
_GET_LOGIN_TOKEN = _tests(_GET_TOKEN, "test_get_with_itype_1_in_the_query_gives_a_login_token")
_POST_LOGIN_TOKEN = _tests(_GET_TOKEN, "test_post_with_itype_1_in_the_body_gives_a_login_token")
_LOGGED_OFF = _tests(_SESSION_IDS, "test_session_id_is_refused_after_logoff")
