from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from forum.forms import Form
from forum.models import Role


class RegionForm(Form):
    name = StringField(
        "Region name",
        validators=[
            DataRequired("Give the region a name."),
            Length(max=80, message="Use at most 80 characters."),
        ],
    )


class RoleForm(Form):
    role = SelectField(
        "Role",
        choices=[
            SelectChoice(Role.MEMBER.value, "Member"),
            SelectChoice(Role.MODERATOR.value, "Moderator"),
            SelectChoice(Role.ADMIN.value, "Administrator"),
        ],
    )


class CrisisContactForm(Form):
    name = StringField(
        "Service", validators=[Length(max=120, message="Use at most 120 characters.")]
    )
    description = TextAreaField(
        "When to use it", validators=[Length(max=500, message="Use at most 500 characters.")]
    )
    phone = StringField("Phone number", validators=[Length(max=40, message="Too long.")])
    sms = StringField("Text number", validators=[Length(max=80, message="Too long.")])
    url = StringField("Website", validators=[Length(max=300, message="Too long.")])


class ModeratedHoursForm(Form):
    moderated_hours = StringField(
        "Moderated hours",
        validators=[Length(max=200, message="Use at most 200 characters.")],
    )


class SettingsForm(Form):
    network_name = StringField(
        "Network name",
        validators=[DataRequired("Give the network a name."), Length(max=120)],
    )
    house_rules = TextAreaField(
        "House rules (Markdown)",
        validators=[Length(max=20000, message="Use at most 20,000 characters.")],
    )
    privacy_notice = TextAreaField(
        "Privacy notice (Markdown)",
        validators=[Length(max=20000, message="Use at most 20,000 characters.")],
    )


class ModerationSettingsForm(Form):
    auto_hide_reports = IntegerField(
        "Hide content after reports from this many different members",
        validators=[
            InputRequired("Give a number (0 turns this off)."),
            NumberRange(0, 50, "Choose a number from 0 to 50."),
        ],
    )
    hold_first_posts = IntegerField(
        "Each member's first posts that wait for a moderator's approval",
        validators=[
            InputRequired("Give a number (0 turns this off)."),
            NumberRange(0, 20, "Choose a number from 0 to 20."),
        ],
    )
    earlier_versions_public = BooleanField("Members may read the earlier versions of others' posts")
    reports_alert_count = IntegerField(
        "Alert the moderators when one member is reported this many times in a day",
        validators=[Optional(), NumberRange(0, 50, "Choose a number from 0 to 50.")],
    )
    hold_outside_hours = BooleanField(
        "Outside moderated hours, hold new members' first posts for approval"
    )


class AccessibilityForm(Form):
    statement = TextAreaField(
        "Accessibility statement (Markdown)",
        validators=[Length(max=20000, message="Use at most 20,000 characters.")],
    )
    checked_on = DateField(
        "Last checked on",
        validators=[InputRequired("Give the date the statement was last checked.")],
    )
