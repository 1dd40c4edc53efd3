"""Pages run a small, fixed number of SQL queries however big the forum or thread grows.

Query counts are behaviour: an N+1 (one query per post, per thread or per author) would make a
page of a 5,000-post thread slow for everyone. Timings belong in bench/, not here.
"""

import pytest

from forum.extensions import db
from forum.models import Thread
from tests import factories
from tests.conftest import sign_in_as

BUDGET = 10  # SQL statements per page, whatever its size (the bell's count is one of them;
# on a thread page, one decides whom the reader may message, for "Message" on posts)


@pytest.fixture
def site_with_a_thread(app):
    """A forum with a few threads, one of them of 5 posts by various people."""
    with app.app_context():
        people = [factories.member(region_name=r) for r in ("Lothian", "Highland", "Lothian")]
        for n in range(3):
            factories.thread(people[n], title=f"Other thread {n}", warnings=("bereavement",))
        thread = factories.thread(
            people[0], title="Measured thread", warnings=("suicide",),
            replies=[(people[(n % 2) + 1], f"Reply {n}") for n in range(4)],
        )  # fmt: skip
    return thread.id, people


def _grow(app, thread_id, people, replies: int, threads: int) -> None:
    """Make the thread ``replies`` posts longer and its forum ``threads`` threads bigger."""
    with app.app_context():
        factories.many_replies(thread_id, people[1], replies)
        forum_id = db.session.get(Thread, thread_id).forum_id
        extras = [
            Thread(forum_id=forum_id, author_id=people[n % 3].id, title=f"Extra {n}")
            for n in range(threads)
        ]
        db.session.add_all(extras)
        db.session.commit()
        for n, extra in enumerate(extras):
            factories.many_replies(extra.id, people[n % 3], 1)


def _pages(thread_id, last_page):
    """name: (url, url the reader opens first, uncounted, or None)."""
    thread = f"/threads/{thread_id}"
    shown = "&".join(f"shown={n}:000000000000" for n in range(1, 26))  # a page catching up
    return {
        "forum index": ("/", None),
        "forum page": ("/forums/introductions", None),
        "thread page": (f"{thread}?page=1", None),
        "last page of the thread": (f"{thread}?page={last_page}", None),
        "posts after (partial)": (f"{thread}/posts?after=0", None),
        "posts after, catching up (partial)": (f"{thread}/posts?after=0&{shown}", None),
        "threads with new posts (partial)": (
            f"/forums/introductions/threads?after=0&{shown}",
            None,
        ),
        "opening a thread never opened": (thread, None),
        "opening where one left off": (thread, f"{thread}?page=1"),
    }


def _measure(app, new_client, count_queries, pages, role) -> dict[str, int]:
    """Each page, as seen by someone who has not been there before."""
    counts = {}
    for name, (url, before) in pages.items():
        with app.app_context():
            reader = factories.member(region_name="Lothian", role=role)
        client = sign_in_as(new_client(), reader)
        if before:
            client.get(before)
        with count_queries() as statements:
            response = client.get(url)
        assert response.status_code in (200, 302), (name, response.status_code)
        counts[name] = len(statements)
    return counts


@pytest.mark.parametrize("role", ["member", "moderator"])
def test_pages_run_the_same_few_queries_for_5_posts_and_for_5000(
    app, new_client, site_with_a_thread, count_queries, role
):
    thread_id, people = site_with_a_thread
    small = _measure(app, new_client, count_queries, _pages(thread_id, 1), role)
    _grow(app, thread_id, people, replies=4995, threads=60)
    big = _measure(app, new_client, count_queries, _pages(thread_id, 200), role)
    print(f"queries per page for a {role}:", small)
    assert big == small
    assert max(small.values()) <= BUDGET, small
