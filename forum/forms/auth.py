from wtforms import BooleanField, EmailField, PasswordField
from wtforms.validators import DataRequired, EqualTo, Length

from forum.forms import Form
from forum.services.passwords import MAX_LENGTH


class SignInForm(Form):
    email = EmailField("Email", validators=[DataRequired("Enter your email address.")])
    password = PasswordField("Password", validators=[DataRequired("Enter your password.")])
    remember = BooleanField("Keep me signed in on this device")


class ForgotPasswordForm(Form):
    email = EmailField("Email", validators=[DataRequired("Enter your email address.")])


class NewPasswordForm(Form):
    password = PasswordField(
        "New password",
        validators=[
            DataRequired("Choose a new password."),
            Length(max=MAX_LENGTH, message=f"Use at most {MAX_LENGTH} characters."),
        ],
    )
    confirm = PasswordField(
        "New password again",
        validators=[EqualTo("password", "The two passwords are not the same.")],
    )
