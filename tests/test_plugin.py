"""conformance.plugin, exercised the way pytest users meet it (pytester, in-process)."""

from __future__ import annotations

from pathlib import Path

import pytest

from conformance.outcomes import OUTCOME_PROPERTY
from conformance.plugin import requirement_unmet
from conformance.profile import EMBEDDED_PROFILE, load_profile

pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestAssertRewriteWarning")


def outcomes(result: pytest.RunResult) -> dict[str, str]:
    """Test name -> the plugin's outcome class, read from the JUnit XML it wrote."""
    import xml.etree.ElementTree as ElementTree

    tree = ElementTree.parse(result.xml)  # type: ignore[attr-defined]
    found = {}
    for case in tree.iter("testcase"):
        for prop in case.iter("property"):
            if prop.get("name") == OUTCOME_PROPERTY:
                found[case.get("name", "")] = prop.get("value", "")
    return found


INNER = ("-p", "no:cacheprovider", "-p", "no:benchmark")
"""Options of every inner run: pytester's runs do not read our pyproject's, and
pytest-benchmark, where installed, warns (an error here) inside an xdist worker."""


@pytest.fixture
def run(pytester: pytest.Pytester) -> object:
    def runner(source: str, *args: str) -> pytest.RunResult:
        pytester.makepyfile(test_suite=source)
        xml = pytester.path / "junit.xml"
        result = pytester.runpytest_inprocess(
            *INNER, f"--junitxml={xml}", "-o", "junit_family=xunit1", *args
        )
        result.xml = xml  # type: ignore[attr-defined]
        return result

    return runner


def test_embedded_target_serves_the_fixtures(run) -> None:  # type: ignore[no-untyped-def]
    result = run(
        """
        from conformance.client import QueryCredentials

        def test_direct(direct, profile, reference_server):
            alice = profile.user("alice")
            auth = QueryCredentials(alice.name, alice.password)
            assert reference_server is not None
            got = direct.direct("asnGetLoggedInContact", {}, auth=auth).expect_result()
            assert got["u8sLoggedInUser"] == alice.name

        def test_session(session_factory):
            session = session_factory("bob")
            got = session.invoke("asnGetLoggedInContact", {}).expect_result()
            assert got["u8sLoggedInUser"] == "bob"
        """
    )
    result.assert_outcomes(passed=2)
    assert outcomes(result) == {"test_direct": "passed", "test_session": "passed"}


def test_outcome_classes(run) -> None:  # type: ignore[no-untyped-def]
    result = run(
        """
        import pytest
        from conformance.errors import SuiteError

        def test_violation():
            assert 1 == 2, "the server is wrong"

        def test_broken():
            raise SuiteError("the network broke")

        def test_not_implemented(session_factory):
            session_factory("alice").invoke(
                "asnNoSuchOperation", {}, check_argument=False
            ).expect_result()

        @pytest.mark.requires("cti.lines>=99")
        def test_needs_more_lines():
            pass
        """,
        "-rs",
    )
    result.assert_outcomes(passed=0, failed=2, skipped=2)
    assert outcomes(result) == {
        "test_violation": "failed",
        "test_broken": "error",
        "test_not_implemented": "not implemented",
        "test_needs_more_lines": "skipped",
    }
    result.stdout.fnmatch_lines(
        [
            "*not implemented: asnNoSuchOperation*",
            "*the profile lacks cti.lines>=99 (it has 6)*",
        ]
    )


def test_sessions_are_closed_and_transcripts_attached_when_a_test_fails(run) -> None:  # type: ignore[no-untyped-def]
    result = run(
        """
        SEEN = []

        def test_fails(session_factory):
            SEEN.append(session_factory("carol"))
            assert False

        def test_closed_afterwards():
            assert SEEN[0].closed
        """,
        "-rA",
    )
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*session 1 (carol) transcript*", "*createsession*"])
    assert "carol-pw" not in result.stdout.str()


def test_direct_sessions_are_logged_off_when_the_test_ends(run) -> None:  # type: ignore[no-untyped-def]
    result = run(
        """
        from conformance.client import Basic

        IDS = []

        def test_creates(direct, profile):
            alice = profile.user("alice")
            IDS.append(direct.new_session_id(Basic(alice.name, alice.password)))

        def test_gone_afterwards(reference_server):
            assert reference_server.state.sessions.get(IDS[0]) is None
        """
    )
    result.assert_outcomes(passed=2)


def test_a_locked_account_stops_the_run_with_one_broken_result(run) -> None:  # type: ignore[no-untyped-def]
    result = run(
        """
        import pytest
        from conformance.client import QueryCredentials

        def test_locks(direct, profile):
            alice = profile.user("alice")
            for _ in range(4):  # the policy locks after 3
                direct.direct("asnGetLoggedInContact", {}, auth=QueryCredentials("alice", "x"))

        def test_never_runs():
            pass
        """,
        "--variation",
        "auth.lockout-policy",
    )
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*broken: the account 'alice' is locked (logon error 129*"])
    assert outcomes(result) == {"test_locks": "error"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--profile", "/nonexistent.toml"), "ERROR: /nonexistent.toml: no such file"),
        (("--target", "http://127.0.0.1:9"), "ERROR: --target needs --profile FILE*"),
        (("--fault", "no.such-fault"), "ERROR: unknown fault(s) ?'no.such-fault'?; known: *"),
        (("--timeout-factor", "0"), "ERROR: --timeout-factor must be positive*"),
    ],
)
def test_bad_options_stop_the_run_with_one_line(
    pytester: pytest.Pytester, args: tuple[str, ...], message: str
) -> None:
    pytester.makepyfile(test_x="def test_x(): pass")
    result = pytester.runpytest_inprocess(*INNER, *args)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([message])
    assert "Traceback" not in result.stderr.str()


def test_a_fault_reaches_the_embedded_server(run) -> None:  # type: ignore[no-untyped-def]
    result = run(
        """
        def test_faults(reference_server):
            assert "logon.wrong-status" in reference_server.faults
        """,
        "--fault",
        "logon.wrong-status",
    )
    result.assert_outcomes(passed=1)


@pytest.mark.parametrize(
    ("expression", "unmet"),
    [
        ("cti.lines>=2", None),
        ("cti.lines>=99", "the profile lacks cti.lines>=99 (it has 6)"),
        ("users.disabled", None),
        ("administrator", None),
        ("administrator>=2", "the profile lacks administrator>=2 (it has 1)"),
        ("agent.groups==2", None),
        ("capability:no.such", "the profile does not offer capability:no.such"),
    ],
)
def test_requirement_expressions(expression: str, unmet: str | None) -> None:
    assert requirement_unmet(expression, load_profile(EMBEDDED_PROFILE)) == unmet


def test_plugin_is_registered_through_the_entry_point() -> None:
    from importlib.metadata import entry_points

    names = {ep.value for ep in entry_points(group="pytest11")}
    assert "conformance.plugin" in names
    assert Path(EMBEDDED_PROFILE).exists()


def test_a_violation_found_while_tearing_down_fails_the_test(run) -> None:  # type: ignore[no-untyped-def]
    result = run(
        """
        import pytest
        from conformance.errors import ConformanceViolation, SuiteError

        @pytest.fixture
        def late_violation():
            yield
            raise ConformanceViolation("an invalid event arrived after the last wait")

        @pytest.fixture
        def late_breakage():
            yield
            raise SuiteError("the network broke while closing")

        def test_violation_at_teardown(late_violation):
            pass

        def test_breakage_at_teardown(late_breakage):
            pass
        """
    )
    assert outcomes(result) == {
        "test_violation_at_teardown": "failed",
        "test_breakage_at_teardown": "error",
    }


def test_unreported_session_faults_surface_at_teardown(run) -> None:  # type: ignore[no-untyped-def]
    result = run(
        """
        from conformance.errors import SchemaViolation

        def test_passes_but_an_event_was_invalid(session_factory):
            session = session_factory("alice")
            session.dispatcher.fault(SchemaViolation("AsnX", "/a", "integer", "x"))
        """
    )
    assert outcomes(result) == {"test_passes_but_an_event_was_invalid": "failed"}


def test_allure_shows_server_faults_as_failed_and_suite_faults_as_broken(
    pytester: pytest.Pytester,
) -> None:
    import json

    pytester.makepyfile(
        test_suite="""
        import pytest
        from conformance.errors import ConformanceViolation, SuiteError

        @pytest.mark.module("ChatV2")
        @pytest.mark.spec("16.1.12", line=18319)
        def test_server_wrong():
            raise ConformanceViolation("the server is wrong")

        def test_suite_broke():
            raise SuiteError("the network broke")

        def test_not_implemented(session_factory):
            session_factory("alice").invoke("asnNoSuch", {}, check_argument=False).expect_result()
        """
    )
    results = pytester.path / "allure"
    pytester.runpytest_inprocess(*INNER, f"--alluredir={results}")
    found = {}
    for path in results.glob("*-result.json"):
        data = json.loads(path.read_text())
        found[data["name"]] = data
    assert {name: data["status"] for name, data in found.items()} == {
        "test_server_wrong": "failed",
        "test_suite_broke": "broken",
        "test_not_implemented": "skipped",
    }
    labels = {label["name"]: label["value"] for label in found["test_server_wrong"]["labels"]}
    assert (labels["epic"], labels["feature"], labels["story"]) == (
        "ChatV2",
        "asnChatGetEventsRange",
        "test_server_wrong",
    )
    assert found["test_server_wrong"]["links"][0]["name"] == "document section 16.1.12"


GATED_SUITE = """
    import pytest
    from conformance.client import QueryCredentials

    def _auth(profile):
        alice = profile.user("alice")
        return QueryCredentials(alice.name, alice.password)

    @pytest.mark.sends("asnGetLoggedInContact")
    def test_declared_read(direct, profile):
        direct.direct("asnGetLoggedInContact", {}, auth=_auth(profile)).expect_result()

    @pytest.mark.sends("asnMgmtRestartServer")
    def test_restart(direct):
        raise AssertionError("must never run against a target")

    def test_undeclared(direct):
        raise AssertionError("must never run against a target")

    @pytest.mark.sends("asnGetLoggedInContact")
    def test_declaration_is_wrong(direct, profile):
        direct.direct("asnGetUserToken", {}, auth=_auth(profile))
"""


def test_the_safety_gate_skips_and_refuses_against_a_target(run) -> None:  # type: ignore[no-untyped-def]
    from conformance.reference import ReferenceServer

    with ReferenceServer(load_profile(EMBEDDED_PROFILE)) as server:
        result = run(GATED_SUITE, f"--target={server.url}", f"--profile={EMBEDDED_PROFILE}", "-rs")
    assert outcomes(result) == {
        "test_declared_read": "passed",
        "test_restart": "skipped",
        "test_undeclared": "skipped",
        "test_declaration_is_wrong": "error",
    }
    out = result.stdout.str()
    assert (
        "not sent: asnMgmtRestartServer is destructive; allow it with "
        '[safety] allow = [..., "destructive"] and --allow-destructive'
    ) in out
    assert "not sent: the test declares nothing it sends" in out
    assert "asnGetUserToken (read): the test's @pytest.mark.sends(...) does not declare it" in (
        result.stdout.str()
    )


def test_the_embedded_server_allows_every_class(run) -> None:  # type: ignore[no-untyped-def]
    result = run(GATED_SUITE.replace("raise AssertionError", "print"))
    assert outcomes(result)["test_restart"] == "passed"
    assert outcomes(result)["test_undeclared"] == "passed"
    assert outcomes(result)["test_declaration_is_wrong"] == "error"


def test_worker_sessions_are_shared_reopened_and_logged_off(run) -> None:  # type: ignore[no-untyped-def]
    result = run(
        """
        import pytest

        from conformance.plugin import upcoming_items

        SEEN = []

        @pytest.mark.sends("asnGetLoggedInContact")
        @pytest.mark.parametrize("n", range(3))
        def test_read(worker_sessions, reference_server, direct, request, n):
            session = worker_sessions("bob")
            SEEN.append(session.session_id)
            sent = session.send_invoke("asnGetLoggedInContact", {}, checks=direct.checks)
            got = session.await_reply(sent, checks=direct.checks).expect_result()
            assert got["u8sLoggedInUser"] == "bob"
            assert len(upcoming_items(request.node)) == 2 - n + 1  # and test_last
            if n == 1:
                session.close()  # ended: the next test gets a new one

        def test_last(reference_server):
            assert SEEN[0] == SEEN[1] != SEEN[2]
            assert sum(1 for s in reference_server.state.sessions.all() if not s.closed) == 1
        """
    )
    assert result.ret == 0, result.stdout.str()


def test_in_parallel_keeps_the_order_and_raises_after_all_ended() -> None:
    from conformance.plugin import in_parallel

    assert in_parallel(lambda n: n * 2, [1, 2, 3]) == [2, 4, 6]
    assert in_parallel(str, []) == []
    done: list[int] = []

    def work(n: int) -> int:
        if n == 1:
            raise ValueError("one")
        done.append(n)
        return n

    with pytest.raises(ValueError, match="one"):
        in_parallel(work, [0, 1, 2])
    assert sorted(done) == [0, 2]
