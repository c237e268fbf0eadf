"""Faults: agents and broadcasts (suites/agent)."""

from __future__ import annotations

import math
from dataclasses import replace

from conformance.reference.agent import (
    GROUPS_LISTED,
    LOGIN_REFUSAL,
    MONITOR_ENDS,
    STATE_AUDIENCE,
    GroupListing,
    Monitor,
)
from conformance.reference.broadcast import (
    BROADCAST_AUDIENCE,
    BROADCAST_EXISTS,
    BROADCAST_RETENTION,
    CONFIRM_REMOVES,
    ITEMS_LISTED,
    MAX_TTL,
    REPEATED_CONFIRM,
    BroadcastAudience,
    Listing,
    Retention,
)
from conformance.reference.dispatch import (
    INVALID_ARGUMENT,
    OperationError,
    request_error,
)
from conformance.reference.faults.registry import fault

# --- agent ---------------------------------------------------------------------------------

_AGENT_MONITOR = "suites/agent/test_monitor.py"
_AGENT_DISPATCH = "suites/agent/test_broadcast_dispatch.py"
_AGENT_TTL = "suites/agent/test_broadcast_ttl.py"
_AGENT_CONFIRM = "suites/agent/test_broadcast_confirm.py"


@fault(
    "agent.monitor-all-groups",
    "asnAgentMonitorStart lists every agent group of the server, not only the user's",
    GROUPS_LISTED,
    breaks=[f"{_AGENT_MONITOR}::test_monitor_start_returns_the_users_groups"],
)
def _agent_monitor_all_groups(listing: GroupListing) -> GroupListing:
    return replace(listing, mine=listing.every)


@fault(
    "agent.crossref-swapped",
    "asnAgentNotifyStateChanged carries the cross reference of another monitor of the user",
    STATE_AUDIENCE,
    breaks=[
        f"{_AGENT_MONITOR}::test_login_and_logoff_are_reported_with_each_monitors_cross_reference"
    ],
)
def _agent_crossref_swapped(monitors: tuple[Monitor, ...]) -> tuple[Monitor, ...]:
    if len(monitors) < 2:
        return monitors
    return tuple(
        replace(monitor, cross_ref=monitors[(index + 1) % len(monitors)].cross_ref)
        for index, monitor in enumerate(monitors)
    )


@fault(
    "agent.events-after-stop",
    "asnAgentMonitorStop answers but the monitor keeps sending asnAgentNotifyStateChanged",
    MONITOR_ENDS,
    breaks=[f"{_AGENT_MONITOR}::test_no_state_events_after_monitor_stop"],
)
def _agent_events_after_stop(ends: bool) -> bool:
    return False


@fault(
    "agent.broadcast-to-one-agent",
    "asnAgentBroadcastEvent reaches only the first logged-in agent of the groups",
    BROADCAST_AUDIENCE,
    breaks=[f"{_AGENT_DISPATCH}::test_ttl_0_reaches_every_logged_in_agent_of_the_group"],
)
def _agent_broadcast_to_one_agent(audience: BroadcastAudience) -> BroadcastAudience:
    first = audience.agents[:1]
    kept = tuple(s for s in audience.agents if first and s.user == first[0].user)
    return replace(audience, agents=kept)


@fault(
    "agent.broadcast-to-non-members",
    "asnAgentBroadcastEvent also reaches every open session outside the groups' agents",
    BROADCAST_AUDIENCE,
    breaks=[f"{_AGENT_DISPATCH}::test_ttl_0_does_not_reach_a_user_outside_the_group"],
)
def _agent_broadcast_to_non_members(audience: BroadcastAudience) -> BroadcastAudience:
    return BroadcastAudience(audience.agents + audience.others, ())


@fault(
    "agent.ttl-zero-kept",
    "a broadcast with iTTL 0 is kept until confirmed instead of only being dispatched",
    BROADCAST_RETENTION,
    breaks=[f"{_AGENT_DISPATCH}::test_ttl_0_is_not_kept"],
)
def _agent_ttl_zero_kept(retention: Retention) -> Retention:
    return replace(retention, seconds=math.inf) if retention.requested == 0 else retention


@fault(
    "agent.ttl-ignored",
    "a broadcast with iTTL N > 0 never expires",
    BROADCAST_RETENTION,
    breaks=[
        f"{_AGENT_TTL}::test_ttl_3_is_gone_once_it_expired",
        f"{_AGENT_TTL}::test_ttl_above_the_maximum_follows_the_profile",
    ],
)
def _agent_ttl_ignored(retention: Retention) -> Retention:
    return replace(retention, seconds=math.inf) if retention.requested > 0 else retention


@fault(
    "agent.ttl-expires-early",
    "a broadcast with iTTL N > 0 expires after a third of N seconds",
    BROADCAST_RETENTION,
    breaks=[
        f"{_AGENT_TTL}::test_ttl_3_is_still_open_at_2_seconds",
        f"{_AGENT_TTL}::test_agent_who_logs_in_during_the_ttl_finds_the_broadcast",
        f"{_AGENT_TTL}::test_ttl_above_the_maximum_follows_the_profile",
    ],
)
def _agent_ttl_expires_early(retention: Retention) -> Retention:
    if retention.requested > 0:
        return replace(retention, seconds=retention.seconds / 3)
    return retention


@fault(
    "agent.ttl-minus-one-not-kept",
    "a broadcast with iTTL -1 is only dispatched, as with 0, instead of kept until confirmed",
    BROADCAST_RETENTION,
    breaks=[f"{_AGENT_TTL}::test_ttl_minus_1_stays_open_until_confirmed"],
)
def _agent_ttl_minus_one_not_kept(retention: Retention) -> Retention:
    return replace(retention, seconds=0) if retention.requested == -1 else retention


@fault(
    "agent.ttl-above-max-not-clamped",
    "an iTTL above 604800 s is kept as long as asked although the profile says clamp",
    BROADCAST_RETENTION,
    breaks=[f"{_AGENT_TTL}::test_ttl_above_the_maximum_follows_the_profile"],
)
def _agent_ttl_above_max_not_clamped(retention: Retention) -> Retention:
    if retention.requested > MAX_TTL:
        return replace(retention, seconds=retention.requested)
    return retention


@fault(
    "agent.late-agents-miss-items",
    "asnAgentBroadcastGetItemsForGroups lists only items the caller already got by event",
    ITEMS_LISTED,
    breaks=[f"{_AGENT_TTL}::test_agent_who_logs_in_during_the_ttl_finds_the_broadcast"],
)
def _agent_late_agents_miss_items(listing: Listing) -> Listing:
    return replace(
        listing, items=tuple(b for b in listing.items if listing.caller in b.dispatched_to)
    )


@fault(
    "agent.check-says-no",
    "asnAgentBroadcastCheck answers bExists false for every broadcast",
    BROADCAST_EXISTS,
    breaks=[
        f"{_AGENT_TTL}::test_ttl_3_is_open_at_once",
        f"{_AGENT_TTL}::test_ttl_3_is_still_open_at_2_seconds",
        f"{_AGENT_TTL}::test_ttl_minus_1_stays_open_until_confirmed",
        f"{_AGENT_TTL}::test_ttl_above_the_maximum_follows_the_profile",
    ],
)
def _agent_check_says_no(exists: bool) -> bool:
    return False


@fault(
    "agent.confirm-ignored",
    "asnAgentBroadcastConfirm answers but leaves the broadcast open",
    CONFIRM_REMOVES,
    breaks=[
        f"{_AGENT_CONFIRM}::test_confirm_before_expiry_removes_the_broadcast_for_everyone",
        f"{_AGENT_CONFIRM}::test_a_second_confirm_is_ignored_without_error",
        f"{_AGENT_TTL}::test_ttl_minus_1_stays_open_until_confirmed",
    ],
)
def _agent_confirm_ignored(removes: bool) -> bool:
    return False


@fault(
    "agent.second-confirm-errors",
    "confirming a broadcast that is no longer open is answered with AsnRequestError",
    REPEATED_CONFIRM,
    breaks=[f"{_AGENT_CONFIRM}::test_a_second_confirm_is_ignored_without_error"],
)
def _agent_second_confirm_errors(error: OperationError | None) -> OperationError | None:
    return request_error(INVALID_ARGUMENT, "the broadcast is not open (already confirmed?)")


@fault(
    "agent.login-refused",
    "asnAgentLogin answers AsnRequestError (the result has no members: an error is how it "
    "fails, L12767) and logs nobody in",
    LOGIN_REFUSAL,
    # the set-up (conftest.team) logs both agents in: every test of the suite fails in set-up,
    # as failed (an AssertionError there is a violation, conformance.plugin.classify)
    breaks=[
        f"{_AGENT_CONFIRM}::test_confirm_before_expiry_removes_the_broadcast_for_everyone",
        f"{_AGENT_CONFIRM}::test_a_second_confirm_is_ignored_without_error",
        f"{_AGENT_DISPATCH}::test_ttl_0_reaches_every_logged_in_agent_of_the_group",
        f"{_AGENT_DISPATCH}::test_ttl_0_does_not_reach_a_user_outside_the_group",
        f"{_AGENT_DISPATCH}::test_ttl_0_is_not_kept",
        f"{_AGENT_TTL}::test_ttl_3_is_open_at_once",
        f"{_AGENT_TTL}::test_ttl_3_is_still_open_at_2_seconds",
        f"{_AGENT_TTL}::test_ttl_3_is_gone_once_it_expired",
        f"{_AGENT_TTL}::test_agent_who_logs_in_during_the_ttl_finds_the_broadcast",
        f"{_AGENT_TTL}::test_ttl_minus_1_stays_open_until_confirmed",
        f"{_AGENT_TTL}::test_ttl_above_the_maximum_follows_the_profile",
        f"{_AGENT_MONITOR}::test_monitor_start_returns_the_users_groups",
        f"{_AGENT_MONITOR}::test_login_and_logoff_are_reported_with_each_monitors_cross_reference",
        f"{_AGENT_MONITOR}::test_no_state_events_after_monitor_stop",
    ],
)
def _agent_login_refused(refusal: OperationError | None) -> OperationError | None:
    return request_error(INVALID_ARGUMENT, "the agent cannot log in")
