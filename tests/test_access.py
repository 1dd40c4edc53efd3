"""Nobody but active members sees member content: every route, in every state.

This test walks ``app.url_map``, so routes added later are covered without changes here.
"""

import pytest
from werkzeug.routing import AnyConverter, IntegerConverter, Rule

from tests import factories
from tests.conftest import sign_in_as

# The only endpoints open to people who are not members.
PUBLIC = {
    "static",
    "auth.sign_in",
    "auth.sign_out",
    "auth.forgot_password",
    "auth.reset_password",
    "membership.apply",
    "membership.received",
    "membership.house_rules",
    "membership.privacy_notice",
    "membership.redeem_invitation",
    "pages.urgent_help",
    "setup.setup",
}
FOR_SIGNED_IN = {"membership.status"}
SECRET = "Seen-only-by-members"


def _sample_url(app, rule: Rule) -> str:
    """A URL for the rule, with a plausible value for each part (1 for ids, and so on)."""
    values = {}
    for arg, converter in rule._converters.items():
        if isinstance(converter, AnyConverter):
            values[arg] = sorted(converter.items)[0]
        elif isinstance(converter, IntegerConverter):
            values[arg] = 1
        else:
            values[arg] = "x"
    return app.url_map.bind("forum.test").build(rule.endpoint, values)


def _requests(app):
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule.endpoint, method, _sample_url(app, rule)


def test_only_the_expected_routes_are_open(app):
    from forum.permissions import MEMBERS, SIGNED_IN, access_of
    from forum.permissions import PUBLIC as OPEN

    with app.test_request_context():
        kinds = {rule.endpoint: access_of(rule.endpoint) for rule in app.url_map.iter_rules()}
    assert {e for e, k in kinds.items() if k == OPEN} == PUBLIC
    assert {e for e, k in kinds.items() if k == SIGNED_IN} == FOR_SIGNED_IN
    assert all(k == MEMBERS for e, k in kinds.items() if e not in PUBLIC | FOR_SIGNED_IN)


@pytest.mark.parametrize("state", ["anonymous", "pending", "rejected", "suspended"])
@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
def test_outsiders_get_no_member_content_anywhere(app, new_client, state, htmx):
    with app.app_context():
        factories.member(display_name=SECRET, role="admin")
        person = None if state == "anonymous" else factories.member(status=state)
    client = new_client()
    if person:
        sign_in_as(client, person)
    expected = "/signin" if state == "anonymous" else "/status"
    checked = 0
    for endpoint, method, url in _requests(app):
        if endpoint in PUBLIC or endpoint in FOR_SIGNED_IN:
            continue
        headers = {"HX-Request": "true"} if htmx else {}
        if method == "GET":
            response = client.get(url, headers=headers)
        else:
            response = client.submit(url, {}, htmx=htmx)
        body = response.get_data(as_text=True)
        assert SECRET not in body, f"{method} {url} showed member content to {state}"
        if htmx:
            assert response.status_code == 401, f"{method} {url}: {response.status_code}"
            assert response.headers["HX-Redirect"].startswith(expected), (method, url)
        else:
            assert response.status_code == 302, f"{method} {url}: {response.status_code}"
            assert response.headers["Location"].startswith(expected), (method, url)
        checked += 1
    assert checked >= 15


@pytest.mark.parametrize("state", ["pending", "rejected", "suspended"])
def test_people_not_yet_in_see_their_status_page(app, new_client, state):
    with app.app_context():
        person = factories.member(status=state, decision_message="Not this time, sorry.")
    client = sign_in_as(new_client(), person)
    page = client.get("/status").get_data(as_text=True)
    assert {"pending": "waiting for a moderator", "rejected": "not approved",
            "suspended": "paused"}[state] in page  # fmt: skip


def test_members_get_404_on_moderation_and_admin_pages(member_client, moderator_client):
    for url in ("/moderation/applications", "/moderation/invitations", "/admin/", "/admin/regions"):
        assert member_client.get(url).status_code == 404, url
    assert moderator_client.get("/moderation/applications").status_code == 200
    assert moderator_client.get("/admin/regions").status_code == 404
