from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    IntegerField,
    PasswordField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from forum.services.passwords import MAX_LENGTH


def _region_choice(value):
    return int(value) if value not in (None, "", "None") else None


class AccountFields(FlaskForm):
    display_name = StringField(
        "Your name, as other members will see it",
        validators=[
            DataRequired("Tell us the name other members will see."),
            Length(max=80, message="Use at most 80 characters."),
        ],
    )
    email = EmailField("Email", validators=[DataRequired("Enter your email address.")])
    password = PasswordField(
        "Choose a password",
        validators=[
            DataRequired("Choose a password."),
            Length(max=MAX_LENGTH, message=f"Use at most {MAX_LENGTH} characters."),
        ],
    )


class JoinForm(AccountFields):
    region_id = SelectField("Your region", coerce=_region_choice, validate_choice=False)
    organisation = StringField(
        "Your role or organisation",
        validators=[Length(max=200, message="Use at most 200 characters.")],
    )
    accept_house_rules = BooleanField("I have read the house rules and agree to them")
    accept_health_data = BooleanField(
        "I explicitly consent to the network processing health information I choose to "
        "share, as the privacy notice describes"
    )


class ApplicationForm(JoinForm):
    reason = TextAreaField(
        "Why would you like to join?",
        validators=[
            DataRequired("Tell the moderators a little about why you would like to join."),
            Length(max=2000, message="Use at most 2,000 characters."),
        ],
    )


class InvitationRedeemForm(JoinForm):
    pass


class DecisionForm(FlaskForm):
    message = TextAreaField(
        "Message to the applicant (optional)",
        validators=[Length(max=2000, message="Use at most 2,000 characters.")],
    )


class InvitationForm(FlaskForm):
    note = StringField(
        "Who is it for? (a note for moderators, optional)",
        validators=[Length(max=200, message="Use at most 200 characters.")],
    )
    region_id = SelectField("Region (optional)", coerce=_region_choice, validate_choice=False)
    days = IntegerField(
        "Valid for (days)",
        default=14,
        validators=[
            InputRequired("Say how many days the link should work."),
            NumberRange(1, 60, "Choose between 1 and 60 days."),
        ],
    )


class SetupForm(AccountFields):
    token = StringField("Setup token", validators=[DataRequired("Paste the setup token.")])
    network_name = StringField(
        "Name of your network",
        validators=[
            DataRequired("Give your network a name."),
            Length(max=120, message="Use at most 120 characters."),
        ],
    )
