"""Content the app hid by itself after several members reported it says so: no member is told a
moderator hid it when none has acted yet."""

import re

from tests import factories
from tests.conftest import sign_in_as


def _text(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)).split())


def _reported_three_times(kind: str, target_id: int) -> None:
    for n in range(3):
        factories.report(factories.member(display_name=f"Reporter {n}"), kind, target_id, "spam")


def test_a_thread_hidden_after_reports_says_so_where_members_meet_it(app, member, new_client):
    with app.test_request_context():
        author = factories.member(display_name="Callum")
        thread = factories.thread(author, title="Cheap pills here")
        _reported_three_times("thread", thread.id)
    reader = sign_in_as(new_client(), member)
    page = _text(reader.get(f"/threads/{thread.id}"))
    assert "Hidden after reports" in page and "Several members reported this thread" in page
    assert "Hidden by a moderator" not in page and "A moderator has hidden" not in page
    listing = _text(reader.get("/forums/introductions"))
    assert "A thread hidden after reports, until a moderator looks at it." in listing
    assert "hidden by a moderator" not in listing
    index = _text(reader.get("/"))
    assert "a thread hidden after reports" in index and "hidden by a moderator" not in index
    own = _text(sign_in_as(new_client(), author).get(f"/threads/{thread.id}?page=1"))
    assert "Other members see that it is hidden after reports." in own
    assert "hidden by a moderator" not in own


def test_an_idea_and_a_comment_hidden_after_reports_say_so(app, member, new_client):
    with app.test_request_context():
        author = factories.member(display_name="Callum")
        idea = factories.idea(author, title="Buy our supplements")
        other = factories.idea(author, title="Meet more often")
        comment = factories.comment(author, other.id, "Click my link")
        _reported_three_times("idea", idea.id)
        _reported_three_times("comment", comment.id)
    reader = sign_in_as(new_client(), member)
    hidden = _text(reader.get(f"/ideas/{idea.id}"))
    assert "Hidden after reports" in hidden and "Several members reported this idea" in hidden
    assert "Hidden by a moderator" not in hidden
    page = _text(reader.get(f"/ideas/{other.id}"))
    assert "This comment is hidden for now: several members reported it" in page
    assert "hidden by a moderator" not in page and "Click my link" not in page
    own = _text(sign_in_as(new_client(), author).get(f"/ideas/{other.id}"))
    assert "Other members see that it is hidden after reports." in own
