"""Regional moderators: Isla moderates Highland only. She sees and handles Highland's reports,
posts waiting and applications, and gets "not found" for every action anywhere else, in the
service layer whatever the page showed. National moderators and administrators moderate
everything."""

import pytest
import sqlalchemy as sa

from forum.extensions import db
from forum.models import AuditEntry, Member, MemberStatus, Post, Thread
from forum.services.errors import OutOfScope
from forum.services.forums import threads
from forum.services.ideas import moderation as idea_moderation
from forum.services.live import events
from forum.services.moderation import actions
from forum.services.network import roles
from forum.services.people import membership
from tests import factories
from tests.conftest import sign_in_as


@pytest.fixture
def world(app):
    """A reported thread and reply in Highland's forum, in Lothian's, and in a national forum;
    an idea and a member from each place; applications from Highland and Lothian."""
    with app.test_request_context():
        factories.forum("Introductions")
        made = {}
        for place, slug, region in (("highland", "highland", "Highland"),
                                    ("lothian", "lothian", "Lothian"),
                                    ("national", "introductions", None)):  # fmt: skip
            author = factories.member(display_name=f"Author {place}", region_name=region)
            reporter = factories.member(region_name=region)
            thread = factories.thread(author, slug, title=f"Thread in {place}")
            reply = factories.reply(reporter, thread.id, f"Reply in {place}").id
            idea = factories.idea(author, f"Idea for {place}", region_name=region)
            comment = factories.comment(reporter, idea.id, f"Comment in {place}")
            factories.report(reporter, "thread", thread.id, "unkind")
            factories.report(author, "post", reply, "spam")
            factories.report(author, "member", reporter.id, "unkind")
            factories.report(author, "comment", comment.id, "spam")
            made[place] = {"thread": thread.id, "post": reply, "idea": idea.id,
                           "comment": comment.id, "member": reporter.id}  # fmt: skip
        for region in ("Highland", "Lothian"):
            made[region] = factories.member(status="pending", region_name=region,
                                            display_name=f"Applicant {region}").id  # fmt: skip
    return made


def test_the_queue_shows_only_her_regions(app, world, regional_client, moderator_client):
    page = regional_client.get("/moderation/").get_data(as_text=True)
    assert "Thread in highland" in page and "Applicant Highland" in page
    for other in ("Thread in lothian", "Thread in national", "Applicant Lothian"):
        assert other not in page, other
    assert "Applicant Lothian" in moderator_client.get("/moderation/").get_data(as_text=True)
    badge = regional_client.get("/ideas/mine").get_data(as_text=True)
    assert 'id="moderation-badge" class="badge">5<' in badge  # 4 reported things, 1 application


ACTIONS = [
    ("thread", "hide", {"reason": "x"}), ("thread", "lock", {}), ("thread", "pin", {}),
    ("thread", "warnings", {"warnings": []}), ("thread", "restore", {}),
    ("post", "hide", {"reason": "x"}), ("post", "dismiss", {}), ("idea", "hide", {"reason": "x"}),
    ("comment", "hide", {"reason": "x"}), ("member", "warn", {"message": "x"}),
    ("member", "suspend", {"period": "day", "reason": "x"}), ("member", "lift", {}),
    ("thread", "move", {"forum_id": 1}), ("post", "approve", {}), ("post", "reject", {}),
]  # fmt: skip


@pytest.mark.parametrize(("kind", "action", "params"), ACTIONS)
def test_every_action_outside_her_regions_is_refused_in_the_service(
    app, world, regional_moderator, kind, action, params
):
    with app.test_request_context():
        for place in ("lothian", "national"):
            target_id = world[place][kind]
            case = factories.open_case(kind, target_id)
            with pytest.raises(OutOfScope):
                actions.act(regional_moderator, kind, target_id, action, params,
                               case_id=case.id if case else None)  # fmt: skip
        assert db.session.scalar(
            sa.select(sa.func.count()).select_from(AuditEntry)
            .where(AuditEntry.target_kind.in_(["post", "thread", "idea", "comment", "member"]))
        ) == 0  # fmt: skip


@pytest.mark.parametrize("place", ["lothian", "national"])
def test_and_answered_not_found_by_every_page(app, world, regional_client, place):
    for kind in ("thread", "post", "idea", "comment", "member"):
        target_id = world[place][kind]
        assert regional_client.get(f"/moderation/{kind}/{target_id}").status_code == 404
        for action in ("hide", "dismiss", "warn", "suspend", "lock"):
            response = regional_client.submit(
                f"/moderation/{kind}/{target_id}/{action}",
                {"reason": "x", "message": "x", "period": "day"},
            )
            assert response.status_code == 404, (kind, action)
    with app.app_context():
        case = factories.open_case("thread", world[place]["thread"])
    assert regional_client.get(f"/moderation/cases/{case.id}/row").status_code == 404
    with app.app_context():
        assert db.session.get(Thread, world[place]["thread"]).hidden_at is None
        assert db.session.get(Member, world[place]["member"]).is_member


def test_inside_her_region_everything_works(app, world, regional_client):
    highland = world["highland"]
    with app.app_context():
        case = factories.open_case("post", highland["post"])
    response = regional_client.submit(
        f"/moderation/post/{highland['post']}/hide", {"reason": "Spam", "case": case.id}
    )
    assert response.status_code == 302
    regional_client.submit(f"/moderation/member/{highland['member']}/suspend",
                           {"period": "day", "reason": "Spam again"})  # fmt: skip
    with app.app_context():
        assert db.session.get(Post, highland["post"]).hidden_at is not None
        assert db.session.get(Member, highland["member"]).status == MemberStatus.SUSPENDED


def test_applications_from_other_regions_cannot_be_decided(app, world, regional_moderator,
                                                          regional_client):  # fmt: skip
    response = regional_client.submit(f"/moderation/applications/{world['Lothian']}/approve", {})
    assert response.status_code == 404
    with app.test_request_context():
        with pytest.raises(OutOfScope):
            membership.decide(regional_moderator, world["Lothian"], approve=True)
        assert db.session.get(Member, world["Lothian"]).status == MemberStatus.PENDING
    page = regional_client.get("/moderation/applications").get_data(as_text=True)
    assert "Applicant Highland" in page and "Applicant Lothian" not in page
    response = regional_client.submit(f"/moderation/applications/{world['Highland']}/approve", {})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Member, world["Highland"]).is_member


def test_ideas_of_other_regions_cannot_be_answered_or_merged(app, world, regional_moderator,
                                                            regional_client):  # fmt: skip
    with app.test_request_context():
        for place in ("lothian", "national"):
            with pytest.raises(OutOfScope):
                idea_moderation.change_status(regional_moderator, world[place]["idea"], "planned")
            with pytest.raises(OutOfScope):
                idea_moderation.merge(regional_moderator, world[place]["idea"],
                                      world["highland"]["idea"])  # fmt: skip
        with pytest.raises(OutOfScope):
            idea_moderation.save_tag(regional_moderator, "Highland events")
    response = regional_client.submit(f"/ideas/{world['lothian']['idea']}/status",
                                      {"status-status": "planned"})  # fmt: skip
    assert response.status_code == 404
    own = regional_client.get(f"/ideas/{world['highland']['idea']}").get_data(as_text=True)
    other = regional_client.get(f"/ideas/{world['lothian']['idea']}").get_data(as_text=True)
    assert "For moderators" in own and "For moderators" not in other
    assert regional_client.get("/ideas/tags").status_code == 404


def test_a_thread_cannot_be_moved_out_to_a_forum_she_does_not_moderate(app, world, regional_client):
    with app.app_context():
        national = factories.forum("Introductions").id
    response = regional_client.submit(
        f"/moderation/thread/{world['highland']['thread']}/move", {"forum_id": national}
    )
    assert response.status_code == 404
    page = regional_client.get(f"/moderation/thread/{world['highland']['thread']}")
    assert "Introductions" not in page.get_data(as_text=True).split("Move the thread")[0][-800:]


def test_she_reads_hidden_content_of_her_region_only(app, world, regional_client, moderator):
    with app.test_request_context():
        for place in ("highland", "lothian"):
            factories.act(moderator, "post", world[place]["post"], "hide", reason="Spam")
    own = regional_client.get(f"/threads/{world['highland']['thread']}?page=1").get_data(
        as_text=True
    )
    other = regional_client.get(f"/threads/{world['lothian']['thread']}?page=1").get_data(
        as_text=True
    )
    assert "Reply in highland" in own
    assert "Reply in lothian" not in other and "hidden by a moderator" in other


def test_administrators_choose_a_moderators_regions_and_it_is_logged(app, admin_client):
    with app.app_context():
        kenny = factories.member(display_name="Kenny", role="moderator")
        ids = [factories.region("Highland").id, factories.region("Lothian").id]
    admin_client.submit(f"/admin/members/{kenny.id}/regions", {"regions": ids})
    page = admin_client.get("/admin/members").get_data(as_text=True)
    assert "Lothian, Highland" in page or "Highland, Lothian" in page
    with app.app_context():
        person = db.session.get(Member, kenny.id)
        assert {r.name for r in person.moderated_regions} == {"Highland", "Lothian"}
        entry = db.session.scalar(sa.select(AuditEntry).where(
            AuditEntry.action == "moderator.regions"))  # fmt: skip
        assert entry.before == {"regions": []} and sorted(entry.after["regions"]) == sorted(ids)
        roles.set_role(kenny.id, factories.Role.MEMBER)
        assert db.session.get(Member, kenny.id).moderated_regions == []
    response = admin_client.submit(f"/admin/members/{kenny.id}/regions", {"regions": ids})
    assert response.status_code == 302  # no longer a moderator: refused with a message


def _invite(client, **form):
    return client.submit("/moderation/invitations", {"days": "7", **form})


def _link(response) -> str:
    page = response.get_data(as_text=True)
    value = page[page.index('id="new-link"') :].split('value="', 1)[1].split('"', 1)[0]
    return value.replace("http://forum.test", "")


def test_her_invitations_admit_people_only_to_her_regions(
    app, regional_client, moderator_client, new_client
):
    from tests.test_membership import application

    with app.app_context():
        highland = factories.region("Highland").id
        lothian = factories.region("Lothian").id
    page = regional_client.get("/moderation/invitations").get_data(as_text=True)
    assert "Any region" not in page and ">Lothian<" not in page and ">Highland<" in page
    for region in ("", str(lothian)):  # no "any region", no other region
        refused = _invite(regional_client, region_id=region)
        assert refused.status_code == 422
        assert "Choose one of the regions you moderate" in refused.get_data(as_text=True)
    link = _link(_invite(regional_client, region_id=str(highland), note="For Fiona"))
    form = new_client().get(link).get_data(as_text=True)
    assert ">Highland<" in form and ">Lothian<" not in form
    elsewhere = application(email="fiona@example.org", region_id=str(lothian), reason=None)
    refused = new_client().submit(link, elsewhere)
    assert refused.status_code == 422
    assert "This invitation is to join Highland." in refused.get_data(as_text=True)
    guest = new_client()
    joined = guest.submit(link, {**elsewhere, "region_id": str(highland)})
    assert joined.status_code == 302
    with app.app_context():
        fiona = db.session.scalar(sa.select(Member).where(Member.email == "fiona@example.org"))
        assert (fiona.status, fiona.region_id) == (MemberStatus.ACTIVE, highland)
    # a national moderator's invitation lets the person choose
    national = _link(_invite(moderator_client, region_id=str(highland)))
    free = new_client().submit(national, application(email="g@example.org", region_id=str(lothian)))
    assert free.status_code == 302


def test_she_sees_and_revokes_only_invitations_for_her_regions(
    app, regional_client, moderator_client
):
    from forum.models import Invitation

    with app.app_context():
        lothian = factories.region("Lothian").id
    _invite(moderator_client, region_id=str(lothian), note="For someone in Lothian")
    _invite(moderator_client, note="For anyone")
    with app.app_context():
        ids = list(db.session.scalars(sa.select(Invitation.id)))
    page = regional_client.get("/moderation/invitations").get_data(as_text=True)
    assert "For someone in Lothian" not in page and "For anyone" not in page
    for invitation_id in ids:
        regional_client.submit(f"/moderation/invitations/{invitation_id}/revoke", {})
    with app.app_context():
        assert (
            db.session.scalar(sa.select(sa.func.count()).where(Invitation.revoked_at.is_not(None)))
            == 0
        )
    assert "For anyone" in moderator_client.get("/moderation/invitations").get_data(as_text=True)


def test_she_reads_the_members_only_forums_and_ideas_of_her_regions_not_others(
    app, regional_moderator, new_client
):

    with app.test_request_context():
        for region in ("Highland", "Lothian", "Greater Glasgow and Clyde"):
            factories.forum(region_name=region, audience="region")
        lothian_author = factories.member(region_name="Lothian")
        lothian = factories.thread(lothian_author, "lothian", title="Lothian only")
        lothian_idea = factories.idea(lothian_author, "A Lothian idea", region_name="Lothian")
        highland = factories.thread(factories.member(region_name="Highland"), "highland")
        # Ross lives in Lothian and moderates Glasgow: he sees both, and not Highland
        ross = factories.member(
            display_name="Ross", role="moderator", region_name="Lothian",
            moderates=("Greater Glasgow and Clyde",),
        )  # fmt: skip
        glasgow = factories.thread(factories.member(region_name="Greater Glasgow and Clyde"),
                                   "greater-glasgow-and-clyde")  # fmt: skip
    isla = sign_in_as(new_client(), regional_moderator)
    assert isla.get(f"/threads/{highland.id}").status_code == 200
    assert isla.get(f"/threads/{lothian.id}").status_code == 404
    assert isla.get("/forums/lothian").status_code == 404
    assert isla.get(f"/ideas/{lothian_idea.id}").status_code == 404
    assert "Lothian only" not in isla.get("/").get_data(as_text=True)
    ross_client = sign_in_as(new_client(), ross)
    assert ross_client.get(f"/threads/{lothian.id}").status_code == 200
    assert ross_client.get(f"/threads/{glasgow.id}").status_code == 200
    assert ross_client.get(f"/threads/{highland.id}").status_code == 404
    with app.app_context():
        lothian_region = factories.region("Lothian").id
    with app.test_request_context():
        assert not events.may_subscribe(regional_moderator, "ideas:all")
        assert not events.may_subscribe(regional_moderator, f"ideas:{lothian_region}")
        assert events.may_subscribe(ross, f"ideas:{lothian_region}")
        assert not events.may_subscribe(ross, f"forum:{highland.forum_id}")


def test_a_suspension_in_another_region_is_not_told_by_a_members_page(
    app, regional_client, moderator_client, member_client
):
    with app.test_request_context():
        lothian = factories.member(status="suspended", region_name="Lothian")
        highland = factories.member(status="suspended", region_name="Highland")
    assert regional_client.get(f"/members/{lothian.id}").status_code == 404
    assert regional_client.get(f"/report/member/{lothian.id}").status_code == 404
    assert regional_client.get(f"/members/{highland.id}").status_code == 200
    assert moderator_client.get(f"/members/{lothian.id}").status_code == 200
    assert member_client.get(f"/members/{highland.id}").status_code == 404


def test_a_thread_removed_in_another_region_keeps_its_title_from_her(
    app, regional_client, moderator_client
):
    with app.test_request_context():
        factories.forum(region_name="Lothian", audience="everyone")
        author = factories.member(region_name="Lothian")
        thread = factories.thread(author, "lothian", title="A title its author took back")
        threads.delete_post(author, thread.first_post_id)
    for url in ("/", "/forums/lothian", f"/threads/{thread.id}", f"/threads/{thread.id}/row"):
        assert "took back" not in regional_client.get(url).get_data(as_text=True), url
    assert "took back" in moderator_client.get(f"/threads/{thread.id}").get_data(as_text=True)
