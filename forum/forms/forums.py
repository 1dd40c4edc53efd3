"""Forms for threads and posts, content warnings, and the forums administrators keep.

Field shapes only: the limits that matter (title 3-150, body up to 30,000, rate, duplicates)
are checked by the services, so every way of posting gets the same answers.
"""

from wtforms import (
    BooleanField,
    IntegerField,
    RadioField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    widgets,
)
from wtforms.validators import NumberRange, Optional

from forum.forms import Form
from forum.models import ContentWarning, ForumAudience
from forum.numbers import MAX_ID


class CheckboxesField(SelectMultipleField):
    """Several choices, shown as checkboxes (``warnings``)."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()

    def pre_validate(self, form):
        pass  # the service checks the ids against the current list


class WritingForm(Form):
    """The body of a post and the content warnings it carries."""

    body = TextAreaField("Your message")
    warnings = CheckboxesField("Content warnings", coerce=int, validate_choice=False)
    warning_note = StringField("A short note for readers (optional)")

    def offer_warnings(self, warnings: list[ContentWarning]) -> "WritingForm":
        self.warnings.choices = [(w.id, w.name) for w in warnings]
        return self

    def warning_ids(self) -> list[int]:
        return [int(i) for i in self.warnings.data or []]


class ThreadForm(WritingForm):
    title = StringField("Title")
    body = TextAreaField("Your first post")


class ReplyForm(WritingForm):
    body = TextAreaField("Your reply")
    # The newest post on the page the reply was sent from: htmx answers with every post since.
    after = IntegerField(
        widget=widgets.HiddenInput(), validators=[Optional(), NumberRange(min=0, max=MAX_ID)]
    )


class EditPostForm(WritingForm):
    title = StringField("Title")
    body = TextAreaField("Your post")


class DeletePostForm(Form):
    """Only the CSRF token: removing a post asks nothing more than "are you sure?"."""


class WarningPreferencesForm(Form):
    """The choices come from the warnings list; the view reads ``warning-<id>`` fields."""


class ForumForm(Form):
    name = StringField("Name")
    description = TextAreaField("Description (optional)")
    hold_first_posts = BooleanField("A member's first post here waits for a moderator's approval")
    audience = RadioField("Who may see and post", default=ForumAudience.EVERYONE.value)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.audience.choices = [
            (ForumAudience.EVERYONE.value, "Every member"),
            (ForumAudience.REGION.value, "Only members of this region (and moderators)"),
            ("staff", "Only moderators and administrators (a moderators' room)"),
        ]


class WarningForm(Form):
    name = StringField("Warning")
