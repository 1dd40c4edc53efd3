"""Markdown to safe HTML: the only place member-written rich text is turned into markup.

Text is rendered once, when it is saved; the source and the safe HTML are stored side by side
with ``RULES_VERSION``. When the rules below change, bump the version and run
``flask --app forum richtext rerender`` so stored HTML follows.

The pipeline: markdown-it-py (CommonMark, raw HTML is *not* passed through, bare links are
linkified, images become plain links so no other host learns who reads a post, headings are
moved down two levels to keep the page outline), then bleach with an explicit allowlist, which
also marks every link ``rel="nofollow ugc noopener noreferrer"``. Templates wrap the result in an
element with ``hx-disable`` so htmx never acts on member content.
"""

import re
from collections.abc import Mapping
from functools import partial

import bleach
from bleach.linkifier import LinkifyFilter
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml

# 2: headings render (the shifting rule had the wrong signature), images become plain links
RULES_VERSION = 2

ALLOWED_TAGS = frozenset(
    {
        "p", "br", "hr", "strong", "em", "del", "s", "code", "pre", "blockquote",
        "ul", "ol", "li", "h3", "h4", "h5", "h6", "a",
        "table", "thead", "tbody", "tr", "th", "td",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": ["href", "title", "rel"], "ol": ["start"]}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})
LINK_REL = "nofollow ugc noopener noreferrer"
HEADING_SHIFT = 2


def _shift_headings(renderer, tokens, idx, options, env) -> str:
    token = tokens[idx]
    level = min(6, int(token.tag[1]) + env.get("heading_shift", HEADING_SHIFT))
    token.tag = f"h{level}"
    return renderer.renderToken(tokens, idx, options, env)


def _image_as_link(renderer, tokens, idx, options, env) -> str:
    """``![a photo](https://…)`` becomes a link to it: no other host sees who reads a post."""
    token = tokens[idx]
    src = token.attrGet("src") or ""
    text = renderer.renderInlineAsText(token.children or [], options, env) or src
    return f'<a href="{escapeHtml(str(src))}">{escapeHtml(text)}</a>'


# ``@name`` (a member's display name, ``_`` standing for its spaces), not inside a word, an
# address or a path: ``ann@example.org`` mentions nobody.
MENTION = re.compile(r"(?<![\w@/.+-])@(\w(?:[\w.'-]{0,78}\w)?)")


def _link_depth(renderer, tokens, idx, options, env) -> str:
    env["link_depth"] = env.get("link_depth", 0) + (1 if tokens[idx].nesting > 0 else -1)
    return renderer.renderToken(tokens, idx, options, env)


def _text_with_mentions(renderer, tokens, idx, options, env) -> str:
    """Text, with each ``@name`` the writer's service resolved (``env["mentions"]``: name
    casefolded → the member's page) as a link; never inside another link or code."""
    content = tokens[idx].content
    links = env.get("mentions")
    if not links or env.get("link_depth", 0) > 0:
        return escapeHtml(content)
    out, last = [], 0
    for match in MENTION.finditer(content):
        url = links.get(match.group(1).casefold())
        if url is None:
            continue
        out.append(escapeHtml(content[last : match.start()]))
        out.append(f'<a href="{escapeHtml(url)}">@{escapeHtml(match.group(1))}</a>')
        last = match.end()
    out.append(escapeHtml(content[last:]))
    return "".join(out)


def mentions(source: str) -> list[str]:
    """The ``@names`` in Markdown ``source``, each once, in order; none from code spans, code
    blocks or link texts (a mention is parsed once, when the post is saved)."""
    found: dict[str, str] = {}
    for token in _MD.parse(source or ""):
        depth = 0
        for child in token.children or []:
            if child.type in ("link_open", "link_close"):
                depth += 1 if child.nesting > 0 else -1
            elif child.type == "text" and depth == 0:
                for match in MENTION.finditer(child.content):
                    found.setdefault(match.group(1).casefold(), match.group(1))
    return list(found.values())


def _markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": True, "typographer": False})
    md.enable(["linkify", "table", "strikethrough"])
    md.add_render_rule("image", _image_as_link)
    md.add_render_rule("heading_open", _shift_headings)
    md.add_render_rule("heading_close", _shift_headings)
    md.add_render_rule("link_open", _link_depth)
    md.add_render_rule("link_close", _link_depth)
    md.add_render_rule("text", _text_with_mentions)
    return md


def _set_link_rel(attrs: dict, new: bool = False) -> dict:
    attrs[(None, "rel")] = LINK_REL
    return attrs


def _cleaner(tags: frozenset[str]) -> bleach.Cleaner:
    return bleach.Cleaner(
        tags=tags,
        attributes=ALLOWED_ATTRIBUTES,
        protocols=ALLOWED_PROTOCOLS,
        strip=True,
        strip_comments=True,
        filters=[partial(LinkifyFilter, callbacks=[_set_link_rel], skip_tags={"pre", "code"})],
    )


_MD = _markdown()
_CLEANER = _cleaner(ALLOWED_TAGS)
_DOCUMENT_CLEANER = _cleaner(ALLOWED_TAGS | {"h2"})


def render(
    source: str, *, headings_from: int = 3, mentions: Mapping[str, str] | None = None
) -> str:
    """Safe HTML for Markdown ``source``. Never raises for any text a person can type.

    A ``#`` heading becomes an ``<h3>`` (members' words sit under the page's and the post's
    headings); ``headings_from=2`` is for a document of the network's that stands alone under
    the page's title (the accessibility statement).
    """
    shift = 1 if headings_from == 2 else HEADING_SHIFT
    cleaner = _DOCUMENT_CLEANER if headings_from == 2 else _CLEANER
    env = {"heading_shift": shift, "mentions": mentions or {}}
    return cleaner.clean(_MD.render(source or "", env)).strip()
