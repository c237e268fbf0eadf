"""Variations: agents (suites/agent)."""

from __future__ import annotations

import math
from dataclasses import replace

from conformance.reference.agent import AGENT_URI
from conformance.reference.broadcast import BROADCAST_RETENTION, Retention
from conformance.reference.variations.registry import variation


@variation(
    "agent.line-uri-agents",
    "agents are named by a LineURI of the user ('tel:...'), not the user's SIP ContactURI",
    AGENT_URI,
    lines=(11527, 11528, 11723, 11725),
)
def _line_uri_agents(identity: tuple[str, tuple[str, ...]]) -> tuple[str, tuple[str, ...]]:
    _, lines = identity
    return (lines[0], lines) if lines and lines[0].startswith("tel:") else identity


PURGE_DELAY = 1.2
"""Seconds an expired broadcast stays in the system until the next periodic purge: more than
the suite's old margin (1 s), less than its purge wait even at --timeout-factor 0.25 (1.5 s)."""


@variation(
    "agent.broadcasts-purged-periodically",
    f"an expired broadcast is purged by a periodic sweep, up to {PURGE_DELAY:g} s after its iTTL",
    BROADCAST_RETENTION,
    lines=(11989, 11990, 11991),
)
def _broadcasts_purged_periodically(retention: Retention) -> Retention:
    if 0 < retention.seconds < math.inf:
        return replace(retention, seconds=retention.seconds + PURGE_DELAY)
    return retention
