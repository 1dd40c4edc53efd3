from wtforms import (
    BooleanField,
    EmailField,
    IntegerField,
    PasswordField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    NumberRange,
    ValidationError,
)

from forum.forms import Form
from forum.numbers import whole_or_none
from forum.services import passwords
from forum.services.passwords import MAX_LENGTH


class StrongPassword:
    """The password strength rule of the passwords service, shown with the other field errors."""

    def __init__(self, *related: str):
        self.related = related

    def __call__(self, form, field):
        if not field.data:
            return
        inputs = [str(form[name].data or "") for name in self.related if name in form]
        if reason := passwords.weakness(field.data, inputs):
            raise ValidationError(reason)


def region_choice(value):
    """A region's id from the list; None when none is chosen, -1 (refused by the service as
    not on the list) for anything that is not an id."""
    if value in (None, "", "None"):
        return None
    region_id = whole_or_none(value)
    return -1 if region_id is None else region_id


class AccountFields(Form):
    display_name = StringField(
        "Your name, as other members will see it",
        validators=[
            DataRequired("Tell us the name other members will see."),
            Length(max=80, message="Use at most 80 characters."),
        ],
    )
    email = EmailField(
        "Email",
        validators=[
            DataRequired("Enter your email address."),
            Email("Check the email address: it should look like name@example.org."),
        ],
    )
    password = PasswordField(
        "Choose a password",
        validators=[
            DataRequired("Choose a password."),
            Length(max=MAX_LENGTH, message=f"Use at most {MAX_LENGTH} characters."),
            StrongPassword("email", "display_name"),
        ],
    )


class JoinForm(AccountFields):
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
    accept_house_rules = BooleanField(
        "I have read the house rules and agree to them",
        validators=[DataRequired("To join, please agree to the house rules.")],
    )
    accept_health_data = BooleanField(
        "I explicitly consent to the network processing health information I choose to "
        "share, as the privacy notice describes",
        validators=[
            DataRequired("To join, please agree to how health information you share is handled.")
        ],
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


class DecisionForm(Form):
    message = TextAreaField(
        "Message to the applicant (optional)",
        validators=[Length(max=2000, message="Use at most 2,000 characters.")],
    )


class InvitationForm(Form):
    note = StringField(
        "Who is it for? (a note for moderators, optional)",
        validators=[Length(max=200, message="Use at most 200 characters.")],
    )
    email = EmailField(
        "Their email address (optional: we send them the link)",
        validators=[Length(max=254, message="Use at most 254 characters.")],
    )
    region_id = SelectField("Region (optional)", coerce=region_choice, validate_choice=False)
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
