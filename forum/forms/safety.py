from wtforms import SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from forum.forms import Form
from forum.forms.forums import WritingForm
from forum.models import WatchAction


class WatchedWordForm(Form):
    phrase = StringField(
        "Word or phrase",
        validators=[
            DataRequired(message="Write the word or phrase to watch for."),
            Length(max=200),
        ],
    )
    action = SelectField(
        "When someone writes it",
        choices=[SelectChoice(a.value, a.label) for a in WatchAction],
        default=WatchAction.SIGNPOST.value,
    )


class AppealForm(Form):
    body = TextAreaField(
        "What you would like the moderators to know",
        validators=[
            DataRequired(message="Write a few words about why you are appealing."),
            Length(max=3000, message="Keep it to 3,000 characters."),
        ],
    )


class AppealDecisionForm(Form):
    response = TextAreaField(
        "Your answer to the member",
        validators=[
            DataRequired(message="Tell the member what you decided, and why."),
            Length(max=2000, message="Keep it to 2,000 characters."),
        ],
    )


class ModeratorNoteForm(Form):
    body = TextAreaField(
        "Note for the moderators",
        validators=[
            DataRequired(message="Write the note first."),
            Length(max=2000, message="Keep it to 2,000 characters."),
        ],
    )


class MessageForm(WritingForm):
    body = TextAreaField("Your message")


class NewConversationForm(WritingForm):
    subject = StringField("Subject (optional)", validators=[Length(max=150)])
    body = TextAreaField("Your message")


DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


class CoverHoursForm(Form):
    """One area's cover hours: from and to for each day (both empty: nobody that day), and
    the time zone they are in. The service checks the times (``safety.cover_hours.save``)."""

    time_zone = StringField(
        "Time zone", validators=[Length(max=64, message="Use at most 64 characters.")]
    )

    def days(self) -> dict[int, tuple[str, str]]:
        return {d: (self[f"from_{d}"].data or "", self[f"to_{d}"].data or "") for d in range(7)}


for _day, _name in enumerate(DAY_NAMES):
    setattr(CoverHoursForm, f"from_{_day}", StringField(f"{_name} from"))
    setattr(CoverHoursForm, f"to_{_day}", StringField(f"{_name} until"))
