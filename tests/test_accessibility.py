"""The accessibility statement, the footer that leads to it and to the network's documents, and
what is said to screen readers about votes."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from forum.extensions import db
from forum.models import AuditEntry, utcnow
from forum.services.ideas import voting
from forum.services.network import accessibility
from tests import factories

FOOTER_LINKS = (
    'href="/apply/house-rules"',
    'href="/apply/privacy-notice"',
    'href="/accessibility"',
)


def test_everyone_reads_the_default_statement_until_administrators_write_their_own(client):
    page = client.get("/accessibility").get_data(as_text=True)
    assert "Accessibility statement for Test Peer Network" in page
    for section in ("How accessible this website is", "What to do if you cannot use parts",
                    "Reporting accessibility problems", "Enforcement procedure",
                    "How we tested this website"):  # fmt: skip
        assert f"<h2>{section}" in page, section
    assert f'last checked on <time datetime="{accessibility.CHECKED_ON.isoformat()}"' in page


@pytest.mark.parametrize("who", ["nobody", "applicant", "member"])
def test_every_page_links_the_statement_and_the_networks_documents(app, new_client, who):
    from tests.conftest import sign_in_as

    client = new_client()
    if who != "nobody":
        with app.app_context():
            person = factories.member(status="pending" if who == "applicant" else "active")
        sign_in_as(client, person)
    for url in ("/signin", "/status", "/", "/ideas/", "/account/", "/help/urgent"):
        response = client.get(url)
        if response.status_code != 200:
            continue
        page = response.get_data(as_text=True)
        for link in FOOTER_LINKS:
            assert link in page.split("<footer")[1], (who, url, link)


def test_an_administrator_writes_the_statement_and_the_date_it_was_checked(
    app, admin, admin_client, client
):
    checked = (utcnow() - timedelta(days=3)).date()
    response = admin_client.submit(
        "/admin/accessibility",
        {"statement": "# Another format\n\nRing Morag.", "checked_on": checked.isoformat()},
    )
    assert response.status_code == 302
    page = client.get("/accessibility").get_data(as_text=True)
    assert "<h2>Another format</h2>" in page and "Ring Morag." in page
    assert "How we tested this website" not in page
    assert checked.strftime("%B %Y") in page
    with app.app_context():
        entry = db.session.scalar(sa.select(AuditEntry).order_by(AuditEntry.id.desc()))
    assert entry.action == "settings.update" and entry.summary == "the accessibility statement"
    assert entry.before == {"own_text": False, "checked_on": None}
    assert entry.after == {"own_text": True, "checked_on": checked.isoformat()}


def test_an_emptied_statement_is_the_default_again(app, admin, admin_client, client):
    today = date.today().isoformat()
    admin_client.submit("/admin/accessibility", {"statement": "Ours.", "checked_on": today})
    admin_client.submit("/admin/accessibility", {"statement": "  ", "checked_on": today})
    assert "How we tested this website" in client.get("/accessibility").get_data(as_text=True)


@pytest.mark.parametrize(
    "form, error",
    [({"statement": "x" * 20_001, "checked_on": "2026-01-01"}, "at most 20,000"),
     ({"statement": "Ours.", "checked_on": ""}, "last checked"),
     ({"statement": "Ours.", "checked_on": "2999-01-01"}, "cannot be in the future")],
)  # fmt: skip
def test_a_statement_too_long_or_without_a_sensible_date_is_refused(admin_client, form, error):
    response = admin_client.submit("/admin/accessibility", form)
    assert response.status_code == 422
    assert error in response.get_data(as_text=True)


def test_only_administrators_edit_it(member_client, moderator_client):
    assert member_client.get("/admin/accessibility").status_code == 404
    assert moderator_client.get("/admin/accessibility").status_code == 404


def test_a_statement_written_with_markup_is_sanitised(app, admin, admin_client, client):
    admin_client.submit("/admin/accessibility", {
        "statement": "<script>alert(1)</script>\n\n[x](javascript:alert(1))",
        "checked_on": date.today().isoformat(),
    })  # fmt: skip
    page = client.get("/accessibility").get_data(as_text=True)
    assert "<script>alert" not in page and 'href="javascript:' not in page


def test_the_readers_own_vote_is_said_with_the_votes_left(app, member, member_client):
    with app.test_request_context():
        voting.set_budget(3)
        idea = factories.idea(factories.member(), "A quiet room at every event")
    part = member_client.submit(f"/ideas/{idea.id}/vote", {"vote": "1"}, htmx=True)
    said = part.get_data(as_text=True).split('id="vote-status"')[1]
    assert "Your vote for “A quiet room at every event” is counted. It has 2 votes." in said
    assert "You have 2 votes left." in said
    again = member_client.submit(f"/ideas/{idea.id}/vote", {"vote": "0"}, htmx=True)
    assert "You took back your vote" in again.get_data(as_text=True)


def test_someone_elses_vote_refreshes_the_count_with_nothing_to_say(app, member, member_client):
    with app.app_context():
        idea = factories.idea(factories.member(), "A quiet room at every event")
    part = member_client.htmx_get(f"/ideas/{idea.id}/votes").get_data(as_text=True)
    assert "vote-status" not in part and "aria-live" not in part
