"""The fault and variation checks start in the background as soon as the tests are collected.

Each check is some two hundred pytest runs in subprocesses, and most of their time is spent
waiting (a fault makes a test wait out its timeout; a variation delays replies), not computing.
Started at collection, they run while the rest of the project's tests run in this process, and
the tests of ``test_fault_catalogue.py`` and ``test_variation_catalogue.py`` read their results
(fixture ``check_result``). Under xdist every worker collects every test, so there the checks
are computed where their tests run, as before. A session that ends early stops them: runs not
yet started are skipped.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

import pytest

from conformance import faultcheck, variationcheck

CHECKS: dict[str, Callable[[threading.Event], Any]] = {
    "test_fault_catalogue.py": lambda stop: faultcheck.check(stop=stop),
    "test_variation_catalogue.py": lambda stop: variationcheck.check(stop=stop),
}
"""The test module that reads a check, and the check."""

_started: dict[str, Future[Any]] = {}
_threads: list[threading.Thread] = []
_stop = threading.Event()


def pytest_collection_finish(session: pytest.Session) -> None:
    config = session.config
    if hasattr(config, "workerinput") or config.option.collectonly:
        return
    wanted = {item.path.name for item in session.items} & CHECKS.keys()
    for module in sorted(wanted):
        future: Future[Any] = Future()
        _started[module] = future
        thread = threading.Thread(
            target=_compute, args=(CHECKS[module], future), name=f"check {module}", daemon=True
        )
        thread.start()
        _threads.append(thread)


def _compute(check: Callable[[threading.Event], Any], future: Future[Any]) -> None:
    try:
        future.set_result(check(_stop))
    except BaseException as exc:  # handed to the test that reads it
        future.set_exception(exc)


def pytest_sessionfinish(session: pytest.Session) -> None:
    _stop.set()
    for thread in _threads:  # each kills its running pytest runs within a second
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def check_result(request: pytest.FixtureRequest) -> Any:
    """The result of the check the requesting module's tests read: the one started at
    collection, else computed now."""
    module = request.path.name
    future = _started.pop(module, None)
    return future.result() if future is not None else CHECKS[module](_stop)
