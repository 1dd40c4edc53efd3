"""The accessibility statement (``/accessibility``, linked from the footer of every page).

Kept like the house rules and the privacy notice: Markdown written by the network's
administrators (*Admin → Accessibility*), stored beside its safe HTML in the site settings,
with the date it was last checked. Until they write their own, the network shows the default
below, in the shape UK public bodies use: how accessible the site is, what is known not to
work, how to ask for another format, how to report a problem, how the site was tested and
when. The default describes this software as its own tests check it (README, "Accessibility").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache

from forum import richtext
from forum.extensions import db
from forum.models import Member, SiteSettings, utcnow
from forum.services import audit, site_settings
from forum.services.errors import NotFound, ValidationFailed

TEXT_MAX = 20_000
# When the software's own checks (README, "Accessibility") were last gone through by hand.
CHECKED_ON = date(2026, 12, 3)

DEFAULT_STATEMENT = """\
This website is run by the network's administrators. We want as many people as possible to be
able to use it. For example, that means you should be able to:

- change colours, contrast levels and fonts using your browser or device settings
- zoom in up to 400% without the text spilling off the screen, and read every page on a screen
  320 pixels wide without scrolling sideways
- move around the whole website using just a keyboard
- move around most of the website using speech recognition software
- listen to the website using a screen reader (such as NVDA, JAWS, VoiceOver or TalkBack)
- decide, for each difficult subject, whether posts about it are shown, folded away or hidden

We have also made the website's own text as simple as possible to understand.

# How accessible this website is

We know some parts of this website are not fully accessible:

- posts, ideas and comments are written by members, so their headings, link text and language
  may not always follow accessibility guidance
- new replies, reports and ideas appear while you read, and are announced politely to screen
  readers; changes to vote counts made by other members are not announced, so that a busy page
  stays quiet (your own vote is announced)
- live updates need JavaScript; without it, reload the page to see what is new
- emails from the network are plain text and link to the website rather than repeating it

# What to do if you cannot use parts of this website

If you need something on this website in a different format, like large print, easy read, an
audio recording or braille, tell the network's administrators: reply to any email the network
has sent you, or ask the organisation that invited you. We will reply within 10 working days.

# Reporting accessibility problems with this website

We are always looking to improve the accessibility of this website. If you find any problems
not listed on this page, or think we are not meeting accessibility requirements, contact the
administrators in the same way. If something on the website puts someone at risk, use
“Need urgent help?” at the top of every page first.

# Enforcement procedure

The Equality and Human Rights Commission (EHRC) is responsible for enforcing the Public Sector
Bodies (Websites and Mobile Applications) (No. 2) Accessibility Regulations 2018. If you are not
happy with how we respond to your complaint, contact the Equality Advisory and Support Service
(EASS): <https://www.equalityadvisoryservice.com>.

# Technical information about this website's accessibility

The network's administrators are committed to making this website accessible. This website is
partially compliant with the Web Content Accessibility Guidelines version 2.1 AA standard,
because of the parts listed above: what members write is not checked before it is shown.

# How we tested this website

The software this website runs on is tested every time it changes: every page its tests visit
is checked with axe-core against WCAG 2.1 A and AA and good practice, must fit a screen 320
pixels wide and must raise no errors in the browser; and some journeys (applying to join,
opening a post behind a content warning, voting) are followed using only a keyboard. This
statement was prepared on 3 December 2026; the date it was last checked is shown below.
"""


@dataclass(frozen=True)
class Statement:
    source: str  # the Markdown, for the edit form
    html: str  # safe to show
    checked_on: date
    is_default: bool


def statement() -> Statement:
    """The network's statement, or the default until its administrators write their own."""
    settings = site_settings.settings()
    checked_on = (settings.accessibility_checked_on if settings else None) or CHECKED_ON
    if settings is None or not settings.accessibility_source:
        return Statement(DEFAULT_STATEMENT, _default_html(), checked_on, True)
    return Statement(settings.accessibility_source, settings.accessibility_html, checked_on, False)


@cache
def _default_html() -> str:
    return richtext.render(DEFAULT_STATEMENT, headings_from=2)  # once per process


def save(actor: Member | None, *, text: str, checked_on: date | None) -> SiteSettings:
    """Save the statement (empty text: the default again) and when it was last checked, and
    record it in the audit log. Raises ValidationFailed for a text over TEXT_MAX characters or a
    date missing or in the future, NotFound before setup."""
    settings = site_settings.settings()
    if settings is None:
        raise NotFound("The network has not been set up yet.")
    text = (text or "").replace("\x00", "").strip()
    errors = {}
    if len(text) > TEXT_MAX:
        errors["statement"] = f"Use at most {TEXT_MAX:,} characters."
    if checked_on is None:
        errors["checked_on"] = "Give the date the statement was last checked."
    elif checked_on > utcnow().date():
        errors["checked_on"] = "The date it was checked cannot be in the future."
    if errors:
        raise ValidationFailed(errors)
    before = _state(settings)
    if text == DEFAULT_STATEMENT.strip():
        text = ""  # unchanged from the default: keep following it
    settings.accessibility_source = text
    settings.accessibility_html = richtext.render(text, headings_from=2) if text else ""
    settings.accessibility_checked_on = checked_on
    settings.updated_at = utcnow()
    audit.record(
        actor,
        "settings.update",
        "settings",
        settings.id,
        summary="the accessibility statement",
        before=before,
        after=_state(settings),
    )
    db.session.commit()
    return settings


def _state(settings: SiteSettings) -> dict:
    checked = settings.accessibility_checked_on
    return {
        "own_text": bool(settings.accessibility_source),
        "checked_on": checked.isoformat() if checked else None,
    }
