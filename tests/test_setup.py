"""First start: the setup page creates the network and its first administrator."""

import sqlalchemy as sa

from forum.extensions import db
from forum.models import Member, Role, SiteSettings
from forum.services.network import crisis_contacts, setup


def setup_token(app) -> str:
    with app.app_context():
        return setup.setup_token()


def test_empty_site_sends_everyone_to_setup(bare_app):
    client = bare_app.test_client()
    for path in ("/", "/signin", "/apply"):
        response = client.get(path)
        assert response.status_code == 302
        assert response.headers["Location"] == "/setup"


def test_setup_needs_the_token_from_the_console(bare_app):
    from tests.conftest import Client

    bare_app.test_client_class = Client
    client = bare_app.test_client()
    form = {
        "token": "guessed",
        "network_name": "National Peer Network",
        "display_name": "Morag",
        "email": "morag@example.org",
        "password": "a lantern by the quiet harbour",
    }
    response = client.submit("/setup", form)
    assert response.status_code == 422
    assert b"That setup token is not right" in response.data
    assert b"National Peer Network" in response.data  # what was typed is kept
    assert b"a lantern by the quiet harbour" not in response.data  # but never the password
    with bare_app.app_context():
        assert not setup.is_set_up()


def test_setup_creates_network_and_admin_then_closes(bare_app):
    from tests.conftest import Client

    bare_app.test_client_class = Client
    client = bare_app.test_client()
    token = setup_token(bare_app)
    assert token in client.get(f"/setup?token={token}").get_data(as_text=True)
    response = client.submit(
        "/setup",
        {
            "token": token,
            "network_name": "National Peer Network",
            "display_name": "Morag",
            "email": "Morag@Example.org",
            "password": "a lantern by the quiet harbour",
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/regions"
    with bare_app.app_context():
        admin = db.session.scalar(sa.select(Member))
        assert admin.role == Role.ADMIN and admin.is_member
        assert admin.email == "morag@example.org"
        assert db.session.get(SiteSettings, 1).network_name == "National Peer Network"
        assert len(crisis_contacts.crisis_contacts()) == 5
    # signed in as the new administrator
    assert client.get("/admin/regions").status_code == 200
    # and the page is gone for good, token or not
    assert bare_app.test_client().get(f"/setup?token={token}").status_code == 404


def test_setup_refuses_a_weak_password(bare_app):
    from tests.conftest import Client

    bare_app.test_client_class = Client
    client = bare_app.test_client()
    response = client.submit(
        "/setup",
        {
            "token": setup_token(bare_app),
            "network_name": "National Peer Network",
            "display_name": "Morag",
            "email": "morag@example.org",
            "password": "password123",
        },
    )
    assert response.status_code == 422
    assert b'id="password-error"' in response.data
    with bare_app.app_context():
        assert not setup.is_set_up()
        assert db.session.get(SiteSettings, 1) is None


def test_create_admin_command_sets_up_an_empty_site(bare_app):
    runner = bare_app.test_cli_runner()
    result = runner.invoke(
        args=[
            "users", "create-admin", "--name", "Morag", "--email", "morag@example.org",
            "--network-name", "National Peer Network",
            "--password", "a lantern by the quiet harbour",
        ]
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Administrator Morag" in result.output
    with bare_app.app_context():
        assert setup.is_set_up()
    # a second administrator, once set up
    result = runner.invoke(
        args=[
            "users", "create-admin", "--name", "Kenny", "--email", "kenny@example.org",
            "--password", "short",
        ]
    )  # fmt: skip
    assert result.exit_code == 1
    assert "password:" in result.output
