"""The sign-in limit is strict for each account and looser for each address, so a room of
members on a venue's Wi-Fi can sign in together while guessing one account's password stays
slow (as Discourse limits logins)."""

from tests import factories
from tests.test_auth import sign_in


def test_a_room_of_25_members_signs_in_from_one_address_within_a_minute(app, new_client):
    with app.app_context():
        room = [factories.member(email=f"guest{n}@example.org") for n in range(25)]
    for n, person in enumerate(room):
        browser = new_client()
        if n % 5 == 0:  # some mistype their password first
            assert sign_in(browser, person.email, "not my password").status_code == 422
        response = sign_in(browser, person.email)
        assert response.status_code == 302, f"member {n} of the room was refused"


def test_one_account_is_still_limited_strictly_from_one_address(client, member):
    for _ in range(6):
        assert sign_in(client, member.email, "wrong").status_code == 422
    response = sign_in(client, member.email)
    assert response.status_code == 429
    assert "Please wait a moment" in response.get_data(as_text=True)


def test_one_address_trying_many_accounts_is_limited_more_loosely(app, client):
    limit = int(app.config["RATELIMIT_SIGNIN_ADDRESS"].split(" per minute")[0])
    assert limit >= 30
    for n in range(limit):
        assert sign_in(client, f"someone{n}@example.org", "guess").status_code == 422
    assert sign_in(client, "one.more@example.org", "guess").status_code == 429
    client.environ_base["REMOTE_ADDR"] = "10.0.0.7"
    assert sign_in(client, "one.more@example.org", "guess").status_code == 422
