"""Sign-ins that really end: each browser's sign-in is a row on the server, named by both of its
cookies, so signing out (here, on another device, or everywhere else) refuses a copy of either
cookie at once, and the server ends sign-ins left idle or kept too long, whatever the cookies
say. Probed as an attacker would: cookies copied before the sign-out, replayed after it."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from forum.extensions import db
from forum.models import Member, SignIn, utcnow
from forum.services import sign_ins
from tests import factories
from tests.conftest import sign_in_as
from tests.factories import PASSWORD

NEW_PASSWORD = "a lantern by the quiet harbour"
FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"
IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1"
)
SESSION, REMEMBER = "forum_session", "forum_remember"


@pytest.fixture
def clock(monkeypatch):
    """The time sign-ins see, moved on by the test (``clock.advance(days=14)``)."""

    class Clock:
        now = utcnow()

        def __call__(self):
            return self.now

        def advance(self, **delta):
            self.now += timedelta(**delta)

    clock = Clock()
    monkeypatch.setattr(sign_ins, "utcnow", clock)
    return clock


def signed_in(new_client, member, *, remember=False, agent=FIREFOX):
    """A browser that signed in through the form, as a person does."""
    client = new_client()
    client.environ_base["HTTP_USER_AGENT"] = agent
    data = {"email": member.email, "password": PASSWORD}
    if remember:
        data["remember"] = "y"
    assert client.submit("/signin", data).status_code == 302
    return client


def cookies(client) -> dict[str, str]:
    """What an attacker copies from the browser: its cookies' values."""
    found = {name: client.get_cookie(name, domain="forum.test") for name in (SESSION, REMEMBER)}
    return {name: cookie.value for name, cookie in found.items() if cookie is not None}


def replayed(new_client, copied: dict[str, str], *names: str):
    """Another browser, holding copies of some of those cookies."""
    client = new_client()
    for name in names or copied:
        client.set_cookie(name, copied[name], domain="forum.test")
    return client


def opens_account(client) -> bool:
    response = client.get("/account/")
    assert response.status_code in (200, 302)
    return response.status_code == 200


def rows(app, member) -> list[SignIn]:
    with app.app_context():
        query = sa.select(SignIn).where(SignIn.member_id == member.id).order_by(SignIn.id)
        return list(db.session.scalars(query))


# --- captured cookies ------------------------------------------------------------------------


@pytest.mark.parametrize("which", [(SESSION,), (REMEMBER,), (SESSION, REMEMBER)])
def test_a_cookie_copied_before_signing_out_is_refused_after(new_client, member, which):
    browser = signed_in(new_client, member, remember=True)
    copied = cookies(browser)
    assert set(copied) == {SESSION, REMEMBER}
    assert opens_account(replayed(new_client, copied, *which))  # the copy works while signed in
    browser.submit("/signout", {})
    assert not opens_account(replayed(new_client, copied, *which))
    assert not opens_account(browser)


def test_signing_out_deletes_the_sign_in_on_the_server(app, new_client, member):
    browser = signed_in(new_client, member)
    assert len(rows(app, member)) == 1
    browser.submit("/signout", {})
    assert rows(app, member) == []


def test_the_cookies_carry_a_sign_in_key_not_the_member(app, new_client, member):
    copied = cookies(signed_in(new_client, member, remember=True))
    row = rows(app, member)[0]
    value = copied[REMEMBER].split("|")[0]
    sign_in_id, _, secret = value.partition(":")
    assert int(sign_in_id) == row.id and len(secret) >= 40
    assert row.secret_hash != secret and len(row.secret_hash) == 64  # only a digest is kept


def test_a_forged_or_old_style_key_is_refused(app, ctx, member):
    key = sign_ins.start(member, remembered=False).key
    sign_in_id = key.split(":")[0]
    with app.test_request_context():
        secret = key.split(":")[1]
        for forged in (f"{sign_in_id}:wrong-secret", f"{member.id}:{member.session_token}",
                       sign_in_id, "", ":", f"99999999999999999999:{secret}"):  # fmt: skip
            assert sign_ins.load(forged) is None, forged
        assert sign_ins.load(key).id == member.id


# --- your devices ------------------------------------------------------------------------------


def test_your_devices_lists_each_browser_without_its_address(app, new_client, member):
    laptop = signed_in(new_client, member, agent=FIREFOX)
    signed_in(new_client, member, agent=IPHONE, remember=True)
    page = laptop.get("/account/devices").get_data(as_text=True)
    assert "Firefox on Windows" in page and "Safari on iOS" in page
    assert page.count("This device") == 1 and "kept signed in" in page
    assert "127.0.0.1" not in page
    assert "Your devices" in laptop.get("/account/").get_data(as_text=True)


def test_sign_out_of_another_device_refuses_its_cookies(app, new_client, member):
    laptop = signed_in(new_client, member)
    phone = signed_in(new_client, member, agent=IPHONE, remember=True)
    copied = cookies(phone)
    phone_row = next(r for r in rows(app, member) if r.device == "Safari on iOS")
    response = laptop.submit(f"/account/devices/{phone_row.id}/sign-out", {})
    assert response.headers["Location"] == "/account/devices"
    assert "Signed out of Safari on iOS" in laptop.get("/account/devices").get_data(as_text=True)
    assert not opens_account(phone)
    assert not opens_account(replayed(new_client, copied, REMEMBER))
    assert opens_account(laptop)


def test_sign_out_everywhere_else_keeps_only_this_browser(app, new_client, member):
    laptop = signed_in(new_client, member)
    others = [signed_in(new_client, member, remember=True) for _ in range(2)]
    copied = [cookies(other) for other in others]
    laptop.submit("/account/devices/sign-out-others", {})
    assert opens_account(laptop)
    for other, stolen in zip(others, copied, strict=True):
        assert not opens_account(other)
        assert not opens_account(replayed(new_client, stolen, REMEMBER))
    assert len(rows(app, member)) == 1


def test_signing_out_this_device_from_the_list_signs_out_here(app, new_client, member):
    laptop = signed_in(new_client, member)
    row = rows(app, member)[0]
    response = laptop.submit(f"/account/devices/{row.id}/sign-out", {})
    assert response.headers["Location"] == "/signin"
    assert response.headers["Clear-Site-Data"] == '"cache", "storage"'
    assert not opens_account(laptop)


def test_nobody_signs_out_someone_elses_device(app, new_client, member):
    with app.app_context():
        other = factories.member(display_name="Fiona")
    theirs = signed_in(new_client, other)
    row = rows(app, other)[0]
    mine = signed_in(new_client, member)
    assert mine.submit(f"/account/devices/{row.id}/sign-out", {}).status_code == 404
    assert opens_account(theirs)


# --- what ends every sign-in ---------------------------------------------------------------


def test_changing_the_password_ends_every_other_sign_in_and_renews_this_one(
    app, new_client, member
):
    laptop = signed_in(new_client, member, remember=True)
    before = cookies(laptop)
    phone = signed_in(new_client, member, agent=IPHONE)
    response = laptop.submit(
        "/account/password",
        {"pw-current_password": PASSWORD, "pw-password": NEW_PASSWORD, "pw-confirm": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert opens_account(laptop) and not opens_account(phone)
    assert not opens_account(replayed(new_client, before))  # this browser's old key too
    [row] = rows(app, member)
    assert row.remembered and row.device == "Firefox on Windows"


def test_a_suspension_ends_every_sign_in(app, new_client, member, moderator):
    browser = signed_in(new_client, member, remember=True)
    copied = cookies(browser)
    with app.test_request_context():
        factories.act(moderator, "member", member.id, "suspend", period="day", reason="Unkind.")
    assert rows(app, member) == []
    assert replayed(new_client, copied).get("/status").status_code == 302  # not even the status
    assert browser.get("/status").status_code == 302


def test_a_decision_on_an_application_ends_any_sign_in(app, moderator):
    with app.test_request_context():
        applicant = factories.member(status="pending")
        sign_ins.start(applicant, remembered=False)
        from forum.services.people import membership

        membership.decide(db.session.get(Member, moderator.id), applicant.id, approve=True)
    assert rows(app, applicant) == []


def test_a_new_session_token_alone_refuses_every_sign_in(app, new_client, member):
    browser = signed_in(new_client, member)
    with app.app_context():  # what Member.end_sessions() does, for code that only calls it
        db.session.get(Member, member.id).end_sessions()
        db.session.commit()
    assert not opens_account(browser)


# --- the server's own limits, with a clock the test moves ----------------------------------


def test_a_sign_in_left_idle_ends(app, new_client, member, clock):
    browser = signed_in(new_client, member, remember=True)
    clock.advance(days=app.config["SIGN_IN_IDLE_DAYS"], minutes=-1)
    assert opens_account(browser)  # a visit just inside the idle time counts as a visit
    clock.advance(days=app.config["SIGN_IN_IDLE_DAYS"], minutes=-1)
    assert opens_account(browser)
    clock.advance(days=app.config["SIGN_IN_IDLE_DAYS"], minutes=1)
    assert not opens_account(browser)
    assert not opens_account(replayed(new_client, cookies(browser), REMEMBER))


def test_a_remembered_sign_in_ends_after_its_lifetime_however_often_used(
    app, new_client, member, clock
):
    browser = signed_in(new_client, member, remember=True)
    copied = cookies(browser)
    for _ in range(app.config["SIGN_IN_REMEMBERED_DAYS"] // 10):
        clock.advance(days=10)
        assert opens_account(replayed(new_client, copied, REMEMBER))
    clock.advance(days=app.config["SIGN_IN_REMEMBERED_DAYS"] % 10, minutes=1)
    assert not opens_account(replayed(new_client, copied, REMEMBER))


def test_a_sign_in_without_keep_me_signed_in_lasts_hours(app, new_client, member, clock):
    browser = signed_in(new_client, member)
    clock.advance(hours=app.config["SIGN_IN_BROWSER_HOURS"], minutes=-1)
    assert opens_account(browser)
    clock.advance(minutes=2)
    assert not opens_account(browser)


def test_the_limits_are_settings(make_app, new_client, clock):
    from tests.conftest import Client, clean_database

    app = make_app(SIGN_IN_IDLE_DAYS=1)
    with app.app_context():
        clean_database()
        factories.network()
        person = factories.member()
    app.test_client_class = Client
    browser = sign_in_as(app.test_client(), person, remembered=True)
    clock.advance(days=1, minutes=1)
    assert not opens_account(browser)


def test_ended_sign_ins_are_forgotten_at_the_next_sign_in(app, new_client, member, clock):
    signed_in(new_client, member)
    clock.advance(days=2)
    signed_in(new_client, member)
    assert len(rows(app, member)) == 1


def test_a_visit_is_written_at_most_every_few_minutes(
    app, new_client, member, clock, count_queries
):
    browser = signed_in(new_client, member)
    first = rows(app, member)[0].last_seen_at
    clock.advance(minutes=2)
    with count_queries() as quiet:
        browser.get("/account/")
    assert rows(app, member)[0].last_seen_at == first
    clock.advance(minutes=4)
    with count_queries() as noted:
        browser.get("/account/")
    assert rows(app, member)[0].last_seen_at == clock.now
    assert len(noted) == len(quiet) + 1  # one UPDATE, after the page


def test_loading_the_signed_in_member_is_one_query(app, member, count_queries):
    with app.test_request_context():
        key = sign_ins.start(member, remembered=False).key
        db.session.remove()
        with count_queries() as statements:
            loaded = sign_ins.load(key)
            assert loaded.region.name == "Lothian" and loaded.moderation_scope == frozenset()
            assert loaded.get_id() == key
    assert len(statements) == 1


@pytest.mark.parametrize(
    "agent, device",
    [
        (FIREFOX, "Firefox on Windows"),
        (IPHONE, "Safari on iOS"),
        ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
         "Chrome/131.0.0.0 Safari/537.36", "Chrome on Linux"),
        ("Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) "
         "Chrome/131.0 Mobile Safari/537.36", "Chrome on Android"),
        ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
         "Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0", "Edge on Windows"),
        ("Mozilla/5.0 (Macintosh; Intel Mac OS X 14_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
         "Version/18.1 Safari/605.1.15", "Safari on macOS"),
        ("curl/8.5", "A web browser"),
        ("", "A web browser"),
    ],
)  # fmt: skip
def test_a_device_is_named_by_its_browser_and_system(agent, device):
    assert sign_ins.describe(agent) == device


def test_the_report_limit_counts_the_member_not_the_device(make_app):
    from tests.conftest import Client, clean_database

    app = make_app(RATELIMIT_REPORTS="2 per minute")
    with app.app_context():
        clean_database()
        factories.network()
        person = factories.member()
    app.test_client_class = Client
    laptop, phone = (sign_in_as(app.test_client(), person) for _ in range(2))
    assert laptop.submit("/report/post/999", {"reason": "spam"}).status_code == 404
    assert phone.submit("/report/post/999", {"reason": "spam"}).status_code == 404
    assert phone.submit("/report/post/999", {"reason": "spam"}).status_code == 429
