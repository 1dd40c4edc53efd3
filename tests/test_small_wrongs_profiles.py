"""Members change what others see of them (Account → Your profile): name, pronouns, region,
organisation and a short bio. A move into a region whose forum is for its members only waits
for a moderator of that region."""

import sqlalchemy as sa

from forum.extensions import db
from forum.models import AuditEntry, Member
from tests import factories
from tests.conftest import sign_in_as


def _profile(app, **changes) -> dict:
    with app.app_context():
        lothian = factories.region("Lothian").id
    form = {"display_name": "Ahmed K", "pronouns": "he/him", "region_id": str(lothian),
            "organisation": "Peer worker", "bio": "I run a walking group.\nSay hello!"}  # fmt: skip
    form.update(changes)
    return form


def _member(app, member_id) -> Member:
    with app.app_context():
        person = db.session.get(Member, member_id)
        person.region, person.requested_region  # noqa: B018 - loaded for the test
        return person


def test_a_member_changes_their_name_pronouns_organisation_and_bio(app, member, member_client):
    form = member_client.get("/account/profile").get_data(as_text=True)
    assert f'value="{member.display_name}"' in form
    response = member_client.submit("/account/profile", _profile(app))
    assert response.status_code == 302
    person = _member(app, member.id)
    assert (person.display_name, person.pronouns, person.organisation) == (
        "Ahmed K", "he/him", "Peer worker"
    )  # fmt: skip
    page = member_client.get(f"/members/{member.id}").get_data(as_text=True)
    assert "Ahmed K" in page and "(he/him)" in page and "I run a walking group." in page
    with app.app_context():
        entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "profile.edit"))
        assert entry.before["display_name"] == member.display_name
        assert entry.after["display_name"] == "Ahmed K"


def test_bad_input_keeps_the_rest_of_the_form_and_says_what_is_wrong(app, member, member_client):
    response = member_client.submit(
        "/account/profile", _profile(app, display_name="  ", bio="x" * 501, pronouns="p" * 41)
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Tell us the name other members will see." in page
    assert "Use at most 500 characters." in page and "Use at most 40 characters." in page
    assert "Peer worker" in page
    assert _member(app, member.id).display_name == member.display_name


def test_the_bio_is_escaped(app, member, member_client, corpora):
    nasty = '<script>alert(1)</script><img src=x onerror="alert(2)">'
    member_client.submit("/account/profile", _profile(app, bio=nasty))
    page = member_client.get(f"/members/{member.id}").get_data(as_text=True)
    assert "<script>alert(1)" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_a_move_to_an_open_region_happens_at_once(app, member, member_client):
    with app.app_context():
        highland = factories.region("Highland").id
    member_client.submit("/account/profile", _profile(app, region_id=str(highland)))
    person = _member(app, member.id)
    assert person.region_id == highland and person.requested_region_id is None


def test_a_move_into_a_region_only_forum_waits_for_its_moderator(
    app, member, member_client, new_client, outbox
):
    with app.app_context():
        factories.forum(region_name="Highland", audience="region")
        highland = factories.region("Highland").id
        other = factories.member(moderates=("Lothian",), role="moderator", display_name="Lou")
        highlandr = factories.member(moderates=("Highland",), role="moderator", display_name="Fran")
    response = member_client.submit("/account/profile", _profile(app, region_id=str(highland)))
    assert response.status_code == 302
    page = member_client.get("/account/profile").get_data(as_text=True)
    assert "Your move to Highland waits for one of its moderators" in page
    person = _member(app, member.id)
    assert person.region_id != highland and person.requested_region_id == highland
    assert member_client.get("/forums/highland").status_code == 404  # not yet
    lothian_mod = sign_in_as(new_client(), other)
    assert "asking to move region" not in lothian_mod.get("/moderation/applications").get_data(
        as_text=True
    )
    refused = lothian_mod.submit(f"/moderation/region-moves/{member.id}/approve", {})
    assert refused.status_code == 404
    highland_mod = sign_in_as(new_client(), highlandr)
    queue = highland_mod.get("/moderation/applications").get_data(as_text=True)
    assert "Members asking to move region" in queue and "Ahmed K" in queue
    assert (
        highland_mod.submit(f"/moderation/region-moves/{member.id}/approve", {}).status_code == 302
    )
    person = _member(app, member.id)
    assert person.region_id == highland and person.requested_region_id is None
    assert "You are now in Highland" in outbox()[-1].subject
    assert member_client.get("/forums/highland").status_code == 200
    again = highland_mod.submit(f"/moderation/region-moves/{member.id}/decline", {})
    assert again.status_code == 302
    assert _member(app, member.id).region_id == highland  # already decided: nothing changes


def test_a_declined_move_keeps_the_member_where_they_were(
    app, member, member_client, new_client, outbox
):
    with app.app_context():
        factories.forum(region_name="Highland", audience="region")
        highland = factories.region("Highland").id
        highlandr = factories.member(moderates=("Highland",), role="moderator")
    member_client.submit("/account/profile", _profile(app, region_id=str(highland)))
    sign_in_as(new_client(), highlandr).submit(f"/moderation/region-moves/{member.id}/decline", {})
    person = _member(app, member.id)
    assert person.region_id == member.region_id and person.requested_region_id is None
    assert "About your move to Highland" in outbox()[-1].subject


def test_the_apply_page_promise_holds_the_account_page_links_the_profile(member_client):
    page = member_client.get("/account/").get_data(as_text=True)
    assert 'href="/account/profile"' in page
