"""The other alerts to moderators: a new application, a post waiting for approval, and one
member reported N times in a day reach the moderators who cover that region, on the bell and
by email at once; each moderator chooses which of them they get and whether by email; the
rows leave the bell once the thing is handled; never twice, never with its content."""

import pytest
import sqlalchemy as sa

from forum.extensions import db
from forum.models import Member, Notification, Post, SiteSettings
from forum.services import jobs
from forum.services.moderation import reports
from forum.services.notifications import inbox
from forum.services.people import membership
from forum.services.safety import alerts
from tests import factories
from tests.factories import PASSWORD


@pytest.fixture
def team(ctx):
    """Lorna moderates Lothian, Hamish Highland, Kenny the whole network; Sandy moderates
    Lothian but is suspended; Ahmed and Fiona are members in Lothian."""
    return {
        "ahmed": factories.member(display_name="Ahmed"),
        "fiona": factories.member(display_name="Fiona"),
        "rhona": factories.member(display_name="Rhona"),
        "iain": factories.member(display_name="Iain"),
        "lorna": factories.member(display_name="Lorna", role="moderator", moderates=("Lothian",)),
        "hamish": factories.member(
            display_name="Hamish", role="moderator", moderates=("Highland",), region_name="Highland"
        ),
        "kenny": factories.member(display_name="Kenny", role="moderator"),
        "sandy": factories.member(
            display_name="Sandy", role="moderator", moderates=("Lothian",), status="suspended"
        ),
        "forum": factories.forum(region_name="Lothian", audience="region"),
    }


@pytest.fixture
def run_jobs(app):
    def run() -> int:
        db.session.commit()
        with app.app_context():
            ran = jobs.run_pending(app)
        db.session.commit()
        db.session.expire_all()
        return ran

    return run


def _told(member, kind) -> list[Notification]:
    return list(
        db.session.scalars(
            sa.select(Notification).where(
                Notification.member_id == member.id, Notification.kind == kind
            )
        )
    )


def _bell(member) -> int:
    return inbox.unread_count(db.session.get(Member, member.id))


def _apply(name="Catriona", region="Lothian") -> Member:
    found = membership.apply(
        membership.Application(
            display_name=name,
            email=f"{name.lower()}@example.org",
            password=PASSWORD,
            region_id=factories.region(region).id,
            organisation="Carers' centre",
            reason="I care for my dad and would like to talk to others who do.",
            accept_house_rules=True,
            accept_health_data=True,
        )
    )
    assert found is not None
    return found


def _hold_first_posts(count=1) -> None:
    db.session.execute(sa.update(SiteSettings).values(hold_first_posts=count))
    db.session.commit()


def _held_post(team) -> Post:
    _hold_first_posts()
    thread = factories.thread(team["lorna"], team["forum"].slug, title="Evenings")
    return factories.reply(team["ahmed"], thread.id, "My first words here, about my brother")


# --- a new application ------------------------------------------------------------------------


def test_a_new_application_tells_the_moderators_who_may_decide_it(team, run_jobs, outbox):
    applicant = _apply()
    run_jobs()
    for who in ("lorna", "kenny"):
        assert len(_told(team[who], alerts.APPLICATION_ALERT)) == 1, who
    for who in ("hamish", "sandy", "ahmed"):
        assert _told(team[who], alerts.APPLICATION_ALERT) == [], who
    sent = [m for m in outbox() if m.subject == "A new application is waiting in the queue"]
    assert {m.recipient for m in sent} == {team["lorna"].email, team["kenny"].email}
    for mail in sent:  # nothing of what the applicant wrote
        for word in ("Catriona", "dad", "Carers", applicant.email):
            assert word not in mail.subject + mail.body + mail.html, word


def test_an_application_leaves_the_bell_once_decided(team, run_jobs):
    applicant = _apply()
    run_jobs()
    assert _bell(team["lorna"]) == 1 and _bell(team["kenny"]) == 1
    membership.decide(db.session.get(Member, team["kenny"].id), applicant.id, approve=True)
    assert _bell(team["lorna"]) == 0 and _bell(team["kenny"]) == 0


def test_an_application_from_another_region_goes_to_its_moderators(team, run_jobs):
    _apply(region="Highland")
    run_jobs()
    assert len(_told(team["hamish"], alerts.APPLICATION_ALERT)) == 1
    assert _told(team["lorna"], alerts.APPLICATION_ALERT) == []


def test_the_job_run_twice_tells_and_mails_once(team, run_jobs, outbox):
    applicant = _apply()
    run_jobs()
    mails = len(outbox())
    assert alerts.tell_of_application(applicant.id) == 2  # the same keys: nobody told again
    alerts.tell_moderators()  # nor by the sweep
    run_jobs()
    assert len(_told(team["lorna"], alerts.APPLICATION_ALERT)) == 1
    assert len(outbox()) == mails


def test_the_sweep_tells_of_an_application_whose_job_was_lost(team):
    _apply()  # its job never runs here
    alerts.tell_moderators()
    db.session.expire_all()
    assert len(_told(team["lorna"], alerts.APPLICATION_ALERT)) == 1


# --- a post waiting for approval --------------------------------------------------------------


def test_a_held_post_tells_the_moderators_of_its_forums_region(team, run_jobs, outbox):
    post = _held_post(team)
    assert post.held_at is not None
    run_jobs()
    assert len(_told(team["lorna"], alerts.HELD_ALERT)) == 1
    assert len(_told(team["kenny"], alerts.HELD_ALERT)) == 1
    assert _told(team["hamish"], alerts.HELD_ALERT) == []
    sent = [m for m in outbox() if m.subject == "A post is waiting for approval"]
    assert {m.recipient for m in sent} == {team["lorna"].email, team["kenny"].email}
    assert all("brother" not in m.body and "Evenings" not in m.body for m in sent)


def test_a_held_post_leaves_the_bell_once_approved_or_turned_down(team, run_jobs):
    first = _held_post(team)
    second = factories.thread(team["fiona"], team["forum"].slug, title="Mornings")
    run_jobs()
    kenny = db.session.get(Member, team["kenny"].id)
    assert _bell(kenny) == 2
    factories.act(kenny, "post", first.id, "approve")
    assert _bell(kenny) == 1
    factories.act(kenny, "thread", second.id, "reject")
    assert _bell(kenny) == 0


def test_a_post_not_held_tells_nobody(team, run_jobs):
    thread = factories.thread(team["fiona"], team["forum"].slug, title="Evenings")
    factories.reply(team["ahmed"], thread.id, "Hello everyone")
    run_jobs()
    assert _told(team["kenny"], alerts.HELD_ALERT) == []


# --- a member reported often in a day ---------------------------------------------------------


def _reported_by(team, reporters, target_kind="post") -> int:
    thread = factories.thread(team["fiona"], team["forum"].slug, title="Evenings")
    posts = [factories.reply(team["ahmed"], thread.id, f"Something unkind {n}") for n in range(3)]
    for n, name in enumerate(reporters):
        reports.submit(team[name], "post", posts[n % 3].id, reason="unkind")
    return thread.id


def test_a_member_reported_three_times_in_a_day_alerts_their_regions_moderators(
    team, run_jobs, outbox
):
    _reported_by(team, ["fiona", "rhona"])
    run_jobs()
    assert _told(team["lorna"], alerts.REPORTS_ALERT) == []  # two: not yet
    reports.submit(team["iain"], "member", team["ahmed"].id, reason="unkind")  # the profile
    run_jobs()
    assert len(_told(team["lorna"], alerts.REPORTS_ALERT)) == 1
    assert len(_told(team["kenny"], alerts.REPORTS_ALERT)) == 1
    assert _told(team["hamish"], alerts.REPORTS_ALERT) == []
    assert _told(team["ahmed"], alerts.REPORTS_ALERT) == []
    sent = [m for m in outbox() if m.subject == "A member has been reported several times today"]
    assert {m.recipient for m in sent} == {team["lorna"].email, team["kenny"].email}
    assert all("Ahmed" not in m.body and "unkind" not in m.body for m in sent)


def test_a_fourth_report_the_same_day_alerts_nobody_again(team, run_jobs, outbox):
    _reported_by(team, ["fiona", "rhona", "iain"])
    run_jobs()
    mails = len(outbox())
    reports.submit(team["lorna"], "member", team["ahmed"].id, reason="unkind")
    run_jobs()
    assert len(_told(team["kenny"], alerts.REPORTS_ALERT)) == 1
    assert len(outbox()) == mails


def test_the_number_of_reports_is_a_site_setting(team, run_jobs):
    db.session.execute(sa.update(SiteSettings).values(reports_alert_count=2))
    db.session.commit()
    _reported_by(team, ["fiona", "rhona"])
    run_jobs()
    assert len(_told(team["lorna"], alerts.REPORTS_ALERT)) == 1


def test_reports_older_than_a_day_do_not_count(team, run_jobs):
    from datetime import timedelta

    from forum.models import Report, utcnow

    _reported_by(team, ["fiona", "rhona"])
    db.session.execute(sa.update(Report).values(created_at=utcnow() - timedelta(hours=25)))
    db.session.commit()
    reports.submit(team["iain"], "member", team["ahmed"].id, reason="unkind")
    run_jobs()
    assert _told(team["lorna"], alerts.REPORTS_ALERT) == []


# --- each moderator's choice ------------------------------------------------------------------


def test_a_moderator_who_switched_a_kind_off_is_not_told_of_it(team, run_jobs, outbox):
    wanted = [alerts.MODERATION_ALERT, alerts.HELD_ALERT, f"{alerts.HELD_ALERT}.email"]
    inbox.save_settings(db.session.get(Member, team["lorna"].id), wanted)
    _apply()
    run_jobs()
    assert _told(team["lorna"], alerts.APPLICATION_ALERT) == []
    assert len(_told(team["kenny"], alerts.APPLICATION_ALERT)) == 1
    assert team["lorna"].email not in {m.recipient for m in outbox()}


def test_a_moderator_may_have_a_kind_on_the_bell_only(team, run_jobs, outbox):
    inbox.save_settings(db.session.get(Member, team["kenny"].id), [alerts.HELD_ALERT])
    _held_post(team)
    run_jobs()
    assert len(_told(team["kenny"], alerts.HELD_ALERT)) == 1
    assert team["kenny"].email not in {m.recipient for m in outbox()}


def test_moderators_are_offered_each_alert_with_its_email_switch(moderator_client, member_client):
    text = moderator_client.get("/account/notifications").get_data(as_text=True)
    for alert in alerts.ALERTS:
        assert alert.label.replace("'", "&#39;") in text
        assert f'value="{alert.name}.email"' in text
    member_page = member_client.get("/account/notifications").get_data(as_text=True)
    assert "New applications to join" not in member_page


def test_the_bell_says_what_waits_without_saying_who(team, run_jobs):
    _apply()
    _apply(name="Morven")
    run_jobs()
    groups, _ = inbox.page(db.session.get(Member, team["lorna"].id), 1)
    [group] = [g for g in groups if g.kind.name == alerts.APPLICATION_ALERT]
    assert group.kind.describe(group) == (
        "2 new applications are waiting in the queue",
        "/moderation/",
    )
