"""Cover hours: administrators say, per region and for national, when moderators are around,
in a time zone; outside those hours members are told when replies may come, see the crisis
contacts first, and (if the network asks) new members' posts wait for approval."""

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from forum.extensions import db
from forum.models import AuditEntry, Post, SiteSettings
from forum.services.safety import cover_hours
from tests import factories

WEEKDAYS_9_TO_17 = dict.fromkeys(range(5), ("9:00", "17:00"))
# Thursday 3 December 2026 (winter: London is on UTC).
THURSDAY_NOON = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
THURSDAY_EVENING = datetime(2026, 12, 3, 19, 0, tzinfo=UTC)
FRIDAY_EVENING = datetime(2026, 12, 4, 19, 0, tzinfo=UTC)


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def morag(ctx):
    return factories.member(display_name="Morag", role="admin")


def _set(morag, region_id=None, days=None, zone="Europe/London"):
    return cover_hours.save(morag, region_id, WEEKDAYS_9_TO_17 if days is None else days, zone)


def test_with_no_hours_set_moderators_count_as_around(morag):
    assert cover_hours.covered_now(None, THURSDAY_EVENING) is True
    assert cover_hours.cover(factories.region().id, THURSDAY_EVENING).around


def test_national_hours_cover_every_region_during_them_and_not_after(morag):
    _set(morag)
    lothian = factories.region().id
    assert cover_hours.covered_now(lothian, THURSDAY_NOON)
    assert cover_hours.covered_now(None, THURSDAY_NOON)
    assert not cover_hours.covered_now(lothian, THURSDAY_EVENING)


def test_a_regions_own_evening_hours_cover_it_and_not_the_others(morag):
    _set(morag)
    lothian, highland = factories.region().id, factories.region("Highland").id
    _set(morag, lothian, {3: ("17:00", "23:00")})
    assert cover_hours.covered_now(lothian, THURSDAY_EVENING)
    assert not cover_hours.covered_now(highland, THURSDAY_EVENING)


def test_hours_past_midnight_run_into_the_next_day(morag):
    _set(morag, days={4: ("20:00", "2:00")})  # Friday night
    assert cover_hours.covered_now(None, utc(2026, 12, 5, 1, 30))  # Saturday 1:30
    assert not cover_hours.covered_now(None, utc(2026, 12, 5, 2, 30))
    assert cover_hours.covered_now(None, FRIDAY_EVENING + timedelta(hours=2))


def test_outside_hours_the_next_start_is_said_as_a_day_and_a_time(morag):
    _set(morag)
    assert cover_hours.cover(None, THURSDAY_EVENING).back == "tomorrow at 9:00"
    assert cover_hours.cover(None, FRIDAY_EVENING).back == "Monday at 9:00"
    assert cover_hours.cover(None, utc(2026, 12, 3, 7, 0)).back == "today at 9:00"


def test_hours_are_wall_clock_times_in_their_zone(morag):
    _set(morag, zone="America/New_York")  # 9:00 in New York is 14:00 UTC in winter
    assert not cover_hours.covered_now(None, THURSDAY_NOON)
    assert cover_hours.covered_now(None, utc(2026, 12, 3, 15, 0))


def test_on_the_spring_clocks_change_nine_oclock_is_still_nine(morag):
    # Sunday 29 March 2026: London goes from GMT to BST at 1:00 UTC.
    _set(morag, days={6: ("9:00", "17:00"), 0: ("9:00", "17:00")})
    assert cover_hours.covered_now(None, utc(2026, 3, 29, 8, 30))  # 9:30 BST
    assert not cover_hours.covered_now(None, utc(2026, 3, 29, 16, 30))  # 17:30 BST
    saturday_night = utc(2026, 3, 28, 22, 0)
    assert cover_hours.cover(None, saturday_night).back == "tomorrow at 9:00"
    area = cover_hours.area(None)
    assert area.next_start(saturday_night) == utc(2026, 3, 29, 8, 0)


def test_on_the_autumn_clocks_change_nine_oclock_is_still_nine(morag):
    # Sunday 25 October 2026: London goes from BST back to GMT at 1:00 UTC.
    _set(morag, days={6: ("9:00", "17:00")})
    assert not cover_hours.covered_now(None, utc(2026, 10, 25, 8, 30))  # 8:30 GMT
    assert cover_hours.covered_now(None, utc(2026, 10, 25, 9, 0))
    assert cover_hours.area(None).next_start(utc(2026, 10, 24, 20, 0)) == utc(2026, 10, 25, 9, 0)


def test_hours_that_start_in_the_skipped_hour_start_after_the_change(morag):
    _set(morag, days={6: ("1:30", "6:00")})  # 1:30 does not happen on 29 March in London
    starts = cover_hours.area(None).next_start(utc(2026, 3, 28, 20, 0))
    assert starts == utc(2026, 3, 29, 1, 30) and starts.hour == 2  # 2:30 BST


def test_saving_replaces_the_areas_hours_and_is_audited(morag):
    _set(morag)
    _set(morag, days={5: ("10:00", "14:00")}, zone="Europe/Dublin")
    area = cover_hours.area(None)
    assert area.zone == "Europe/Dublin"
    assert [(s.weekday, s.text()) for s in area.spans] == [(5, "10:00–14:00")]  # noqa: RUF001
    entries = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action == "cover_hours.update")
    ).all()
    assert entries[-1].after == {"time_zone": "Europe/Dublin", "hours": {"Saturday": "10:00–14:00"}}  # noqa: RUF001


@pytest.mark.parametrize(
    ("days", "zone", "field"),
    [
        ({0: ("9", "17:00")}, "Europe/London", "from_0"),
        ({1: ("9:00", "25:00")}, "Europe/London", "to_1"),
        ({2: ("9:00", "")}, "Europe/London", "to_2"),
        ({3: ("9:00", "9:00")}, "Europe/London", "to_3"),
        ({4: ("9:00", "17:00")}, "Mars/Olympus", "time_zone"),
    ],
)
def test_hours_that_make_no_sense_are_refused_beside_the_field(morag, days, zone, field):
    from forum.services.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as raised:
        _set(morag, days=days, zone=zone)
    assert field in raised.value.field_errors


# --- holding new members' posts outside the hours ------------------------------------------------


def _outside_hours(admin) -> None:
    """National hours that have just ended (nobody is around now), and the setting on."""
    now = datetime.now(UTC).astimezone(cover_hours.ZoneInfo("Europe/London"))
    weekday = now.weekday()
    minute = now.hour * 60 + now.minute
    if minute < 10:  # hours that ended a moment ago would have to start yesterday
        days = {(weekday - 1) % 7: ("12:00", "13:00")}
    else:
        days = {weekday: ("0:00", cover_hours.clock(minute - 5))}
    cover_hours.save(admin, None, days, "Europe/London")
    db.session.execute(sa.update(SiteSettings).values(hold_outside_hours=True))
    db.session.commit()


@pytest.fixture
def outside_hours(morag):
    _outside_hours(morag)


def _post(author) -> Post:
    starter = factories.member(display_name="Rhona", role="moderator")
    thread = factories.thread(starter, title="Late nights")
    return factories.reply(author, thread.id, "Is anyone else awake?")


def test_outside_hours_a_new_members_post_waits_for_approval(outside_hours):
    ahmed = factories.member(display_name="Ahmed")
    assert _post(ahmed).held_at is not None


def test_outside_hours_a_long_standing_member_posts_at_once(morag):
    long_ago = datetime.now(UTC) - timedelta(days=60)
    fiona = factories.member(display_name="Fiona", created_at=long_ago)
    thread = factories.thread(fiona, title="Our walk")
    for n in range(5):
        factories.reply(fiona, thread.id, f"Earlier words {n}")
    _outside_hours(morag)
    assert _post(fiona).held_at is None


def test_outside_hours_a_member_who_joined_this_week_waits_whatever_they_wrote(morag):
    fiona = factories.member(display_name="Fiona")
    thread = factories.thread(fiona, title="Our walk")
    for n in range(5):
        factories.reply(fiona, thread.id, f"Earlier words {n}")
    _outside_hours(morag)
    assert _post(fiona).held_at is not None


def test_inside_hours_or_with_the_setting_off_nothing_waits(morag):
    ahmed = factories.member(display_name="Ahmed")
    assert _post(ahmed).held_at is None  # no hours set: covered
    db.session.execute(sa.update(SiteSettings).values(hold_outside_hours=True))
    db.session.commit()
    cover_hours.save(morag, None, dict.fromkeys(range(7), ("0:00", "24:00")), "Europe/London")
    assert _post(ahmed).held_at is None


def test_the_setting_off_holds_nothing_outside_hours(outside_hours):
    db.session.execute(sa.update(SiteSettings).values(hold_outside_hours=False))
    db.session.commit()
    assert _post(factories.member(display_name="Ahmed")).held_at is None


# --- the pages --------------------------------------------------------------------------------

AWAY = "Moderators are not around right now: replies may take until"


def _away_now(app) -> None:
    with app.app_context():
        _outside_hours(factories.member(display_name="Morag", role="admin"))


def test_an_administrator_sets_a_regions_hours_on_its_page(app, admin_client):
    with app.app_context():
        lothian = factories.region().id
    page = admin_client.get("/admin/cover-hours/").get_data(as_text=True)
    assert "National" in page and "Lothian" in page and "None set" in page
    form = {"time_zone": "Europe/London", "from_0": "9:00", "to_0": "17:00", "from_5": "10:00",
            "to_5": "14:00"}  # fmt: skip
    response = admin_client.submit(f"/admin/cover-hours/{lothian}", form)
    assert response.status_code == 302
    page = admin_client.get("/admin/cover-hours/").get_data(as_text=True)
    assert "Monday 9:00–17:00; Saturday 10:00–14:00" in page  # noqa: RUF001
    edit = admin_client.get(f"/admin/cover-hours/{lothian}").get_data(as_text=True)
    assert 'value="9:00"' in edit and 'value="Europe/London"' in edit


def test_a_time_that_makes_no_sense_is_shown_beside_its_field(admin_client):
    response = admin_client.submit(
        "/admin/cover-hours/national", {"from_2": "nine", "to_2": "17:00"}
    )
    assert response.status_code == 422
    assert "Give a time such as 9:00." in response.get_data(as_text=True)


def test_an_unknown_region_has_no_hours_page(admin_client):
    assert admin_client.get("/admin/cover-hours/9999").status_code == 404


@pytest.mark.parametrize("path", ["/admin/cover-hours/", "/admin/cover-hours/national"])
def test_only_administrators_see_the_hours(member_client, moderator_client, path):
    for client in (member_client, moderator_client):
        assert client.get(path).status_code in (403, 404)


def test_only_administrators_set_the_hours(app, member_client, moderator_client):
    for client in (member_client, moderator_client):
        response = client.submit("/admin/cover-hours/national", {"from_0": "9:00", "to_0": "17:00"})
        assert response.status_code in (403, 404)
    with app.app_context():
        assert cover_hours.area(None).spans == ()


def test_setting_the_hours_needs_the_forms_token(app, admin_client):
    response = admin_client.post(
        "/admin/cover-hours/national", data={"from_0": "9:00", "to_0": "17:00"}
    )
    assert response.status_code in (400, 422)
    with app.app_context():
        assert cover_hours.area(None).spans == ()


def test_outside_hours_the_urgent_help_page_says_so_and_puts_the_contacts_first(app, member_client):
    _away_now(app)
    page = member_client.get("/help/urgent").get_data(as_text=True)
    assert AWAY in page
    assert page.index(AWAY) < page.index("Samaritans")
    assert 'class="contacts prominent"' in page


def test_inside_hours_the_urgent_help_page_keeps_the_usual_words(app, member_client):
    with app.app_context():
        admin = factories.member(display_name="Morag", role="admin")
        cover_hours.save(admin, None, dict.fromkeys(range(7), ("0:00", "24:00")), "Europe/London")
    page = member_client.get("/help/urgent").get_data(as_text=True)
    assert "not around right now" not in page and 'class="contacts"' in page


def _reply_id(app) -> int:
    with app.app_context():
        other = factories.member(display_name="Rhona", role="moderator")
        thread = factories.thread(other, title="Late nights", replies=[(other, "Still awake")])
        return db.session.scalar(sa.select(sa.func.max(Post.id)).where(Post.thread_id == thread.id))


def test_outside_hours_an_urgent_report_is_answered_with_when_replies_may_come(
    app, member, member_client
):
    post_id = _reply_id(app)
    _away_now(app)
    body = member_client.submit(
        f"/report/post/{post_id}", {"reason": "safety"}, htmx=True
    ).get_data(as_text=True)
    assert "The moderators have been told now" in body and AWAY in body
    assert "signpost-contacts prominent" in body


def test_outside_hours_the_urgent_report_thanks_after_a_redirect_says_it_too(
    app, member, member_client
):
    post_id = _reply_id(app)
    _away_now(app)
    response = member_client.submit(f"/report/post/{post_id}", {"reason": "safety", "next": "/"})
    assert AWAY in member_client.get(response.headers["Location"]).get_data(as_text=True)


def test_an_administrator_turns_on_holding_posts_outside_hours(app, admin_client):
    form = {"auto_hide_reports": "3", "hold_first_posts": "0", "reports_alert_count": "4",
            "hold_outside_hours": "y"}  # fmt: skip
    assert admin_client.submit("/admin/moderation", form).status_code == 302
    with app.app_context():
        site = db.session.get(SiteSettings, 1)
        assert site.hold_outside_hours and site.reports_alert_count == 4
        entry = db.session.scalars(
            sa.select(AuditEntry).where(AuditEntry.action == "moderation_settings.update")
        ).one()
        assert (
            entry.after["hold_outside_hours"] is True and entry.before["reports_alert_count"] == 3
        )
