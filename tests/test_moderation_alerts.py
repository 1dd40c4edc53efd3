"""Moderators are told in time: a signpost word or an urgent ("worried about someone's
safety") report reaches the active moderators of its region on the bell and by email at
once, whatever their digest choice; nobody else, never twice, and the mail says only that
something urgent is waiting, never what was written."""

import pytest
import sqlalchemy as sa

from forum.extensions import db
from forum.models import (
    CaseState,
    EmailMode,
    Member,
    ModerationCase,
    Notification,
    Role,
    SafetyAlert,
)
from forum.services import jobs
from forum.services.moderation import reports
from forum.services.notifications import inbox, mailing
from forum.services.safety import alerts, watched_words
from tests import factories

WORDS = "Some nights I want to die, and my mum's illness is getting worse"


@pytest.fixture
def team(ctx):
    """Ahmed posts in the Lothian forum; Lorna moderates Lothian, Hamish Highland, Kenny the
    whole network; Sandy moderates Lothian but is suspended."""
    admin = factories.member(display_name="Morag", role="admin")
    watched_words.add(admin, "want to die", "signpost")
    people = {
        "ahmed": factories.member(display_name="Ahmed"),
        "fiona": factories.member(display_name="Fiona"),
        "lorna": factories.member(display_name="Lorna", role="moderator", moderates=("Lothian",)),
        "hamish": factories.member(
            display_name="Hamish", role="moderator", moderates=("Highland",), region_name="Highland"
        ),
        "kenny": factories.member(display_name="Kenny", role="moderator"),
        "sandy": factories.member(
            display_name="Sandy", role="moderator", moderates=("Lothian",), status="suspended"
        ),
        "admin": admin,
    }
    people["forum"] = factories.forum(region_name="Lothian", audience="region")
    return people


@pytest.fixture
def run_jobs(app):
    """Run the queued jobs in a context of their own, as the worker does (the tests here call
    services in theirs); the test then reads afresh."""

    def run() -> int:
        db.session.commit()  # ends the test's transaction, so the jobs' writes are seen after
        with app.app_context():
            ran = jobs.run_pending(app)
        db.session.commit()
        return ran

    return run


def _told(member) -> list[Notification]:
    return list(
        db.session.scalars(
            sa.select(Notification).where(
                Notification.member_id == member.id, Notification.kind == alerts.MODERATION_ALERT
            )
        )
    )


def _signpost(team):
    thread = factories.thread(team["fiona"], team["forum"].slug, title="Evenings")
    return factories.reply(team["ahmed"], thread.id, WORDS)


def test_a_signpost_word_tells_the_moderators_of_its_region_and_no_others(team, run_jobs):
    _signpost(team)
    run_jobs()
    db.session.expire_all()
    assert len(_told(team["lorna"])) == 1
    assert len(_told(team["kenny"])) == 1  # a national moderator covers every region
    assert len(_told(team["admin"])) == 1
    assert _told(team["hamish"]) == []  # a regional moderator of another region
    assert _told(team["sandy"]) == []  # a suspended moderator
    assert _told(team["ahmed"]) == [] and _told(team["fiona"]) == []
    assert db.session.scalar(sa.select(SafetyAlert.alerted_at)) is not None


def test_the_bell_shows_it_only_to_those_who_still_moderate_the_region(team, run_jobs):
    _signpost(team)
    run_jobs()
    lorna = db.session.get(Member, team["lorna"].id)
    assert inbox.unread_count(lorna) == 1
    groups, _ = inbox.page(lorna, 1)
    text, link = groups[0].kind.describe(groups[0])
    assert text == "An urgent report or safety alert is waiting in the queue"
    assert link == "/moderation/"
    lorna.role = Role.MEMBER  # no longer a moderator
    db.session.commit()
    assert inbox.unread_count(db.session.get(Member, lorna.id)) == 0


def test_running_the_job_twice_tells_and_mails_once(team, run_jobs, outbox):
    _signpost(team)
    run_jobs()
    mails = len(outbox())
    assert alerts.tell_moderators() == 0  # nothing waits any more
    db.session.execute(sa.update(SafetyAlert).values(alerted_at=None))  # as if a run was lost
    db.session.commit()
    alerts.tell_moderators()
    run_jobs()
    assert len(_told(team["lorna"])) == 1
    assert len(outbox()) == mails


def test_moderators_are_mailed_at_once_whatever_their_digest_choice(team, run_jobs, outbox):
    mailing.set_mode(team["lorna"], EmailMode.NEVER.value)
    _signpost(team)
    run_jobs()
    sent = [m for m in outbox() if m.recipient == team["lorna"].email]
    assert len(sent) == 1
    assert sent[0].subject == "An urgent report is waiting in the queue"
    assert "/moderation/" in sent[0].body
    assert {m.recipient for m in outbox() if "urgent report" in m.subject} == {
        team[n].email for n in ("lorna", "kenny", "admin")
    }


def test_the_mail_holds_no_words_of_the_post_nor_the_members_health(team, run_jobs, outbox):
    _signpost(team)
    run_jobs()
    [mail] = [m for m in outbox() if m.recipient == team["lorna"].email]
    text = mail.subject + mail.body + mail.html
    for word in ("want to die", "nights", "illness", "mum", "Ahmed", "Evenings"):
        assert word not in text, word


def test_a_moderator_who_switched_the_email_off_is_told_on_the_bell_only(team, run_jobs, outbox):
    inbox.save_settings(team["lorna"], [alerts.MODERATION_ALERT])  # its email left unticked
    _signpost(team)
    run_jobs()
    assert len(_told(team["lorna"])) == 1
    assert team["lorna"].email not in {m.recipient for m in outbox()}
    assert team["kenny"].email in {m.recipient for m in outbox()}


def test_an_urgent_report_tells_the_regions_moderators_once(team, run_jobs, outbox):
    thread = factories.thread(team["fiona"], team["forum"].slug, title="Evenings")
    post = factories.reply(team["ahmed"], thread.id, "I have given my things away")
    reports.submit(team["fiona"], "post", post.id, reason="safety")
    run_jobs()
    assert len(_told(team["lorna"])) == 1 and _told(team["hamish"]) == []
    mails = len(outbox())
    assert mails and all("given my things" not in m.body for m in outbox())
    [case_id] = {n.key.split(":")[3] for n in _told(team["lorna"])}
    assert alerts.tell_of_case(int(case_id)) >= 1  # run again: the same key, nobody told twice
    alerts.tell_moderators()  # the sweep finds it told already
    run_jobs()
    assert len(_told(team["lorna"])) == 1 and len(outbox()) == mails


def test_an_ordinary_report_tells_nobody(team, run_jobs):
    thread = factories.thread(team["fiona"], team["forum"].slug)
    post = factories.reply(team["ahmed"], thread.id, "Something unkind")
    reports.submit(team["fiona"], "post", post.id, reason="unkind")
    run_jobs()
    assert _told(team["lorna"]) == [] and _told(team["kenny"]) == []


def test_only_moderators_are_offered_the_kind(member_client, moderator_client):
    member_page = member_client.get("/account/notifications").get_data(as_text=True)
    assert "Urgent reports and safety alerts" not in member_page
    text = moderator_client.get("/account/notifications").get_data(as_text=True)
    assert "Urgent reports and safety alerts in the regions I moderate" in text
    assert "Email me about them right away" in text


def test_a_member_saving_their_choices_leaves_the_moderators_kind_alone(app, member):
    with app.test_request_context():
        inbox.save_settings(member, [])
        assert f"{alerts.MODERATION_ALERT}" not in inbox.switched_off(member)
        assert "reply" in inbox.switched_off(member)


def test_the_moderator_reads_it_on_the_notifications_page_with_a_link_to_the_queue(app, new_client):
    from tests.conftest import sign_in_as

    with app.test_request_context():
        admin = factories.member(display_name="Morag", role="admin")
        watched_words.add(admin, "want to die", "signpost")
        ahmed = factories.member(display_name="Ahmed")
        lorna = factories.member(display_name="Lorna", role="moderator", moderates=("Lothian",))
        forum = factories.forum(region_name="Lothian", audience="region")
        thread = factories.thread(ahmed, forum.slug, title="Evenings", body=WORDS)
    jobs.run_pending(app)
    client = sign_in_as(new_client(), lorna)
    page = client.get("/notifications").get_data(as_text=True)
    assert "An urgent report or safety alert is waiting in the queue" in page
    assert 'href="/moderation/"' in page
    assert "want to die" not in page and thread.title not in page


def test_an_urgent_case_closed_leaves_the_bell(team, run_jobs):
    thread = factories.thread(team["fiona"], team["forum"].slug, title="Evenings")
    post = factories.reply(team["ahmed"], thread.id, "I have given my things away")
    reports.submit(team["fiona"], "post", post.id, reason="safety")
    run_jobs()
    lorna = db.session.get(Member, team["lorna"].id)
    kenny = db.session.get(Member, team["kenny"].id)
    assert inbox.unread_count(lorna) == 1 and inbox.unread_count(kenny) == 1
    db.session.execute(sa.update(ModerationCase).values(state=CaseState.DISMISSED))
    db.session.commit()
    assert inbox.unread_count(lorna) == 0 and inbox.unread_count(kenny) == 0
