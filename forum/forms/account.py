from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired

from forum.forms import Form
from forum.forms.auth import NewPasswordForm


class ChangePasswordForm(NewPasswordForm):
    current_password = PasswordField(
        "Current password", validators=[DataRequired("Enter your current password.")]
    )


class ChangeEmailForm(Form):
    email = EmailField("New email address", validators=[DataRequired("Enter the new address.")])
    current_password = PasswordField(
        "Current password", validators=[DataRequired("Enter your current password.")]
    )
