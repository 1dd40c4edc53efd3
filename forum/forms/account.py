from wtforms import EmailField, PasswordField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from forum.forms import Form
from forum.forms.auth import NewPasswordForm
from forum.forms.membership import region_choice


class ChangePasswordForm(NewPasswordForm):
    current_password = PasswordField(
        "Current password", validators=[DataRequired("Enter your current password.")]
    )


class ChangeEmailForm(Form):
    email = EmailField("New email address", validators=[DataRequired("Enter the new address.")])
    current_password = PasswordField(
        "Current password", validators=[DataRequired("Enter your current password.")]
    )


class ProfileForm(Form):
    """What other members see of you (the profiles service checks it again)."""

    display_name = StringField(
        "Your name, as other members see it",
        validators=[
            DataRequired("Tell us the name other members will see."),
            Length(max=80, message="Use at most 80 characters."),
        ],
    )
    pronouns = StringField(
        "Your pronouns (optional)",
        validators=[Length(max=40, message="Use at most 40 characters.")],
    )
    region_id = SelectField(
        "Your region",
        coerce=region_choice,
        validate_choice=False,
        validators=[DataRequired("Choose the region you are in.")],
    )
    organisation = StringField(
        "Your role or organisation",
        validators=[Length(max=200, message="Use at most 200 characters.")],
    )
    time_zone = SelectField("The time zone you read times in", validate_choice=False)
    bio = TextAreaField(
        "A little about you (optional)",
        validators=[Length(max=500, message="Use at most 500 characters.")],
    )
