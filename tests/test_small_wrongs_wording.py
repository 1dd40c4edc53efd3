"""Wording that says what is meant: a suspension's end as a date, no doubled words, plurals."""

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from forum.extensions import db
from forum.models import Member, utcnow
from forum.services.posting import RateLimited
from tests import factories
from tests.conftest import link_in
from tests.test_sanctions import _suspend


def _text(response) -> str:
    """The page as a reader hears it: tags removed, spaces folded."""
    return " ".join(re.sub(r"<[^>]+>", "", response.get_data(as_text=True)).split())


def _local_day(value) -> str:
    local = value.astimezone(ZoneInfo("Europe/London"))
    return f"{local:%A} {local.day} {local:%B}"


def test_a_suspension_says_the_day_it_ends_not_in_6_days(
    app, member, moderator_client, new_client, outbox
):
    _suspend(moderator_client, member.id, period="week")
    with app.app_context():
        until = db.session.get(Member, member.id).suspended_until
    day = _local_day(until)
    client = new_client()
    client.submit("/signin", {"email": member.email, "password": factories.PASSWORD})
    status = _text(client.get("/status"))
    assert f"You can take part again from {day}" in status
    assert "from in " not in status
    target = _text(moderator_client.get(f"/moderation/member/{member.id}"))
    assert f"Suspended until {day}" in target
    assert "until in " not in target
    mail = next(m for m in outbox() if "paused" in m.subject)
    assert f"until {day}" in mail.body


def test_a_date_in_another_year_says_its_year(app, member, moderator_client, new_client):
    _suspend(moderator_client, member.id, period="week")
    later = utcnow() + timedelta(days=400)
    with app.app_context():
        db.session.execute(
            sa.update(Member).where(Member.id == member.id).values(suspended_until=later)
        )
        db.session.commit()
    client = new_client()
    client.submit("/signin", {"email": member.email, "password": factories.PASSWORD})
    status = _text(client.get("/status"))
    local = later.astimezone(ZoneInfo("Europe/London"))
    assert f"{_local_day(later)} {local.year}" in status


def test_a_members_moderation_page_names_them_once(app, moderator_client):
    with app.app_context():
        ahmed = factories.member(display_name="Ahmed")
    page = _text(moderator_client.get(f"/moderation/member/{ahmed.id}"))
    assert "The member Ahmed" in page
    assert "Member: the member" not in page


def test_a_queue_row_says_what_was_reported_once(app, member, moderator_client):
    with app.test_request_context():
        thread = factories.thread(member, title="Feeling low tonight")
        factories.report(factories.member(), "thread", thread.id, "unkind")
        factories.report(factories.member(), "member", member.id, "unkind")
    page = _text(moderator_client.get("/moderation/"))
    assert f"The thread “Feeling low tonight” by {member.display_name}" in page
    assert "Thread: the thread" not in page and "Member: the member" not in page


def test_one_second_to_wait_is_said_in_the_singular():
    assert "please wait 1 second and" in str(RateLimited(1))
    assert "please wait 5 seconds and" in str(RateLimited(5))
    assert "please wait 3 minutes and" in str(RateLimited(150))


def test_a_reset_link_opened_signed_out_shows_the_signed_out_menu(app, client, member, outbox):
    client.submit("/reset", {"email": member.email})
    link = link_in(outbox()[-1].body)
    page = client.get(link).get_data(as_text=True)
    assert "Choose a new password" in page and member.email in page
    assert 'href="/account"' not in page and "Sign out" not in page
    assert 'href="/signin"' in page and 'href="/apply"' in page


def test_signed_in_members_find_the_house_rules_and_privacy_notice_in_the_footer(member_client):
    page = member_client.get("/").get_data(as_text=True)
    footer = page[page.index('<footer class="site-footer">') :]
    for name, url in (
        ("House rules", "/apply/house-rules"),
        ("Privacy notice", "/apply/privacy-notice"),
    ):
        assert f'<a href="{url}">{name}</a>' in footer
        assert member_client.get(url).status_code == 200
