"""Contact lookup: asnFindContacts (General 2.1.29, L2012-L2046) finds a user of the server."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from conformance.client import Session
from conformance.profile import Profile

pytestmark = [pytest.mark.module("General"), pytest.mark.sends("asnFindContacts")]


def _find_options(last_name: str) -> dict[str, object]:
    """AsnNetDatabaseFindOptions (every member required) searching one last name."""
    options: dict[str, object] = {
        key: ""
        for key in (
            "u8sFirstName",
            "u8sCompanyName",
            "u8sCustomerID",
            "u8sDepartment",
            "u8sStreetAddress",
            "u8sAreaCodeOrCity",
            "u8sPhoneNo",
            "u8sEMail",
            "u8sUsername",
        )
    }
    options.update(
        u8sLastName=last_name,
        u8spairlistCustomFieldsValues=[],
        iMaxNumEntries=50,
        u8slistDatabaseNames=[],
        iFlags=0,
        iDisplayNameFormat=0,
    )
    return options


@pytest.mark.spec("2.1.29", line=2012)
@pytest.mark.requires("capability:contacts.find_users")
def test_a_user_is_found_by_last_name(
    session_factory: Callable[..., Session], profile: Profile
) -> None:
    """asnFindContacts with ``findOptions.u8sLastName`` set to a test user's last name returns,
    in ``contactList`` (AsnNetDatabaseContactList), a contact for that user: its SIP address,
    server user name or display name is the user's (N54, capability contacts.find_users)."""
    users = [u for u in profile.enabled_users() if len(u.display_name.split()) >= 2]
    if len(users) < 2:
        pytest.skip("the test needs two enabled users with a first and last display name")
    searcher, sought = users[0], users[1]
    session = session_factory(searcher.alias)
    argument = {"findOptions": _find_options(sought.display_name.split()[-1])}
    found = session.invoke("asnFindContacts", argument).expect_result()["contactList"]

    def is_sought(contact: dict[str, object]) -> bool:
        return (
            contact.get("u8sSIPAddress") == sought.sip_uri
            or contact.get("u8sCtiServerUserName") == sought.name
            or contact.get("u8sDisplayName") == sought.display_name
        )

    assert any(is_sought(c) for c in found), f"{sought.alias!r} not among {len(found)} found"
