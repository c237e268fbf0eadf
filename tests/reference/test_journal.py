"""The journal of the reference server (conformance/reference/journal.py): what an ended call
records and what the state snapshot shows. The operations and events are exercised end to end
by suites/journal against the embedded server."""

from __future__ import annotations

from collections.abc import Callable

from conformance.reference import ReferenceServer
from conformance.reference.cti import announce, cti_of
from conformance.reference.journal import journal_of, snapshot

A1, B1 = "tel:+4930100101", "tel:+4930100201"  # alice's and bob's first lines


def test_an_ended_internal_call_is_an_entry_on_each_side(
    make_server: Callable[..., ReferenceServer],
) -> None:
    state = make_server().state
    pbx = cti_of(state).pbx
    call, dialing = pbx.dial(A1, "+4930100201", B1)
    announce(state, [dialing, *pbx.alert(call, B1)])
    assert journal_of(state).of("alice") == []  # only ended calls are journalled
    announce(state, pbx.drop(call.connections[0]))
    (caller,) = journal_of(state).of("alice")
    (called,) = journal_of(state).of("bob")
    assert caller.fields["u8sConnectionID"] == call.connections[0].connection_id
    assert called.fields["u8sConnectionID"] == call.connections[1].connection_id
    assert (caller.fields["iOrigin"], called.fields["iOrigin"]) == (1, 0)
    assert caller.fields["iInternal"] == called.fields["iInternal"] == 1
    assert caller.fields["u8sTrackerID"] == called.fields["u8sTrackerID"] == call.tracker_id
    assert called.transaction != caller.transaction  # one server-wide counter


def test_the_snapshot_shows_edited_entries_until_restored(
    make_server: Callable[..., ReferenceServer],
) -> None:
    state = make_server().state
    pbx = cti_of(state).pbx
    call, _ = pbx.dial(A1, "+4930999", None)  # external: the caller's side only
    announce(state, pbx.drop(call.connections[0]))
    (entry,) = journal_of(state).of("alice")
    assert snapshot(state) == []  # a new entry is history, not a change
    entry.fields["iReadFlag"] = 1
    assert snapshot(state) == [f"alice: {entry.fields['u8sConnectionID']}"]
    entry.fields["iReadFlag"] = 0
    assert snapshot(state) == []
