from wtforms import BooleanField, IntegerField, PasswordField, RadioField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length

from forum.forms import Form
from forum.services.privacy import breaks

POSTS_CHOICES = [
    SelectChoice("keep", "Keep them, shown as written by “a former member”"),
    SelectChoice("remove", "Remove them (the replies of others stay)"),
]


class PasswordConfirmForm(Form):
    password = PasswordField("Your password", validators=[DataRequired("Enter your password.")])


class BreakForm(Form):
    days = SelectField(
        "How long",
        choices=[SelectChoice(str(d), f"{d} day{'s' if d != 1 else ''}") for d in breaks.DAYS],
        default="7",
    )


class EraseForm(Form):
    posts = RadioField("Your posts", choices=POSTS_CHOICES, default="keep")
    understood = BooleanField(
        "I understand that my account will be erased and this cannot be undone after the "
        "cooling-off",
        validators=[InputRequired("Tick this to confirm you understand.")],
    )
    password = PasswordField("Your password", validators=[DataRequired("Enter your password.")])


class EraseOnRequestForm(Form):
    posts = RadioField("Their posts", choices=POSTS_CHOICES, default="keep")
    reason = StringField(
        "How they asked",
        validators=[
            DataRequired("Say how the member asked."),
            Length(max=500, message="Use at most 500 characters."),
        ],
    )


class PrivacySettingsForm(Form):
    rejected_answers_days = IntegerField(
        "Days to keep the answers of applicants turned down",
        validators=[InputRequired("Enter a number of days.")],
    )
    mail_files_days = IntegerField(
        "Days to keep sent mail", validators=[InputRequired("Enter a number of days.")]
    )
    erasure_cooling_days = IntegerField(
        "Days before an erasure asked for is done",
        validators=[InputRequired("Enter a number of days.")],
    )
    erasure_may_remove_posts = BooleanField("Members leaving may have their posts removed")

    def values(self) -> dict:
        """The settings as ``retention.update`` takes them."""
        return {name: field.data for name, field in self._fields.items() if name != "csrf_token"}
