"""No password or token used in a run appears in any transcript or log line of it."""

from __future__ import annotations

import base64
import logging

import pytest

from conformance.client import (
    Basic,
    HttpClient,
    QueryCredentials,
    Session,
    TokenHeader,
    TokenQuery,
)
from conformance.reference import ReferenceServer


def test_transcripts_and_logs_hold_no_password_and_no_token(
    server: ReferenceServer, http: HttpClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    alice = server.profile.user("alice")
    login = QueryCredentials(alice.name, alice.password)
    token = http.direct("asnGetUserToken", {"iType": 1}, auth=login).expect_result()["sToken"]
    identification = http.direct("asnGetUserToken", {}, auth=login).expect_result()["sToken"]
    secrets = {*server.profile.secrets(), token, identification}
    # Basic credentials travel base64-encoded: that spelling must not leak either.
    secrets.add(base64.b64encode(f"{alice.name}:{alice.password}".encode()).decode())

    for auth in (Basic(alice.name, alice.password), TokenQuery(token), TokenHeader(token), login):
        http.direct("asnGetLoggedInContact", {}, auth=auth, method="GET").expect_result()
        http.direct("asnGetLoggedInContact", {}, auth=auth, method="POST").expect_result()
    http.direct("asnTokenVerify", {"sToken": token}, auth=login).expect_result()
    http.direct("asnGetLoggedInContact", {}, auth=QueryCredentials(alice.name, "wrong"))
    http.direct("asnGetLoggedInContact", {}, auth=TokenQuery(identification))
    sessions = [
        Session.open(http, auth) for auth in (Basic(alice.name, alice.password), TokenQuery(token))
    ]
    for session in sessions:
        with session:
            session.invoke("asnTokenVerify", {"sToken": token}).expect_result()

    texts = [http.transcript.render(), *(s.transcript.render() for s in sessions)]
    texts += [record.getMessage() for record in caplog.records]
    assert all(texts[:3]), "the transcripts recorded nothing"
    leaks = sorted({secret for secret in secrets for text in texts if secret in text})
    assert leaks == []
