"""Stories behind content warnings: readers choose, per warning, to see, be asked, or hide."""

import re

import pytest

from forum.services.forums import content_warnings
from tests import factories
from tests.conftest import sign_in_as

STORY = "The night my neighbour knocked on the door"


@pytest.fixture
def author(app):
    with app.app_context():
        return factories.member(display_name="Kenny")


@pytest.fixture
def story(app, author):
    """A thread whose opening post carries suicide and self-harm warnings, and a note."""
    with app.app_context():
        return factories.thread(
            author, "introductions", title="Ten years on", body=STORY,
            warnings=("suicide", "self-harm"), note="mostly about hope",
        )  # fmt: skip


@pytest.fixture
def reader(app, new_client):
    with app.app_context():
        person = factories.member(display_name="Ahmed")
    return person, sign_in_as(new_client(), person)


def _choose(app, person, **choices):
    with app.app_context():
        ids = {w.name: w.id for w in content_warnings.all_warnings()}
        content_warnings.set_preferences(
            person, {ids[name.replace("_", "-")]: value for name, value in choices.items()}
        )


def test_by_default_the_reader_sees_the_warning_and_opens_the_post_with_one_action(story, reader):
    page = reader[1].get(f"/threads/{story.id}").get_data(as_text=True)
    details = re.search(
        r'<details class="cw">\s*<summary>(.*?)</summary>(.*?)</details>', page, re.S
    )
    assert details, "the post sits behind a <details> element"
    summary = re.sub(r"<[^>]+>", "", details.group(1))
    assert "This post mentions suicide and self-harm: mostly about hope." in summary
    assert "Show post" in summary
    assert STORY in details.group(2)  # inside, one click (or Enter) away


def test_the_thread_list_names_the_warnings(story, reader):
    page = reader[1].get("/forums/introductions").get_data(as_text=True)
    assert "Content warning: suicide and self-harm" in page and "Ten years on" in page


def test_a_reader_who_always_shows_a_warning_sees_the_post_open(app, story, reader):
    _choose(app, reader[0], suicide="show", self_harm="show")
    page = reader[1].get(f"/threads/{story.id}").get_data(as_text=True)
    assert '<details class="cw">' not in page
    assert STORY in page and "Content warning: suicide and self-harm" in page


def test_ask_wins_over_show_when_a_post_carries_both(app, story, reader):
    _choose(app, reader[0], suicide="show")
    page = reader[1].get(f"/threads/{story.id}").get_data(as_text=True)
    assert '<details class="cw">' in page


def test_a_reader_who_hides_a_warning_does_not_see_the_post_or_its_title(app, story, reader):
    _choose(app, reader[0], self_harm="hide")
    page = reader[1].get(f"/threads/{story.id}").get_data(as_text=True)
    assert STORY not in page
    assert "This post is hidden because it mentions suicide and self-harm" in page
    listing = reader[1].get("/forums/introductions").get_data(as_text=True)
    assert "Ten years on" not in listing
    assert "A thread about suicide and self-harm is hidden by your" in listing
    index = reader[1].get("/").get_data(as_text=True)
    assert "Ten years on" not in index and "with new posts" not in index


@pytest.fixture
def isla(app):
    with app.app_context():
        return factories.member(display_name="Isla")


def test_the_index_counts_each_readers_new_threads_by_their_own_choices(
    app, isla, reader, story, new_client
):
    """The index's statements are built once and kept; each reader's choices still apply."""
    _choose(app, reader[0], self_harm="hide")
    other = sign_in_as(new_client(), isla)
    for _ in range(2):  # in turn, with the statements kept after the first visit
        assert "with new posts" not in reader[1].get("/").get_data(as_text=True)
        assert "1 with new posts" in other.get("/").get_data(as_text=True)
    _choose(app, reader[0], self_harm="show")
    assert "1 with new posts" in reader[1].get("/").get_data(as_text=True)


def test_authors_always_see_their_own_posts_open(app, author, story, new_client):
    _choose(app, author, suicide="hide")
    client = sign_in_as(new_client(), author)
    page = client.get(f"/threads/{story.id}?page=1").get_data(as_text=True)
    assert '<details class="cw">' not in page and STORY in page


def test_settings_page_saves_a_choice_per_warning(app, reader):
    person, client = reader
    page = client.get("/account/").get_data(as_text=True)
    assert "Posts that mention self-harm" in page
    with app.app_context():
        ids = {w.name: w.id for w in content_warnings.all_warnings()}
    response = client.submit(
        "/account/content-warnings",
        {f"warning-{ids['self-harm']}": "hide", f"warning-{ids['bereavement']}": "show"},
    )
    assert response.status_code == 302
    with app.app_context():
        chosen = content_warnings.preferences(person)
    assert chosen == {ids["self-harm"]: "hide", ids["bereavement"]: "show"}
    page = client.get("/account/").get_data(as_text=True)
    harm = ids["self-harm"]
    assert f'id="warning-{harm}-hide" name="warning-{harm}" value="hide" checked' in page
    client.submit("/account/content-warnings", {f"warning-{ids['self-harm']}": "ask"})
    with app.app_context():
        assert ids["self-harm"] not in content_warnings.preferences(person)


def test_settings_refuse_a_choice_that_is_not_offered(app, reader):
    client = reader[1]
    with app.app_context():
        wid = content_warnings.all_warnings()[0].id
    response = client.submit(
        "/account/content-warnings", {f"warning-{wid}": "sometimes"}, follow_redirects=True
    )
    assert "Choose one of the options" in response.get_data(as_text=True)


def test_new_networks_start_with_the_default_warnings(app):
    with app.app_context():
        names = [w.name for w in content_warnings.all_warnings()]
    assert names == content_warnings.DEFAULT_WARNINGS


def test_the_writer_picks_warnings_and_a_note_in_the_reply_form(app, story, reader):
    page = reader[1].get(f"/threads/{story.id}").get_data(as_text=True)
    assert "<legend>This post mentions</legend>" in page
    for name in content_warnings.DEFAULT_WARNINGS:
        assert re.search(rf'type="checkbox" value="\d+"> {name}</label>', page), name
    assert "A short note for readers (optional)" in page
