"""Nobody but active members sees member content: every route, in every state.

This test walks ``app.url_map``, so routes added later are covered without changes here.
"""

import re
import urllib.parse

import pytest
from werkzeug.routing import AnyConverter, IntegerConverter, Rule

from forum.models import Role
from forum.services import site_settings
from forum.services.forums import threads
from forum.services.network import roles
from forum.services.people import membership
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
    "pages.accessibility_statement",
    "setup.setup",
    "events.feed",  # a member's calendar app: opened by the secret in its address
    "notifications.unsubscribe",  # the signed link in a mail, without signing in (RFC 8058)
}
FOR_SIGNED_IN = {"membership.status", "safety.appeal"}  # the appeal: suspended members
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


# --- numbers the database cannot hold ---------------------------------------------------------

BAD_NUMBERS = {
    "huge": "99999999999999999999999",
    "just too big": "2147483648",  # one more than PostgreSQL's integer
    "negative": "-1",
    "not a number": "abc",
    "another script's digits": "\u0661\u0662",
}
# Every integer the app reads from a query string or a form, by name.
NUMBER_FIELDS = (
    "after", "page", "quote", "exclude", "seen", "shown", "level", "up_to", "case", "round",
    "forum_id", "regions", "warnings", "merge-into", "region_id", "tag_ids", "budget", "days",
    "actor",
)  # fmt: skip
# Signing out in the middle would leave the rest of the walk unsigned-in.
ENDS_THE_WALK = {"auth.sign_out", "account.end_sign_in", "account.end_other_sign_ins"}
PART = re.compile(r"<(?:(\w+)(?:\(([^)]*)\))?:)?(\w+)>")


def _path(rule: Rule, number: str, choice: int = 0) -> str:
    """The rule's path with ``number`` in every integer part, the ``choice``-th value of each
    ``any(...)`` part (wrapping round), and a plausible value elsewhere."""

    def fill(match):
        converter, args = match.group(1) or "default", match.group(2)
        if converter == "int":
            return urllib.parse.quote(number)
        if converter == "any":
            values = sorted(a.strip().strip("'\"") for a in args.split(","))
            return values[choice % len(values)]
        return "x"

    return PART.sub(fill, rule.rule)


def _choices(rule: Rule) -> int:
    """How many values the rule's widest ``any(...)`` part offers (1 without one)."""
    return max((len(c.items) for c in rule._converters.values() if isinstance(c, AnyConverter)),
               default=1)  # fmt: skip


def _numbers_everywhere(number: str) -> dict[str, list[str]]:
    values = {name: [number] for name in NUMBER_FIELDS}
    values["shown"] = [number, f"{number}:000000000000"]
    values["topic"] = [f"{kind}:{number}" for kind in ("thread", "forum", "idea", "board")]
    return values


def _walk(client, number: str, *, in_path: bool):
    """Every route once: ``number`` in the path, or real ids in the path and ``number`` in every
    query and form value. Yields (method, url, status)."""
    fields = _numbers_everywhere(number)
    for rule in client.application.url_map.iter_rules():
        if rule.endpoint == "static" or (not in_path and rule.endpoint in ENDS_THE_WALK):
            continue
        if in_path and not any(isinstance(c, IntegerConverter) for c in rule._converters.values()):
            continue
        path = _path(rule, number if in_path else "1")
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            try:  # under test an error is raised rather than answered with a 500
                if method == "GET":
                    response = client.get(path, query_string=fields, buffered=False)
                else:
                    response = client.submit(path, fields)
            except Exception as exc:
                yield method, path, f"500 ({type(exc).__name__}: {exc})"[:200]
                continue
            response.close()  # a live stream ends here
            yield method, path, response.status_code


@pytest.fixture
def world(app):
    """One of each thing, so that id 1 names something real on every kind of page."""
    with app.test_request_context():
        author = factories.member(display_name="Writer")
        thread = factories.thread(author, title="A thread to walk")
        factories.reply(author, thread.id, "A reply to walk")
        idea = factories.idea(author, title="An idea to walk")
        factories.comment(author, idea.id)
        factories.report(factories.member(), "post", thread.first_post_id)
    return thread


@pytest.mark.parametrize("role", ["member", "moderator", "admin"])
def test_no_number_in_a_path_query_or_form_makes_a_page_fail(app, new_client, world, role):
    with app.app_context():
        person = factories.member(role=role, display_name=f"Walking {role}")
    client = sign_in_as(new_client(), person)
    failures = []
    for label, number in BAD_NUMBERS.items():
        for in_path, where in ((True, "the path"), (False, "the query and form")):
            for method, url, status in _walk(client, number, in_path=in_path):
                if str(status).startswith("5"):
                    failures.append(f"{status} {method} {url}: {label} in {where}")
    assert not failures, "\n".join(failures)
    assert client.get("/account/").status_code == 200  # still signed in: the walk saw it all


def test_a_path_number_the_database_cannot_hold_is_not_found(member_client):
    for url in ("/threads/99999999999999999999999", "/posts/2147483648/edit", "/members/-1",
                "/members/\u0661", "/moderation/cases/99999999999999999999/row"):  # fmt: skip
        assert member_client.get(url).status_code == 404, url


# --- what a regional moderator reads, page by page ---------------------------------------------

HIDDEN_AWAY = "Kept-from-Highland"  # every secret below carries it


@pytest.fixture
def other_regions(app, admin, moderator):
    """Things a moderator of Highland alone must never read, wherever they are shown: Lothian's
    own members' forum and its members' applications, sanctions, messages, reports and
    invitations; hidden and removed things of a national forum and of another region's open
    forum; and the network's administration."""
    secret = HIDDEN_AWAY
    with app.test_request_context():
        factories.forum(region_name="Lothian", audience="region")
        factories.forum(region_name="Greater Glasgow and Clyde", audience="everyone")
        ann = factories.member(display_name="Ann", region_name="Lothian")
        bea = factories.member(display_name="Bea", region_name="Lothian")
        glen = factories.member(display_name="Glen", region_name="Greater Glasgow and Clyde")
        closed = factories.thread(ann, "lothian", title=f"{secret}: Lothian's own thread",
                                  body=f"{secret}: said among Lothian's members")  # fmt: skip
        reply = factories.reply(bea, closed.id, f"{secret}: a Lothian reply")
        factories.report(bea, "post", closed.first_post_id, "other", note=f"{secret}: a note")
        factories.report(ann, "member", bea.id, "other", note=f"{secret}: about Bea")
        factories.act(admin, "post", reply.id, "hide", reason=f"{secret}: why it was hidden")
        factories.act(moderator, "member", bea.id, "warn", message=f"{secret}: a private word")
        factories.act(moderator, "member", ann.id, "suspend", period="week",
                      reason=f"{secret}: why Ann is suspended")  # fmt: skip
        national = factories.thread(glen, title="A national thread")
        hidden = factories.reply(ann, national.id, f"{secret}: hidden in a national forum")
        factories.act(moderator, "post", hidden.id, "hide", reason=f"{secret}: national reason")
        removed = factories.thread(glen, "greater-glasgow-and-clyde",
                                   title=f"{secret}: a title its author removed")  # fmt: skip
        threads.delete_post(glen, removed.first_post_id)
        idea = factories.idea(ann, f"{secret}: a Lothian idea", region_name="Lothian")
        factories.comment(bea, idea.id, f"{secret}: a Lothian comment")
        lothian = factories.region("Lothian").id
        membership.create_invitation(moderator, note=f"{secret}: invitation", region_id=lothian)
        factories.member(status="pending", region_name="Lothian", display_name="Applicant",
                         reason=f"{secret}: why they apply")  # fmt: skip
        roles.set_role(glen.id, Role.MODERATOR, actor=admin)
        site_settings.update_settings(network_name=f"{secret} network", house_rules="Kind.",
                                       privacy_notice="Private.", actor=admin)  # fmt: skip
        site_settings.update_settings(network_name="Test Peer Network", house_rules="Kind.",
                                       privacy_notice="Private.", actor=admin)  # fmt: skip
        highest = max(idea.id, removed.id, hidden.id, glen.id) + 5
    return highest


def _every_page(app, highest: int):
    """Every GET route with each id up to ``highest`` in its integer parts, and the audit log
    with each filter."""
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint in ("static", "live.stream"):
            continue
        numbered = any(isinstance(c, IntegerConverter) for c in rule._converters.values())
        for n in range(1, highest + 1) if numbered else (1,):
            for choice in range(_choices(rule)):
                yield _path(rule, str(n), choice)
    for query in ("kind=post", "kind=member", "kind=application", "kind=invitation",
                  "kind=settings", "action=member.warn", "action=member.suspend",
                  "action=content.hide", "action=role.change", "page=2"):  # fmt: skip
        yield f"/moderation/audit?{query}"


@pytest.mark.parametrize("who", ["regional moderator", "member of Highland"])
def test_nothing_of_other_regions_reaches_a_highland_moderator_on_any_page(
    app, new_client, other_regions, regional_moderator, who
):
    if who == "regional moderator":
        person = regional_moderator
    else:
        with app.app_context():
            person = factories.member(region_name="Highland")
    client = sign_in_as(new_client(), person)
    leaks, pages = [], 0
    for url in _every_page(app, other_regions):
        for headers in ({}, {"HX-Request": "true"}):
            body = client.get(url, headers=headers).get_data(as_text=True)
            pages += 1
            if HIDDEN_AWAY in body:
                start = body.index(HIDDEN_AWAY)
                leaks.append(f"{url} {headers}: …{body[max(0, start - 80) : start + 60]}…")
    assert not leaks, "\n".join(leaks)
    assert pages > 400


TITLE = re.compile(r"<title>(.*?)</title>", re.S)


@pytest.mark.parametrize("who", ["anonymous", "member", "admin"])
def test_every_page_title_is_short_plain_text(app, new_client, who):
    """A page's <title> is what a screen reader announces first and a tab shows: a few plain
    words, never markup (the account page once held a whole section there)."""
    with app.app_context():
        admin = factories.member(display_name="Morag", role="admin")
        person = factories.member(display_name="Ahmed")
        thread = factories.thread(person, title="Walking on Sunday", replies=[(admin, "Yes!")])
        idea = factories.idea(person, "Peer supervision circles")
        factories.comment(admin, idea.id)
        ids = {"thread_id": thread.id, "post_id": thread.first_post_id, "idea_id": idea.id}
    client = new_client()
    if who != "anonymous":
        sign_in_as(client, admin if who == "admin" else person)
    checked = 0
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint in ("static", "live.stream"):
            continue
        response = client.get(_page_url(app, rule, ids))
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        titles = TITLE.findall(response.get_data(as_text=True))
        if not titles:
            continue  # a partial, not a page
        title = titles[0]
        assert "<" not in title and ">" not in title and "\n" not in title, (rule.rule, title)
        assert 3 <= len(title) <= 200, (rule.rule, title)
        checked += 1
    assert checked >= (5 if who == "anonymous" else 15)


def _page_url(app, rule: Rule, ids: dict[str, int]) -> str:
    """Like ``_sample_url``, with the ids of things that exist where the rule names them."""
    values = {}
    for arg, converter in rule._converters.items():
        if isinstance(converter, AnyConverter):
            values[arg] = sorted(converter.items)[0]
        elif isinstance(converter, IntegerConverter):
            values[arg] = ids.get(arg, 1)
        else:
            values[arg] = "introductions" if arg == "slug" else "x"
    return app.url_map.bind("forum.test").build(rule.endpoint, values)
