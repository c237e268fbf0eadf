"""The suite's client for the UCServer web service: HTTP routes and the WebSocket session.

Typical use::

    target = Target("http://127.0.0.1:7224", ucsid="local")
    with HttpClient(target, secrets=profile_passwords) as http:
        token = http.direct("asnGetUserToken", {"iType": 1},
                            auth=QueryCredentials("alice", pw)).expect_result()["sToken"]
        with Session.open(http, TokenQuery(token)) as session:
            me = session.invoke("asnGetLoggedInContact").expect_result()
            session.wait_for("asnUpdatePresence", where={"iChangedFlags": 1})

Modules: ``target`` (where and how long), ``auth`` (credential modes), ``http`` (routes),
``outcome`` (decoding answers), ``checks`` (catalogue checks both ways), ``dispatch`` (reply
correlation and the event inbox, no I/O), ``session`` (createsession + WebSocket),
``transcript`` (redacted records), ``exceptions`` (where each failure sits in the two trees).
"""

from conformance.client.auth import (
    Anonymous,
    Auth,
    Basic,
    QueryCredentials,
    TokenHeader,
    TokenQuery,
)
from conformance.client.dispatch import Dispatcher, ReceivedEvent, Where
from conformance.client.exceptions import (
    AccountLocked,
    ArgumentInvalid,
    ConnectionDropped,
    EventTimeout,
    InvokeTimeout,
    OperationNotImplemented,
    SessionClosed,
    UnexpectedOutcome,
    UnknownOperation,
    UnwantedEvent,
)
from conformance.client.http import (
    CLIENT_APP_ID,
    DEFAULT_NEGOTIATE,
    HttpClient,
)
from conformance.client.outcome import (
    BodyForm,
    HttpOutcome,
    HttpResponse,
    Outcome,
    OutcomeKind,
    challenge_schemes,
    raise_if_locked,
    unwrap_jsonp,
)
from conformance.client.session import Session
from conformance.client.target import Target, UcsidPlacement
from conformance.client.transcript import Redactor, Transcript

__all__ = [
    "CLIENT_APP_ID",
    "DEFAULT_NEGOTIATE",
    "AccountLocked",
    "Anonymous",
    "ArgumentInvalid",
    "Auth",
    "Basic",
    "BodyForm",
    "ConnectionDropped",
    "Dispatcher",
    "EventTimeout",
    "HttpClient",
    "HttpOutcome",
    "HttpResponse",
    "InvokeTimeout",
    "OperationNotImplemented",
    "Outcome",
    "OutcomeKind",
    "QueryCredentials",
    "ReceivedEvent",
    "Redactor",
    "Session",
    "SessionClosed",
    "Target",
    "TokenHeader",
    "TokenQuery",
    "Transcript",
    "UcsidPlacement",
    "UnexpectedOutcome",
    "UnknownOperation",
    "UnwantedEvent",
    "Where",
    "challenge_schemes",
    "raise_if_locked",
    "unwrap_jsonp",
]
