"""The public API of conformance.client is exactly what __all__ says (httpx-style pin)."""

from __future__ import annotations

import conformance.client as client


def test_public_api_is_pinned() -> None:
    assert sorted(client.__all__) == sorted(
        [
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
    )
    for name in client.__all__:
        assert getattr(client, name) is not None
