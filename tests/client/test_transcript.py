"""Tests of conformance/client/transcript.py: no secret of any kind survives recording."""

from __future__ import annotations

import base64
import json
from dataclasses import astuple

import pytest

from conformance.client.transcript import MASK, Redactor, Transcript, is_secret_name

JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlX2hlcmU"
PASSWORD = "s3cr3t Pässwörd&x=1"


def everything(transcript: Transcript) -> str:
    """Every string the transcript holds, not only what render() shows."""
    return repr([astuple(entry) for entry in transcript.entries]) + transcript.render()


@pytest.mark.parametrize(
    "name",
    [
        "u8sPassword",
        "u8sNewPasswd",
        "u8sProxyPwdEncrypted",
        "u8sAdminPasswordCrypted",
        "sToken",
        "u8sToken",
        "u8sClientSecret",
        "sAuthCredetials",
        "credential",
        "u8sProjectPin",
        "u8sUserEnteredPin",
        "token",
        "pass",
        "x-uctoken",
        "Authorization",
    ],
)
def test_secret_names(name: str) -> None:
    assert is_secret_name(name)


@pytest.mark.parametrize(
    "name",
    ["bUserTyping", "objAttributeMapping", "u8slistIPInterfaces", "user", "u8sSessionID", "iType"],
)
def test_ordinary_names(name: str) -> None:
    assert not is_secret_name(name)


def test_query_secrets_in_the_request_line() -> None:
    t = Transcript()
    t.http_request("GET", f"http://h/ws/direct/op?user=alice&pass=hunter2&token={JWT}", {}, None)
    t.http_request("GET", "http://h/ws/direct/op?u8sPassword=hunter3&iType=1", {}, None)
    text = everything(t)
    for secret in ("hunter2", "hunter3", JWT):
        assert secret not in text
    assert "user=alice" in text and f"pass={MASK}" in text and "iType=1" in text


def test_secret_headers() -> None:
    t = Transcript()
    basic = "Basic " + base64.b64encode(b"alice:hunter2").decode()
    headers = {"Authorization": basic, "x-uctoken": JWT, "Cookie": "s=1", "X-ucsid": "local"}
    t.http_request("POST", "http://h/ws/client/createsession", headers, b"{}")
    text = everything(t)
    assert base64.b64encode(b"alice:hunter2").decode() not in text and JWT not in text
    assert "s=1" not in text and "X-ucsid: local" in text
    assert f"Authorization: {MASK}" in text


def test_secret_members_in_bodies() -> None:
    t = Transcript()
    body = json.dumps(
        {
            "sToken": "opaque-token-123",
            "u8sPassword": "pw1",
            "nested": {"u8sNewPassword": "pw2", "optionalParams": {"Password": "pw3"}},
            "u8sDisplayName": "Alice",
        }
    )
    t.http_response(200, "OK", {"Content-Type": "application/json"}, body.encode(), 0.01)
    t.frame("<", body)
    text = everything(t)
    for secret in ("opaque-token-123", "pw1", "pw2", "pw3"):
        assert secret not in text
    assert "Alice" in text and '"sToken": "***"' in text


def test_jwt_anywhere() -> None:
    t = Transcript()
    t.note(f"the token was {JWT}, as text")
    t.frame(">", f'{{"invoke": {{"argument": {{"u8sSomething": "{JWT}"}}}}}}')
    assert JWT not in everything(t)


def test_auth_schemes_in_text() -> None:
    r = Redactor()
    assert r.text("header said Bearer abc.def-ghi and Basic YWxpY2U6aHVudGVy") == (
        f"header said Bearer {MASK} and Basic {MASK}"
    )


def test_explicit_secrets_in_every_spelling() -> None:
    t = Transcript(secrets=[PASSWORD])
    from urllib.parse import quote, quote_plus

    t.note(f"plain {PASSWORD} end")
    t.note(f"encoded {quote(PASSWORD, safe='')} and {quote_plus(PASSWORD)}")
    t.frame("<", json.dumps({"u8sDisplayName": PASSWORD}))  # escaped as JSON (\u00e4)
    t.http_request("GET", "http://h/x?user=alice&other=" + quote(PASSWORD, safe=""), {}, None)
    text = everything(t)
    assert PASSWORD not in text
    assert quote(PASSWORD, safe="") not in text and quote_plus(PASSWORD) not in text
    assert json.dumps(PASSWORD)[1:-1] not in text


def test_secrets_added_later_apply_from_then_on_and_empty_ones_are_ignored() -> None:
    r = Redactor([""])
    t1, t2 = Transcript(redactor=r), Transcript(redactor=r)
    r.add("late-secret")
    t1.note("late-secret")
    t2.note("late-secret")
    assert "late-secret" not in everything(t1) + everything(t2)
    assert r.text("abc") == "abc"


def test_longer_secret_masked_whole() -> None:
    r = Redactor(["abc", "abcdef"])
    assert r.text("xabcdefx") == f"x{MASK}x"


def test_userinfo_in_urls() -> None:
    assert Redactor().url("http://alice:pw@h:1/p?a=1") == f"http://{MASK}@h:1/p?a=1"


def test_redaction_happens_before_truncation() -> None:
    t = Transcript(max_body=30)
    t.frame("<", "x" * 20 + JWT + " " + "y" * 50)
    body = t.entries[0].body
    assert "eyJ" not in body and "characters in all" in body


def test_render_is_readable() -> None:
    t = Transcript()
    t.http_request("POST", "http://h/ws/direct/asnX?ucsid=local", {"A": "b"}, b'{"i": 1}')
    t.http_response(200, "OK", {}, b"{}", 0.012)
    t.frame(">", '{"invoke": {}}', "invoke asnX #1")
    text = t.render()
    assert 'HTTP > POST http://h/ws/direct/asnX?ucsid=local\n    A: b\n\n    {"i": 1}' in text
    assert "HTTP < 200 OK (12 ms)" in text and "WS > invoke asnX #1" in text
    assert len(t) == 3
    t.clear()
    assert len(t) == 0


def test_bounded() -> None:
    t = Transcript(max_entries=3)
    for i in range(5):
        t.note(str(i))
    assert [e.label for e in t.entries] == ["2", "3", "4"]


def test_deep_value_scrubbing() -> None:
    r = Redactor(["pw-9"])
    value = {"u8sPassword": "x", "list": [{"sToken": "y"}, f"say pw-9 and {JWT}"], "i": 1}
    assert r.value(value) == {
        "u8sPassword": MASK,
        "list": [{"sToken": MASK}, f"say {MASK} and {MASK}"],
        "i": 1,
    }


def test_schema_violation_scrubbed() -> None:
    from conformance.errors import SchemaViolation

    r = Redactor(["pw-9"])
    original = SchemaViolation(
        "AsnX", "", "required member 'a'", {"sToken": JWT, "u8sName": "pw-9"}, "1.2", "ctx pw-9"
    )
    clean = r.violation(original)
    assert "pw-9" not in str(clean) and JWT not in str(clean)
    assert (clean.type_name, clean.pointer, clean.section) == ("AsnX", "", "1.2")
