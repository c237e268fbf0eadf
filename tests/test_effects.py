"""Effect classes and audiences of the catalogue (conformance/effects.py, via schemagen)."""

from __future__ import annotations

from functools import cache

import ftfy
import pytest

from conformance.catalog import default_catalog
from conformance.effects import OVERRIDES, Effect, audience_of, effect_of
from conformance.schemagen import ROOT, SOURCE

CATALOG = default_catalog()

# Review §3.2 (reviews/real-server-review.md), the 20 worst operations as the sweep sends them,
# with the operations each entry names alongside.
WORST_20 = (
    "asnMgmtRestartServer",
    "asnMgmtSetListeningInterfaces",
    "asnMgmtSetDatabaseManagerSettings",
    "asnMgmtChangeLogin",
    "asnMgmtSetUMSettings",
    "asnMgmtSetUMInterfaceSettings",
    "asnMgmtSetUMMode",
    "asnMgmtSetWebServiceConfig4Admin",
    "asnMgmtUpgradeStart",
    "asnMgmtCleanupJournal",
    "asnMgmtDeleteLogfiles",
    "asnMgmtSetLicenseGenuineStatus",
    "asnMgmtAddLicense",
    "asnMgmtRemoveLicense",
    "asnMgmtSetMeshNodeConfigs",
    "asnMgmtSetMeshSettings",
    "asnMgmtSetUpdateServiceSettings",
    "asnUMReplicatorBlockTransferUsers",
    "asnUMReplicatorStartTransaction",
    "asnUMReplicatorCommitTransaction",
    "asnMgmtAddUserProfile",
    "asnAdminAddUserProfile",
    "asnMgmtSetUserProfile",
    "asnMgmtSetSIPGatewaySettings",
    "asnMgmtSetSoftwareProfiles",
    "asnMgmtSetUserDefinedCustomFields",
    "asnMgmtSaveSettings",
    "asnMgmtCommitSaveSettings",
    "asnStartTLS",
    "asnMgmtStartTLS",
    "asnStartMultiUserMode",
    "asnRegisterServer",
    "asnWebServiceLogon",
)

# Where effects.py departs from the review's appendix (R/O/C/D), and why.
DEPARTURES = {
    # A wrong old password is a failed login (lockout); a right one leaves the profile's
    # password wrong for the rest of the run: a changed login, which the issue calls destructive.
    "asnUserChangePassword": ("own", "destructive"),
    # The password is the PBX's line password, configuration shared by every user of the line.
    "asnCtiLineSetNewPassword": ("own", "shared"),
}


@cache
def _document_lines() -> list[str]:
    text = (ROOT / SOURCE).read_text(encoding="utf-8")
    return ftfy.fix_text(text).split("\n")


def test_every_operation_and_event_has_a_class_and_an_audience() -> None:
    entries = CATALOG.operations()
    assert len(entries) == 391 + 135
    assert {e.effect for e in entries} == {e.value for e in Effect}
    assert all(e.audience["kind"] and e.audience["line"] > 0 for e in entries)


@pytest.mark.parametrize("name", WORST_20)
def test_the_worst_operations_of_the_review_are_destructive_or_shared(name: str) -> None:
    assert CATALOG.operation(name).effect in ("destructive", "shared")


def test_the_catalogue_counts_per_class() -> None:
    counts: dict[str, int] = {}
    for op in CATALOG.operations(kind="operation"):
        counts[op.effect] = counts.get(op.effect, 0) + 1
    # The review's appendix: 161 R, 75 O, 100 C, 55 D; DEPARTURES move two "own" operations.
    assert counts == {"read": 161, "own": 73, "shared": 101, "destructive": 56}


def test_departures_from_the_review_are_the_listed_ones() -> None:
    for name, (review, ours) in DEPARTURES.items():
        assert CATALOG.operation(name).effect == ours != review


def test_events_are_read_except_the_logoff_a_client_sends() -> None:
    events = {e.name: e.effect for e in CATALOG.operations(kind="event")}
    assert {n for n, e in events.items() if e != "read"} == {"asnLogoff"}


def test_an_operation_without_a_class_stops_the_build() -> None:
    with pytest.raises(ValueError, match="asnFrobnicate: no verb"):
        effect_of("asnFrobnicate", "General", "operation")


def test_overrides_name_catalogued_operations_and_cite_existing_lines() -> None:
    lines = _document_lines()
    for name, override in OVERRIDES.items():
        CATALOG.operation(name)
        assert override.reason
        assert override.line is None or 0 < override.line <= len(lines)


def test_audience_quotes_stand_on_their_lines() -> None:
    lines = _document_lines()
    for op in CATALOG.operations():
        audience = op.audience
        if audience["kind"] == "user":
            assert audience["quote"] == ""
            continue
        assert audience["quote"].strip() in lines[audience["line"] - 1], op.name


def test_audiences_of_the_documented_restrictions() -> None:
    assert CATALOG.operation("asnMgmtRestartServer").audience["kind"] == "administrator"
    assert CATALOG.operation("asnAdminSetUserProfile").audience["line"] == 8757
    assert CATALOG.operation("asnAgentSupervisorMonitorStart").audience["line"] == 11857
    assert CATALOG.operation("asnTokenVerify").audience["kind"] == "external-server"
    assert CATALOG.operation("asnChatFindEvents").audience["kind"] == "test-only"
    user = audience_of("asnGetLoggedInContact", "Authentication", 14000)
    assert (user.kind.value, user.line, user.quote) == ("user", 14000, "")
