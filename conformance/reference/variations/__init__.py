"""Named variations of the reference server: behaviours the document permits but the server
does not show by default (the dual of :mod:`conformance.reference.faults`).

``ReferenceServer(variations=["auth.negotiate-first"])`` switches them on by name. Each is one
small function on a hook point (:mod:`conformance.reference.hooks`), citing the document lines
that allow what it does (or the protocol-notes section, for wire facts the document leaves
out). With any variation on, every conformance test must still pass; a test may skip only
where the variation ``removes`` a capability the profile declares. ``ucconf variations``
lists them.

To add a variation: pick (or declare, next to the decision) a hook point, then::

    @variation("area.what-differs", "one line: what the server does", SOME_POINT, lines=(123,))
    def _what_differs(value: T) -> T:
        return <the other allowed value>
"""

# Importing the areas registers their variations (one line per area keeps merges trivial).
from conformance.reference.variations import agent as agent
from conformance.reference.variations import auth as auth
from conformance.reference.variations import chat as chat
from conformance.reference.variations import cti as cti
from conformance.reference.variations import envelope as envelope
from conformance.reference.variations import journal as journal
from conformance.reference.variations import presence as presence
from conformance.reference.variations import robustness as robustness
from conformance.reference.variations import tasks as tasks
from conformance.reference.variations import tokens as tokens
from conformance.reference.variations import wire as wire
from conformance.reference.variations.registry import VARIATIONS, chosen, variation

__all__ = ["VARIATIONS", "chosen", "variation"]
