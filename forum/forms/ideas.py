"""Forms of the ideas clinic. Shapes only: the rules (lengths, known tags) live in the services,
so a form and a direct call are refused alike and every problem is shown next to its field."""

from wtforms import (
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import NumberRange, Optional

from forum.forms import Form
from forum.models import CHOOSABLE_STATUSES, IdeaTag, Region
from forum.numbers import MAX_ID


def _choice_id(value):
    """A number from a choice list; empty is None, anything else unknown is -1, which the
    service refuses as "not from the list"."""
    if value is None or isinstance(value, int):
        return value
    text = str(value).strip()
    if not text or text == "None":
        return None
    return int(text) if text.isascii() and text.isdigit() and len(text) < 10 else -1


class IdeaForm(Form):
    title = StringField("Title")
    description = TextAreaField("Describe your idea")
    region_id = SelectField("Where is it for?", coerce=_choice_id, validate_choice=False)
    tag_ids = SelectMultipleField("Tags (optional)", coerce=_choice_id, validate_choice=False)

    def offer(self, regions: list[Region], tags: list[IdeaTag]) -> "IdeaForm":
        self.region_id.choices = [("", "National: the whole network")] + [
            (r.id, r.name) for r in regions
        ]
        self.tag_ids.choices = [(t.id, t.name) for t in tags]
        return self

    def values(self) -> dict:
        return {
            "title": self.title.data,
            "description": self.description.data,
            "region_id": self.region_id.data,
            "tag_ids": [t for t in self.tag_ids.data or [] if t is not None],
        }


class CommentForm(Form):
    body = TextAreaField("Your comment")


class StatusForm(Form):
    """On the idea page beside other forms, so its fields are prefixed ("status-...")."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="status", **kwargs)
        self.status.choices = [(s.value, s.label) for s in CHOOSABLE_STATUSES]

    status = SelectField("New status", validate_choice=False)
    response = TextAreaField("Public response (optional)")


class MergeForm(Form):
    """On the idea page beside other forms, so its fields are prefixed ("merge-...")."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="merge", **kwargs)

    into = IntegerField(
        "Number of the idea to keep",
        validators=[Optional(), NumberRange(min=1, max=MAX_ID, message="Give an idea's number.")],
    )
    note = TextAreaField("Note shown on this idea (optional)")


class TagForm(Form):
    name = StringField("Tag name")


class BudgetForm(Form):
    budget = IntegerField(
        "Active votes each member has",
        validators=[Optional(), NumberRange(min=1, max=1000, message="Use 1 to 1,000.")],
    )
