"""No stranger's HTML runs in the page: the Markdown pipeline against the XSS corpus, plain
fields always escaped, and naughty strings stored and given back exactly as typed.

The property oracle is the one in ../shared/corpora/xss/README.md: parse the sanitised output
with an HTML5 parser (html5lib, as bundled with bleach) and look for elements outside the
allowlist, event-handler, htmx, style and similar attributes, and dangerous URL schemes.
"""

import json
import re

import pytest
import sqlalchemy as sa
from bleach._vendor import html5lib
from markupsafe import escape

from forum import richtext
from forum.extensions import db
from forum.models import Forum, Member, Post, Thread
from tests import factories
from tests.conftest import sign_in_as

BAD_ATTRIBUTES = {"style", "srcdoc", "formaction", "xmlns", "is", "form"}
URL_ATTRIBUTES = {
    "href", "src", "action", "formaction", "poster", "background", "data", "cite", "srcset",
    "xlink:href", "longdesc", "usemap", "ping", "manifest", "codebase", "dynsrc", "lowsrc",
}  # fmt: skip
BAD_SCHEMES = {"javascript", "vbscript", "data", "livescript", "mocha"}


def _scheme(url: str) -> str:
    """The scheme as a browser reads it: C0 controls and spaces trimmed, tabs and newlines
    removed anywhere, lower case (NBSP and zero-width spaces are kept, as browsers keep them)."""
    url = url.strip("".join(chr(c) for c in range(0x21)))
    url = re.sub(r"[\t\n\r]", "", url).lower()
    return url.split(":", 1)[0] if ":" in url else ""


def _local(name: str) -> tuple[str, bool]:
    """("svg", True) for "{http://www.w3.org/2000/svg}svg"; xlink attributes as "xlink:href"."""
    if not name.startswith("{"):
        return name.lower(), False
    namespace, local = name[1:].split("}", 1)
    return ("xlink:" + local if namespace.endswith("xlink") else local).lower(), True


def violations(html: str) -> list[str]:
    found = []
    fragment = html5lib.parseFragment(html, treebuilder="etree", namespaceHTMLElements=False)
    for element in fragment.iter():
        if not isinstance(element.tag, str) or element.tag == "DOCUMENT_FRAGMENT":
            continue
        tag, foreign = _local(element.tag)
        if foreign or tag not in richtext.ALLOWED_TAGS:
            found.append(f"element <{tag}>")
        for raw_name, value in element.attrib.items():
            name, _ = _local(str(raw_name))
            if name.startswith(("on", "hx-", "data-hx-")) or name in BAD_ATTRIBUTES:
                found.append(f"attribute {name} on <{tag}>")
            if name in URL_ATTRIBUTES:
                scheme = _scheme(value)
                rest = value.split(":", 1)[-1].strip()
                if scheme in BAD_SCHEMES and not (scheme == "javascript" and rest.isdigit()):
                    found.append(f"{scheme}: URL in {name} on <{tag}>")
    return found


def _payloads(corpora, core_only=False):
    with (corpora / "xss" / "all_payloads.jsonl").open() as lines:
        rows = [json.loads(line) for line in lines]
    return [r for r in rows if not core_only or r["first_source"] != "payloadbox"]


def test_the_oracle_catches_an_unsafe_pipeline():
    assert violations('<p onclick="x">a</p>') == ["attribute onclick on <p>"]
    assert violations('<a href=" java\tscript:alert(1)">x</a>') == [
        "javascript: URL in href on <a>"
    ]
    assert violations('<a href="javascript:8080">x</a>') == []
    assert violations('<a href="\u200bjavascript:x">x</a>') == []
    assert violations("<svg><script>x</script></svg>") == ["element <svg>", "element <script>"]
    assert violations('<div hx-get="/x">') == ["element <div>", "attribute hx-get on <div>"]


def test_htmx_and_markdown_vectors_come_out_safe(corpora):
    for name in ("htmx_attribute_vectors.json", "markdown_xss.json"):
        for case in json.loads((corpora / "xss" / name).read_text()):
            payload = case["payload"] if isinstance(case, dict) else case
            assert violations(richtext.render(payload)) == [], payload


def test_core_xss_payloads_come_out_safe(corpora):
    for row in _payloads(corpora, core_only=True):
        html = richtext.render(row["payload"])
        assert violations(html) == [], (row["first_id"], row["payload"], html)


@pytest.mark.slow
def test_every_xss_payload_comes_out_safe(corpora):
    """All 7,660 payloads through the one Markdown-to-safe-HTML function (about 40 s)."""
    failures = []
    for row in _payloads(corpora):
        html = richtext.render(row["payload"])
        if found := violations(html):
            failures.append((row["first_id"], found))
    assert failures == []


# --- plain fields: titles, names, notes ------------------------------------------------------


@pytest.fixture
def stage(app):
    """25 threads in one forum, each by its own author with a warning note, to rewrite."""
    with app.app_context():
        factories.forum("Introductions")
        authors = [factories.member(display_name="x") for _ in range(25)]
        threads = [
            factories.thread(a, title="xxx", body=f"Body {n}", warnings=("abuse",), note="x")
            for n, a in enumerate(authors)
        ]
        reader = factories.member(display_name="Reader")
    return [t.id for t in threads], [a.id for a in authors], reader


def _show(client, thread_ids):
    pages = [
        client.get("/"),
        client.get("/forums/introductions"),
        client.get(f"/threads/{thread_ids[-1]}?page=1"),
    ]
    return "".join(p.get_data(as_text=True) for p in pages)


def _rewrite(thread_ids, author_ids, values):
    for thread_id, author_id, value in zip(thread_ids, author_ids, values, strict=False):
        db.session.execute(
            sa.update(Thread).where(Thread.id == thread_id).values(title=value[:150] or "x")
        )
        db.session.execute(
            sa.update(Member).where(Member.id == author_id).values(display_name=value[:80] or "x")
        )
        db.session.execute(
            sa.update(Post).where(Post.thread_id == thread_id).values(warning_note=value[:200])
        )
    db.session.execute(
        sa.update(Forum)
        .where(Forum.slug == "introductions")
        .values(name=values[0][:80] or "x", description=values[-1][:300])
    )
    db.session.commit()


@pytest.mark.parametrize("source", ["xss", "blns"])
def test_titles_names_and_notes_are_always_shown_escaped(app, new_client, corpora, stage, source):
    """Each payload as a thread title, an author's name, a warning note and a forum name: the
    pages show it escaped, with no element or attribute more than harmless text gives."""
    thread_ids, author_ids, reader = stage
    client = sign_in_as(new_client(), reader)
    baseline = _show(client, thread_ids)
    if source == "xss":
        payloads = [r["payload"] for r in _payloads(corpora, core_only=True)]
    else:
        payloads = json.loads((corpora / "strings" / "blns.json").read_text())
    payloads = [p.replace("\x00", "") for p in payloads if p.strip()]
    for start in range(0, len(payloads), 25):
        batch = payloads[start : start + 25]
        batch += ["x"] * (25 - len(batch))
        with app.app_context():
            _rewrite(thread_ids, author_ids, batch)
        page = _show(client, thread_ids)
        for value in batch:
            assert str(escape(value[:80])) in page, value
        assert page.count("<") == baseline.count("<"), batch
        assert page.count('"') == baseline.count('"'), batch


# --- naughty strings round trip ---------------------------------------------------------------


@pytest.mark.slow
def test_naughty_strings_are_stored_and_given_back_exactly_as_typed(app, member_client, corpora):
    """Each string as a thread's title and body: a clear answer (never a 500); once saved, the
    body comes back unchanged in the edit form, and the title as typed (spaces tidied)."""
    app.config["RATELIMIT_ENABLED"] = False
    with app.app_context():
        factories.forum("Introductions")
    strings = json.loads((corpora / "strings" / "blns.json").read_text())
    saved = 0
    for n, text in enumerate(strings):
        title = f"Story {n}: {text}"[:150]
        response = member_client.submit("/forums/introductions/new", {"title": title, "body": text})
        assert response.status_code in (302, 422), (n, text, response.status_code)
        if response.status_code == 422:
            assert not text.replace("\x00", "").strip() or "same text" in response.get_data(True), (
                text
            )
            continue
        saved += 1
        thread_id = int(re.search(r"/threads/(\d+)", response.headers["Location"]).group(1))
        with app.app_context():
            thread = db.session.get(Thread, thread_id)
            post = db.session.get(Post, thread.first_post_id)
            assert post.body_source == text.replace("\x00", "").strip("\r\n"), text
            assert thread.title == " ".join(title.replace("\x00", "").split()), text
        form = member_client.get(f"/posts/{post.id}/edit").get_data(as_text=True)
        assert str(escape(post.body_source)) in form, text
    assert saved > 400
