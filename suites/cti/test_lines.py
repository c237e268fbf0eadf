"""asnCtiEnumPhoneLines (26.1.1, L24538-L24605): the lines a user may use, and the line-list
monitor that attachChangeNotify asks for."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from conformance.lineids import line_key

if TYPE_CHECKING:
    from conftest import Cti, Party

pytestmark = [pytest.mark.module("CTI"), pytest.mark.requires("cti.lines>=1")]

ENUM_LINES = "asnCtiEnumPhoneLines"
USER_OWN_LINES = 0  # AsnCtiEnumPhoneLinesArgumentEnum (27.1.2, L26969)


@pytest.mark.spec("26.1.1", line=24547)
@pytest.mark.spec("27.1.2", line=26969)
@pytest.mark.sends("asnCtiEnumPhoneLines")
def test_user_own_lines_lists_the_lines_the_user_owns(cti: Cti, caller: Party) -> None:
    """26.1.1 (L24547): typeofLines userOwnLines lists "the lines which the logged in user is
    owner of" (27.1.2, L26969): exactly the lines the profile gives that user, each once
    (a line named by its number or its 'tel:' LineURI, L27503-L27509)."""
    phone = cti.phone(caller)
    listed = [line["u8sLinePhoneNumber"] for line in phone.own_lines(USER_OWN_LINES)]
    assert sorted(map(line_key, listed)) == sorted(map(line_key, caller.user.lines)), (
        f"{ENUM_LINES} (userOwnLines) for {caller.user.name!r} listed {listed}; the profile "
        f"gives the user {list(caller.user.lines)}"
    )


@pytest.mark.spec("26.1.1", line=24589)
@pytest.mark.sends("asnCtiEnumPhoneLines")
def test_change_notify_returns_a_line_monitor_cross_reference(cti: Cti, caller: Party) -> None:
    """26.1.1 (L24555-L24558, L24589): with attachChangeNotify 1 the server attaches the
    client to changes of the line list, and the result's ``u8sLineMonitorCrossRefID`` is the
    "LineMonitorCrossrefID for add/remove event from the server": it must be there, a
    non-empty string."""
    phone = cti.phone(caller)
    argument = {"typeofLines": USER_OWN_LINES, "attachChangeNotify": 1}
    result = phone.invoke(ENUM_LINES, argument).expect_result()
    cross_ref = result.get("u8sLineMonitorCrossRefID")
    assert isinstance(cross_ref, str) and cross_ref, (
        f"{ENUM_LINES} with attachChangeNotify 1 answered u8sLineMonitorCrossRefID "
        f"{cross_ref!r}; expected the cross reference of the line-list monitor"
    )
