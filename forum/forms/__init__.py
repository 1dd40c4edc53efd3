"""Form classes (Flask-WTF): field shapes and limits. Business rules live in services."""

from flask_wtf import FlaskForm
from wtforms import Field
from wtforms.fields.choices import SelectChoice

from forum.services.errors import ValidationFailed
from forum.services.network import regions


def _without_nul(value):
    # NUL cannot be stored in PostgreSQL text and never belongs in what people write.
    return value.replace("\x00", "") if isinstance(value, str) else value


class Form(FlaskForm):
    """Every form of the app: CSRF-protected, and text never carries NUL characters."""

    class Meta:
        def bind_field(self, form, unbound_field, options):
            options["filters"] = (*options.get("filters", ()), _without_nul)
            return unbound_field.bind(form=form, **options)


def add_errors(form, error: ValidationFailed) -> None:
    """Show a service's field errors next to the fields (unknown fields go to the form)."""
    for name, messages in error.field_errors.items():
        field: Field | None = getattr(form, name, None)
        target = field.errors if field is not None else form.form_errors
        if isinstance(target, tuple):
            target = list(target)
            field.errors = target
        target.extend(messages)


def region_choices(blank: str) -> list[SelectChoice]:
    """The regions people can choose (archived ones are not offered), after a blank option."""
    return [SelectChoice("", blank)] + [SelectChoice(str(r.id), r.name) for r in regions.regions()]
