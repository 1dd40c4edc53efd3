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
    level = min(6, int(token.tag[1]) + HEADING_SHIFT)
    token.tag = f"h{level}"
    return renderer.renderToken(tokens, idx, options, env)


def _image_as_link(renderer, tokens, idx, options, env) -> str:
    """``![a photo](https://…)`` becomes a link to it: no other host sees who reads a post."""
    token = tokens[idx]
    src = token.attrGet("src") or ""
    text = renderer.renderInlineAsText(token.children or [], options, env) or src
    return f'<a href="{escapeHtml(str(src))}">{escapeHtml(text)}</a>'


def _markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": True, "typographer": False})
    md.enable(["linkify", "table", "strikethrough"])
    md.add_render_rule("image", _image_as_link)
    md.add_render_rule("heading_open", _shift_headings)
    md.add_render_rule("heading_close", _shift_headings)
    return md


def _set_link_rel(attrs: dict, new: bool = False) -> dict:
    attrs[(None, "rel")] = LINK_REL
    return attrs


_MD = _markdown()
_CLEANER = bleach.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    protocols=ALLOWED_PROTOCOLS,
    strip=True,
    strip_comments=True,
    filters=[partial(LinkifyFilter, callbacks=[_set_link_rel], skip_tags={"pre", "code"})],
)


def render(source: str) -> str:
    """Safe HTML for Markdown ``source``. Never raises for any text a person can type."""
    return _CLEANER.clean(_MD.render(source or "")).strip()
