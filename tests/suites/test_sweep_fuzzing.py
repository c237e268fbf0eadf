"""What the kill matrix does not cover of ``suites/sweep`` (kept from its former flip file).

``--fuzz`` is checked on a few operations: clean it passes, with ``sweep.invalid-result`` it
fails; the sweep's wrong old passwords (asnUserChangePassword) lock no account, fuzzed too; and
the reference server answers everything the sweep sends without a self-check failure
(``internal_errors``).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conformance.catalog import default_catalog
from conformance.client import Basic, HttpClient, Session, Target
from conformance.instances import InstanceBuilder
from conformance.outcomes import OUTCOME_PROPERTY
from conformance.reference import ReferenceServer

pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestAssertRewriteWarning")

ROOT = Path(__file__).resolve().parents[2]
SUITE = "suites/sweep"
FUZZED = ("asnGetLoggedInContact", "asnCheckConnection", "asnGetUserToken")


def _verdicts(result: pytest.RunResult) -> dict[str, str]:
    """Test id -> the plugin's verdict (passed, failed, skipped, not implemented, error)."""
    verdicts: dict[str, str] = {}
    for report in result.reprec.getreports("pytest_runtest_logreport"):  # type: ignore[union-attr]
        for name, value in report.user_properties:
            if name == OUTCOME_PROPERTY:
                verdicts.setdefault(report.nodeid, str(value))
    return verdicts


@pytest.mark.parametrize(
    ("fault", "verdict"), [((), "passed"), (("sweep.invalid-result",), "failed")]
)
def test_fuzzing_checks_every_answer(
    pytester: pytest.Pytester, fault: tuple[str, ...], verdict: str
) -> None:
    faults = [arg for name in fault for arg in ("--fault", name)]
    selection = " or ".join(FUZZED)
    result = pytester.runpytest_inprocess(
        "-p",
        "no:cacheprovider",
        f"--rootdir={ROOT}",
        "-c",
        str(ROOT / "pyproject.toml"),
        "--fuzz",
        "3",
        "-k",
        selection,
        *faults,
        str(ROOT / SUITE),
    )
    fuzzed = {t: v for t, v in _verdicts(result).items() if "test_fuzzed_arguments.py" in t}
    assert len(fuzzed) == len(FUZZED)
    assert set(fuzzed.values()) == {verdict}


def test_fuzzed_password_changes_lock_no_account(pytester: pytest.Pytester) -> None:
    """Under a lockout policy of 3 (``auth.lockout-policy``), six wrong old passwords in one
    session (``--fuzz 4``: the minimal argument, four fuzzed, the minimal again) would lock the
    sweep user; the login budget keeps the count below, so the sweep user's next session (the
    fuzz test of asnGetLoggedInContact, later in catalogue order) still logs in."""
    result = pytester.runpytest_inprocess(
        "-p",
        "no:cacheprovider",
        f"--rootdir={ROOT}",
        "-c",
        str(ROOT / "pyproject.toml"),
        "--fuzz",
        "4",
        "--variation",
        "auth.lockout-policy",
        "-k",
        "asnUserChangePassword or asnGetLoggedInContact",
        str(ROOT / SUITE),
    )
    verdicts = _verdicts(result)
    assert len(verdicts) == 4, verdicts
    assert set(verdicts.values()) == {"passed"}, verdicts


def test_the_reference_server_sends_only_valid_answers() -> None:
    """What the sweep asks of the reference server it answers without a self-check failure
    (``internal_errors``: a payload that violates its schema, a handler that crashed)."""
    catalog = default_catalog()
    arguments = InstanceBuilder(catalog, boolean=False)
    with ReferenceServer() as server:
        user = server.profile.enabled_users()[-1]
        target = Target(url=server.url, ucsid=server.ucsid, verify=False)
        with (
            HttpClient(target) as client,
            Session.open(client, Basic(user.name, user.password)) as session,
        ):
            for operation in catalog.operations(kind="operation"):
                argument = arguments.argument(operation.name)
                if isinstance(argument, dict):
                    session.invoke(operation.name, argument)
        assert server.internal_errors == []
