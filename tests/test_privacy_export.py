"""Your data: after confirming their password, a member downloads a ZIP of everything they
gave (JSON and a page to read), with nothing of any other member."""

import io
import json
import zipfile

import pytest

from forum.services.errors import NotFound
from forum.services.forums import threads
from forum.services.privacy import export
from tests import factories


@pytest.fixture
def writing(app, member):
    """Ahmed's thread with Fiona's reply; Fiona's thread with Ahmed's reply; Ahmed's idea,
    his vote on Fiona's idea, his comment, his report of Fiona's reply."""
    with app.test_request_context():
        fiona = factories.member(display_name="Fiona", email="fiona@example.org")
        own = factories.thread(
            member, title="Sleep after night shifts", body="My own opening words",
            replies=[(fiona, "Fiona's private story about her sister")],
        )  # fmt: skip
        theirs = factories.thread(fiona, title="Fiona's hidden grief", body="Fiona's words")
        factories.reply(member, theirs.id, "Ahmed answers kindly")
        idea = factories.idea(member, title="Monthly walks", description="Walk and talk")
        fiona_idea = factories.idea(fiona, title="Fiona's idea title", voters=(fiona, member))
        factories.comment(member, fiona_idea.id, "Ahmed comments here")
        reply_id = factories.reply(fiona, theirs.id, "Fiona again").id
        factories.report(member, "post", reply_id, reason="unkind", note="Ahmed's concern")
        return {"own": own, "theirs": theirs, "idea": idea, "fiona": fiona}


def _open(data: bytes) -> tuple[dict, str]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert sorted(archive.namelist()) == ["your-data.html", "your-data.json"]
        return json.loads(archive.read("your-data.json")), archive.read("your-data.html").decode()


def test_the_export_holds_what_the_member_gave(app, member, writing):
    with app.test_request_context():
        data, html = _open(export.build_export(member.id))
    assert data["profile"]["email"] == member.email
    assert data["profile"]["application"] == {"organisation": "Peer supporter",
                                              "reason": "To share ideas."}  # fmt: skip
    kinds = {(c["kind"], c["notice_version"]) for c in data["consents"]}
    assert kinds == {("house_rules", "1"), ("health_data", "1")}
    assert all(c["given_at"] for c in data["consents"])
    assert [t["title"] for t in data["threads"]] == ["Sleep after night shifts"]
    assert {p["text"] for p in data["posts"]} == {"My own opening words", "Ahmed answers kindly"}
    assert [i["title"] for i in data["ideas"]] == ["Monthly walks"]
    assert len(data["votes"]) == 2 and [c["text"] for c in data["comments"]] == [
        "Ahmed comments here"
    ]
    [report] = data["reports"]
    assert report["note"] == "Ahmed's concern" and "state" not in report
    assert "Sleep after night shifts" in html and "Ahmed answers kindly" in html


def test_nothing_of_another_member_is_in_it(app, member, writing):
    with app.test_request_context():
        raw = export.build_export(member.id)
        data, html = _open(raw)
    text = json.dumps(data) + html
    for theirs in ("Fiona", "fiona@example.org", "private story", "hidden grief"):
        assert theirs not in text, theirs
    theirs_post = next(p for p in data["posts"] if p["text"] == "Ahmed answers kindly")
    assert theirs_post["thread"] == f"/threads/{writing['theirs'].id}"
    assert theirs_post["thread_title"] is None


def test_the_readable_copy_escapes_what_members_wrote(app, member):
    with app.test_request_context():
        factories.thread(member, title="Tags", body="<script>alert(1)</script> and <b>bold</b>")
        _, html = _open(export.build_export(member.id))
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)" in html


def test_downloading_needs_the_password(member_client):
    refused = member_client.submit("/account/your-data/export", {"ex-password": "wrong one"})
    assert refused.status_code == 422
    assert "That is not your password." in refused.get_data(as_text=True)


def test_a_member_downloads_a_zip_of_their_data(member_client, member, writing):
    response = member_client.submit(
        "/account/your-data/export", {"ex-password": factories.PASSWORD}
    )
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "no-store"
    data, _ = _open(response.data)
    assert data["profile"]["id"] == member.id


def test_the_page_is_linked_from_the_account_page(member_client):
    assert "/account/your-data" in member_client.get("/account/").get_data(as_text=True)
    page = member_client.get("/account/your-data").get_data(as_text=True)
    assert "Download my data" in page and 'autocomplete="current-password"' in page


def test_the_export_of_someone_signed_out_asks_them_to_sign_in(client):
    assert client.get("/account/your-data").status_code == 302


def test_earlier_versions_of_their_posts_are_in_it(app, member):
    with app.test_request_context():
        thread = factories.thread(member, title="First try", body="What I first wrote")
        threads.edit_post(member, thread.first_post_id, body="What I wrote after", title="Better")
        data, html = _open(export.build_export(member.id))
    [version] = data["earlier_versions_of_posts"]
    assert version["text"] == "What I first wrote" and version["title"] == "First try"
    assert "What I first wrote" in html


def test_an_unknown_or_erased_member_has_no_export(app, member):
    with app.test_request_context(), pytest.raises(NotFound):
        export.build_export(member.id + 1000)
