"""Form classes (Flask-WTF): field shapes and limits. Business rules live in services."""

from wtforms import Field

from forum.services.errors import ValidationFailed


def add_errors(form, error: ValidationFailed) -> None:
    """Show a service's field errors next to the fields (unknown fields go to the form)."""
    for name, messages in error.field_errors.items():
        field: Field | None = getattr(form, name, None)
        target = field.errors if field is not None else form.form_errors
        if isinstance(target, tuple):
            target = list(target)
            field.errors = target
        target.extend(messages)
