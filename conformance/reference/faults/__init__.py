"""Named, deliberate faults of the reference server, for checking that the suite notices.

``ReferenceServer(faults=["logon.wrong-status"])`` switches faults on by name. Each fault is
one small function registered on one hook point (:mod:`conformance.reference.hooks`); the hook
points sit where the correct server makes the decision the fault bends. ``breaks`` names the
conformance tests that must fail while the fault is on (and so, by omission, those that must
still pass); :mod:`conformance.faultcheck` (``ucconf faults check``, and the project test
``tests/suites/test_fault_catalogue.py``) runs the suites with each fault and asserts exactly
that. A fault's set stays empty until the suites it breaks are written.

To add a fault: pick (or declare, next to the decision) a hook point, then::

    @fault("area.what-goes-wrong", "one line: what the server does wrong", SOME_POINT)
    def _what_goes_wrong(value: T) -> T:
        return <the wrong value>
"""

# Importing the areas registers their faults.
from conformance.reference.faults import (  # noqa: F401
    agent,
    appointments,
    audiovideo,
    auth,
    chat,
    cti,
    cti_features,
    envelope,
    general,
    interop,
    journal,
    management,
    presence,
    ranking,
    robustness,
    schema,
    tasks,
)
from conformance.reference.faults.registry import FAULTS, activate, fault

__all__ = ["FAULTS", "activate", "fault"]
