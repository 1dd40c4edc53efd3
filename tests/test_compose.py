"""Writing in Markdown: the preview, the rules shared by every kind of post, re-rendering."""

import pytest
from flask import Flask

from forum.services import posting
from forum.services.errors import ValidationFailed
from forum.views.compose import draft_saved


def test_preview_shows_safe_html(member_client):
    response = member_client.submit(
        "/compose/preview?field=body",
        {"body": "**Hello** <script>alert(1)</script> [x](javascript:alert(1))"},
        htmx=True,
    )
    page = response.get_data(as_text=True)
    assert "<strong>Hello</strong>" in page
    assert "<script>" not in page and 'href="javascript' not in page
    assert "hx-disable" in page


def test_preview_of_nothing_says_so(member_client):
    response = member_client.submit("/compose/preview", {"body": "   \n "}, htmx=True)
    assert "Write something first" in response.get_data(as_text=True)


def test_body_is_kept_as_typed_within_limits(ctx):
    assert posting.clean_body("\n  indented code\n\n") == "  indented code"
    with pytest.raises(ValidationFailed, match="empty"):
        posting.clean_body(" \n\t ")
    with pytest.raises(ValidationFailed, match="30,000"):
        posting.clean_body("x" * 30_001)


def test_same_text_has_the_same_fingerprint_whatever_the_spacing():
    assert posting.fingerprint("Hello  World\n") == posting.fingerprint("hello world")
    assert posting.fingerprint("Hello World") != posting.fingerprint("Hello, World")


def test_posting_too_fast_is_refused_with_the_wait(ctx, member):
    posting.check_rate(member)
    posting.record_post(member)
    with pytest.raises(posting.RateLimited) as refused:
        posting.check_rate(member)
    assert 1 <= refused.value.retry_after <= 6
    assert "Your text is kept" in str(refused.value)


def test_new_members_have_a_lower_hourly_allowance(ctx, member):
    assert "10 per 1 hour" in str([str(x) for x in posting._limits(member)])


def test_saved_draft_is_announced_to_htmx(app: Flask, member_client):
    @app.post("/test-save-draft")
    def save():
        draft_saved("reply-thread-1")
        return ""

    response = member_client.submit("/test-save-draft", {}, htmx=True)
    assert "reply-thread-1" in response.headers["HX-Trigger"]


def test_rerender_command_brings_old_html_up_to_date(app):
    result = app.test_cli_runner().invoke(args=["richtext", "rerender"])
    assert result.exit_code == 0, result.output
    assert "Site documents re-rendered." in result.output


def test_headings_move_down_two_levels_to_keep_the_page_outline():
    from forum import richtext

    assert richtext.render("# Big\n\n##### Small") == "<h3>Big</h3>\n<h6>Small</h6>"


def test_images_become_plain_links_so_no_other_host_sees_readers():
    from forum import richtext

    html = richtext.render("![a photo](https://elsewhere.example/p.png)")
    assert "<img" not in html
    assert (
        '<a href="https://elsewhere.example/p.png" rel="nofollow ugc noopener noreferrer">' in html
    )
    assert "a photo</a>" in html
