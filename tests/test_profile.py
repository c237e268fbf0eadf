"""Target profiles: loading, and one clear ProfileError line for every kind of mistake."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from conformance.errors import ProfileError
from conformance.profile import EMBEDDED_PROFILE, Profile, load_profile

EXAMPLE_PROFILE = EMBEDDED_PROFILE.parent / "example.toml"

MINIMAL = """
[target]
url = "http://127.0.0.1:7224"
ucsid = "local"

[users.alice]
name = "alice"
password = "pw-a"
lines = ["tel:+4930100101"]
"""


def write(tmp_path: Path, text: str, name: str = "profile.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# --- the shipped profiles ------------------------------------------------------------------


def test_embedded_profile_describes_the_reference_directory() -> None:
    profile = load_profile(EMBEDDED_PROFILE)
    assert profile.target.url == "http://127.0.0.1:7224"
    assert profile.target.ucsid == "local"
    assert profile.target.verify_tls is False
    assert len(profile.users) >= 4
    assert [u.alias for u in profile.users.values() if u.disabled] == ["dave"]
    assert all(len(u.lines) == 2 for u in profile.users.values())
    support = [u.alias for u in profile.enabled_users() if "support" in u.groups]
    outsiders = [u.alias for u in profile.enabled_users() if "support" not in u.groups]
    assert support == ["alice", "bob"]
    assert outsiders == ["carol"]
    assert set(profile.agent.groups) == {"support", "sales"}
    enabled_lines = {line for u in profile.enabled_users() for line in u.lines}
    assert set(profile.cti.lines) <= enabled_lines
    assert profile.capability("protocol.max_version") == 70


def test_example_profile_loads_with_its_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AGENT1", "AGENT2", "OUTSIDER", "DISABLED"):
        monkeypatch.setenv(f"UCCONF_{name}_PASSWORD", f"secret-{name.lower()}")
    profile = load_profile(EXAMPLE_PROFILE)
    assert profile.target.url.startswith("https://")
    assert profile.user("agent1").password == "secret-agent1"
    assert sorted(profile.secrets()) == sorted(
        f"secret-{n}" for n in ("agent1", "agent2", "outsider", "disabled")
    )


def test_example_profile_names_the_missing_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("UCCONF_AGENT1_PASSWORD", raising=False)
    with pytest.raises(ProfileError) as caught:
        load_profile(EXAMPLE_PROFILE)
    message = str(caught.value)
    assert "example.toml" in message
    assert "users.agent1.password_env" in message
    assert "UCCONF_AGENT1_PASSWORD is not set" in message


# --- the dataclasses -----------------------------------------------------------------------


def test_passwords_never_appear_in_repr() -> None:
    profile = load_profile(EMBEDDED_PROFILE)
    text = repr(profile) + str(profile) + repr(list(profile.users.values()))
    assert profile.secrets()
    for secret in profile.secrets():
        assert secret not in text


def test_secrets_lists_every_password(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOB_PW", "from-env")
    path = write(
        tmp_path,
        MINIMAL + '[users.bob]\nname = "bob"\npassword_env = "BOB_PW"\n',
    )
    assert set(load_profile(path).secrets()) == {"pw-a", "from-env"}


def test_profile_is_frozen() -> None:
    profile = load_profile(EMBEDDED_PROFILE)
    with pytest.raises(dataclasses.FrozenInstanceError):
        profile.target = profile.target  # type: ignore[misc]
    with pytest.raises(TypeError):
        profile.users["x"] = profile.user("alice")  # type: ignore[index]


def test_defaults_and_optional_tables(tmp_path: Path) -> None:
    profile = load_profile(write(tmp_path, MINIMAL))
    assert isinstance(profile, Profile)
    assert profile.target.verify_tls is True
    alice = profile.user("alice")
    assert (alice.disabled, alice.public, alice.groups, alice.display_name) == (
        False,
        False,
        (),
        None,
    )
    assert profile.cti.lines == ()
    assert profile.agent.groups == ()
    assert dict(profile.capabilities) == {}
    with pytest.raises(KeyError, match="known: \\['alice'\\]"):
        profile.user("nobody")


def test_safety_defaults_and_the_dedicated_negative_auth_account(tmp_path: Path) -> None:
    profile = load_profile(write(tmp_path, MINIMAL))
    assert profile.safety.max_failed_logins == 2
    assert profile.wrong_password_user().alias == "alice"  # the first enabled user
    text = MINIMAL + '[users.neg]\nname = "neg"\npassword = "n"\n'
    text += '[safety]\nmax_failed_logins = 1\nnegative_auth_user = "neg"\n'
    profile = load_profile(write(tmp_path, text))
    assert profile.safety.max_failed_logins == 1
    assert profile.wrong_password_user().name == "neg"


def test_capabilities_are_flattened_to_dotted_keys(tmp_path: Path) -> None:
    text = MINIMAL + (
        "[capabilities]\n"
        'agent.ttl_above_max = "clamp"\n'
        "chat = true\n"
        "[capabilities.cti]\n"
        "max_lines = 2\n"
        "ratio = 0.5\n"
    )
    profile = load_profile(write(tmp_path, text))
    assert dict(profile.capabilities) == {
        "agent.ttl_above_max": "clamp",
        "chat": True,
        "cti.max_lines": 2,
        "cti.ratio": 0.5,
    }
    assert profile.capability("missing", "fallback") == "fallback"


def test_verify_tls_path_is_resolved_relative_to_the_profile(tmp_path: Path) -> None:
    (tmp_path / "ca.pem").write_text("-----BEGIN CERTIFICATE-----\n", encoding="ascii")
    text = MINIMAL.replace('ucsid = "local"', 'ucsid = "local"\nverify_tls = "ca.pem"')
    assert load_profile(write(tmp_path, text)).target.verify_tls == tmp_path / "ca.pem"


def test_plain_numbers_are_lines_too(tmp_path: Path) -> None:
    text = MINIMAL.replace('"tel:+4930100101"', '"+4930100101", "100"')
    assert load_profile(write(tmp_path, text)).user("alice").lines == ("+4930100101", "100")


def test_safety_and_client_defaults_and_values(tmp_path: Path) -> None:
    defaults = load_profile(write(tmp_path, MINIMAL))
    assert defaults.safety.allow == ("read", "own")
    assert defaults.safety.max_failed_logins == 2
    assert defaults.client.protocol_version == 70
    text = MINIMAL + '[safety]\nallow = ["read", "shared"]\nmax_failed_logins = 1\n'
    text += "[client]\nprotocol_version = 60\n"
    profile = load_profile(write(tmp_path, text))
    assert profile.safety.allow == ("read", "shared")
    assert profile.safety.max_failed_logins == 1
    assert profile.client.protocol_version == 60


# --- every mistake: one line naming the file, the key and the problem -----------------------

TARGET = '[target]\nurl = "http://127.0.0.1:7224"\nucsid = "local"\n'
USER = '[users.alice]\nname = "alice"\npassword = "a"\n'

MISTAKES = {
    "toml syntax": ("[target\nurl = 1", None, "TOML syntax error"),
    "unknown table": (TARGET + "[target2]\nx = 1\n", "target2", "unknown key"),
    "target missing": (USER, "target", "missing"),
    "target not a table": ('target = "x"\n', "target", "must be a table"),
    "url missing": ('[target]\nucsid = "local"\n', "target.url", "missing"),
    "url ill-typed": ('[target]\nurl = 7224\nucsid = "local"\n', "target.url", "string"),
    "url scheme": ('[target]\nurl = "ftp://h"\nucsid = "l"\n', "target.url", "http://"),
    "url with path": ('[target]\nurl = "http://h/ws"\nucsid = "l"\n', "target.url", "base URL"),
    "ucsid missing": ('[target]\nurl = "http://h"\n', "target.ucsid", "missing"),
    "ucsid empty": ('[target]\nurl = "http://h"\nucsid = ""\n', "target.ucsid", "empty"),
    "verify_tls ill-typed": (
        TARGET + "verify_tls = 1\n",
        "target.verify_tls",
        "boolean or a CA bundle path",
    ),
    "verify_tls missing bundle": (
        TARGET + 'verify_tls = "nowhere.pem"\n',
        "target.verify_tls",
        "does not exist",
    ),
    "unknown target key": (TARGET + 'ucsd = "x"\n', "target.ucsd", "did you mean 'ucsid'"),
    "users not a table": ('users = ["a"]\n' + TARGET, "users", "must be a table"),
    "user not a table": (TARGET + "[users]\nalice = 1\n", "users.alice", "must be a table"),
    "user name missing": (
        TARGET + '[users.alice]\npassword = "a"\n',
        "users.alice.name",
        "missing",
    ),
    "user unknown key": (TARGET + USER + 'pasword = "x"\n', "users.alice.pasword", "password"),
    "no password": (TARGET + '[users.alice]\nname = "alice"\n', "users.alice.password", "missing"),
    "two passwords": (
        TARGET + USER + 'password_env = "X"\n',
        "users.alice.password_env",
        "not both",
    ),
    "password ill-typed": (
        TARGET + '[users.alice]\nname = "alice"\npassword = 1\n',
        "users.alice.password",
        "string",
    ),
    "password_env not a name": (
        TARGET + '[users.alice]\nname = "a"\npassword_env = "A B"\n',
        "users.alice.password_env",
        "not an environment variable name",
    ),
    "password_env unset": (
        TARGET + '[users.alice]\nname = "a"\npassword_env = "UCCONF_TEST_UNSET_VARIABLE"\n',
        "users.alice.password_env",
        "UCCONF_TEST_UNSET_VARIABLE is not set",
    ),
    "disabled ill-typed": (TARGET + USER + 'disabled = "yes"\n', "users.alice.disabled", "boolean"),
    "public ill-typed": (TARGET + USER + "public = 1\n", "users.alice.public", "boolean"),
    "lines not a list": (TARGET + USER + 'lines = "tel:1"\n', "users.alice.lines", "list"),
    "line not a line": (TARGET + USER + 'lines = ["bob"]\n', "users.alice.lines", "LineURI"),
    "line twice": (
        TARGET + USER + 'lines = ["tel:1", "tel:1"]\n',
        "users.alice.lines",
        "more than once",
    ),
    "groups ill-typed": (TARGET + USER + "groups = [1]\n", "users.alice.groups", "list"),
    "sip uri": (TARGET + USER + 'sip_uri = "alice@x"\n', "users.alice.sip_uri", "sip:"),
    "duplicate user names": (
        TARGET + USER + '[users.other]\nname = "ALICE"\npassword = "b"\n',
        "users.other.name",
        "also the name of users.alice",
    ),
    "line owned twice": (
        TARGET
        + USER
        + 'lines = ["tel:+491"]\n[users.bob]\nname = "bob"\npassword = "b"\nlines = ["tel:+491"]\n',
        "users.bob.lines",
        "also owned by users.alice",
    ),
    "cti unknown key": (TARGET + "[cti]\nline = []\n", "cti.line", "did you mean 'lines'"),
    "cti lines ill-typed": (TARGET + "[cti]\nlines = [1]\n", "cti.lines", "list"),
    "agent groups ill-typed": (TARGET + '[agent]\ngroups = "s"\n', "agent.groups", "list"),
    "safety allow unknown class": (
        TARGET + '[safety]\nallow = ["read", "all"]\n',
        "safety.allow",
        "'all' is no effect class",
    ),
    "safety unknown key": (TARGET + "[safety]\nallowed = []\n", "safety.allowed", "allow"),
    "client protocol_version ill-typed": (
        TARGET + '[client]\nprotocol_version = "70"\n',
        "client.protocol_version",
        "integer",
    ),
    "capability array": (
        TARGET + "[capabilities]\nx = [1]\n",
        "capabilities.x",
        "boolean, number or string",
    ),
    "nested capability date": (
        TARGET + "[capabilities.a]\nwhen = 2024-01-01\n",
        "capabilities.a.when",
        "boolean, number or string",
    ),
    "safety misspelt key": (
        TARGET + USER + "[safety]\nmax_wrong = 1\n",
        "safety.max_wrong",
        "unknown key",
    ),
    "max_failed_logins negative": (
        TARGET + USER + "[safety]\nmax_failed_logins = -1\n",
        "safety.max_failed_logins",
        "whole number, 0 or more",
    ),
    "max_failed_logins not a number": (
        TARGET + USER + '[safety]\nmax_failed_logins = "2"\n',
        "safety.max_failed_logins",
        "whole number",
    ),
    "negative_auth_user unknown": (
        TARGET + USER + '[safety]\nnegative_auth_user = "bob"\n',
        "safety.negative_auth_user",
        "'bob' is no enabled user (['alice'])",
    ),
}


@pytest.mark.parametrize(("text", "key", "problem"), MISTAKES.values(), ids=list(MISTAKES))
def test_mistake_is_one_clear_line(
    tmp_path: Path, text: str, key: str | None, problem: str
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ProfileError) as caught:
        load_profile(path)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"{path}: ")
    if key is not None:
        assert f": {key}: " in message, message
    assert problem in message, message


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ProfileError, match=r"nope\.toml: no such file"):
        load_profile(tmp_path / "nope.toml")


def test_unreadable_path(tmp_path: Path) -> None:
    with pytest.raises(ProfileError, match="cannot read"):
        load_profile(tmp_path)  # a directory


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin1.toml"
    path.write_bytes(b'[target]\nurl = "http://h"\nucsid = "\xe4"\n')
    with pytest.raises(ProfileError, match="not UTF-8"):
        load_profile(path)


def test_client_dialect_and_operation_numbers(tmp_path: Path) -> None:
    profile = load_profile(write(tmp_path, MINIMAL))
    assert profile.client.dialect == "plain" and dict(profile.operation_ids) == {}
    text = MINIMAL + '[client]\ndialect = "vendor"\n[operation_ids]\nasnUpdatePresence = 4500\n'
    profile = load_profile(write(tmp_path, text))
    assert profile.client.dialect == "vendor"
    assert dict(profile.operation_ids) == {"asnUpdatePresence": 4500}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[client]\ndialect = "json"\n', "client.dialect: must be one of plain, vendor"),
        ("[client]\nspeak = 1\n", "client.speak: unknown key"),
        ('[operation_ids]\nasnX = "7"\n', "operation_ids.asnX: must be a positive integer"),
        ("[operation_ids]\nasnX = 0\n", "operation_ids.asnX: must be a positive integer"),
    ],
)
def test_bad_client_tables_are_named(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ProfileError, match=message):
        load_profile(write(tmp_path, MINIMAL + text))


# --- the administrator -----------------------------------------------------------------------


def test_the_administrator_is_optional_and_no_user(tmp_path: Path) -> None:
    assert load_profile(write(tmp_path, MINIMAL)).administrator is None
    text = MINIMAL + '[administrator]\nname = "admin"\npassword = "pw-admin"\n'
    profile = load_profile(write(tmp_path, text))
    assert profile.administrator is not None and profile.administrator.name == "admin"
    assert "admin" not in [u.name for u in profile.users.values()]
    assert "pw-admin" in profile.secrets() and "pw-admin" not in repr(profile)


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ('name = "ALICE"\npassword = "x"', r"administrator\.name: 'alice' is also the name"),
        ('name = "admin"\npassword = "x"\nlines = []', r"administrator\.lines: unknown key"),
        ('name = "admin"', r"administrator\.password: missing"),
    ],
)
def test_a_wrong_administrator_is_one_clear_line(tmp_path: Path, table: str, message: str) -> None:
    with pytest.raises(ProfileError, match=message):
        load_profile(write(tmp_path, MINIMAL + f"[administrator]\n{table}\n"))
