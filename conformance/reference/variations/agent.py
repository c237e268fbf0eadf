"""Variations: agents (suites/agent)."""

from __future__ import annotations

from conformance.reference.agent import AGENT_URI
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
