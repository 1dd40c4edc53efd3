"""Attack strings in ideas: titles are always shown escaped; descriptions, comments and public
responses go through the one sanitising pipeline. A sample of the XSS corpus is enough here
(the whole corpus is run against ``richtext`` itself)."""

import json
from html.parser import HTMLParser

from markupsafe import escape

from forum.extensions import db
from forum.models import IdeaComment, IdeaStatusChange
from forum.services.ideas import board
from tests import factories

SAFE_SCHEMES = ("http://", "https://", "mailto:", "/", "#", "?")
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster"}
OUR_HTMX = {
    "hx-get", "hx-post", "hx-target", "hx-swap", "hx-trigger", "hx-include", "hx-sync",
    "hx-headers", "hx-disable", "hx-swap-oob", "hx-ext", "hx-disinherit", "hx-preserve",
}  # fmt: skip
FORBIDDEN_TAGS = {"iframe", "object", "embed", "svg", "math", "style", "base", "img", "video",
                  "audio", "frame", "frameset", "applet", "template"}  # fmt: skip


class PageInspector(HTMLParser):
    """Collects anything in a page that could run code or make htmx act."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        values = {name: value or "" for name, value in attrs}
        if tag in FORBIDDEN_TAGS:
            self.problems.append(f"<{tag}>")
        if tag == "script" and not values.get("src", "").startswith("/static/"):
            self.problems.append("inline <script>")
        if tag == "link" and not values.get("href", "").startswith("/static/"):
            self.problems.append(f"<link href={values.get('href')!r}>")
        for name, value in values.items():
            if name.startswith("on") or name == "style" or name.startswith("data-hx"):
                self.problems.append(f"<{tag} {name}>")
            if name.startswith("hx-") and name not in OUR_HTMX:
                self.problems.append(f"<{tag} {name}>")
            if name in URL_ATTRIBUTES and value and not value.strip().startswith(SAFE_SCHEMES):
                self.problems.append(f"<{tag} {name}={value!r}>")

    handle_startendtag = handle_starttag


def _problems(html: str) -> list[str]:
    inspector = PageInspector()
    inspector.feed(html)
    return inspector.problems


def _payloads(corpora) -> list[str]:
    with (corpora / "xss" / "all_payloads.jsonl").open() as lines:
        rows = [json.loads(line) for line in lines]
    core = [r["payload"] for r in rows if r["first_source"] != "payloadbox"]
    markdown = json.loads((corpora / "xss" / "markdown_xss.json").read_text())
    htmx = json.loads((corpora / "xss" / "htmx_attribute_vectors.json").read_text())["vectors"]
    sample = core[::5] + [r["payload"] for r in markdown] + [v["payload"] for v in htmx]
    return [p for p in sample if p.strip()]


def test_attack_strings_in_ideas_are_shown_harmlessly(
    app, member, moderator, member_client, corpora
):
    payloads = _payloads(corpora)
    assert len(payloads) > 200
    titles = {}
    with app.app_context():
        for n, text in enumerate(payloads):
            title = board.clean_title((" ".join(text.split()) + f" #{n}")[-120:])
            made = factories.idea(member, title, text, voters=())
            titles[made.id] = title
            comment = IdeaComment(idea_id=made.id, author_id=member.id)
            comment.set_body(text)
            change = IdeaStatusChange(
                idea_id=made.id, changed_by_id=moderator.id, from_status="open", to_status="open"
            )
            change.set_body(text)
            db.session.add_all([comment, change])
        db.session.commit()
    pages = len(payloads) // board.BOARD_PER_PAGE + 1
    for page in range(1, pages + 1):
        html = member_client.get(f"/ideas/?sort=newest&page={page}").get_data(as_text=True)
        assert _problems(html) == [], page
    for idea_id, title in list(titles.items())[::7]:
        html = member_client.get(f"/ideas/{idea_id}").get_data(as_text=True)
        assert str(escape(title)) in html, title
        assert _problems(html) == [], title
    similar = member_client.htmx_get("/ideas/similar?title=script+alert+onerror+javascript")
    assert _problems(similar.get_data(as_text=True)) == []


def test_the_inspector_sees_what_it_looks_for():
    assert _problems('<p onclick="x">a</p><a href="javascript:x">b</a>') == [
        "<p onclick>",
        "<a href='javascript:x'>",
    ]
    assert _problems('<div hx-vals="{}"></div><svg></svg><script>x</script>') == [
        "<div hx-vals>",
        "<svg>",
        "inline <script>",
    ]
