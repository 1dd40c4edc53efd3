"""Forms of gatherings. Shapes only: the rules (dates, capacity, links, who may organise
where) live in ``services/events``, so every problem comes back beside its field."""

from wtforms import (
    BooleanField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice

from forum.forms import Form
from forum.models import Region
from forum.services.network import regions as network_regions

FORMATS = [
    SelectChoice("online", "Online"),
    SelectChoice("in_person", "In person"),
    SelectChoice("both", "Both"),
]


class EventForm(Form):
    title = StringField("Title")
    description = TextAreaField("Description")
    date = StringField("Date", render_kw={"type": "date"})
    start_time = StringField("Starts at", render_kw={"type": "time"})
    end_date = StringField("Ends on (if another day)", render_kw={"type": "date"})
    end_time = StringField("Ends at", render_kw={"type": "time"})
    timezone = SelectField("Time zone", validate_choice=False)
    region_id = SelectField("For", validate_choice=False)
    format = RadioField(
        "How people take part", choices=FORMATS, default="online", validate_choice=False
    )
    online_link = StringField("Joining link (https://…)", render_kw={"autocomplete": "off"})
    link_opens_minutes = StringField(
        "Show the link this many minutes before the start", default="30"
    )
    venue = StringField("Venue")
    address = TextAreaField("Address", render_kw={"rows": 2})
    access_notes = TextAreaField("Travel and step-free access", render_kw={"rows": 3})
    capacity = StringField("Places (leave empty for no limit)", render_kw={"inputmode": "numeric"})
    booking_deadline = StringField("Booking closes", render_kw={"type": "datetime-local"})
    access_options = TextAreaField("Access questions to tick (one a line)", render_kw={"rows": 5})
    agenda = TextAreaField("Running order (one item a line: 10:00 Welcome)", render_kw={"rows": 6})
    members_write_up = BooleanField("Members who booked may add to the write-up")
    repeat = SelectField(
        "Repeats",
        choices=[
            SelectChoice("", "Does not repeat"),
            SelectChoice("monthly", "Monthly (the same weekday of the month)"),
            SelectChoice("quarterly", "Quarterly (March, June, September, December)"),
        ],
        validate_choice=False,
    )
    repeat_until = StringField("Repeat until", render_kw={"type": "date"})

    def offer(
        self, zones: list[str], regions: list[Region] | None, *, editing=False
    ) -> "EventForm":
        self.timezone.choices = [SelectChoice(z, z) for z in zones]
        national = [SelectChoice("", "National: the whole network")] if regions is None else []
        from_regions = regions if regions is not None else network_regions.regions()
        self.region_id.choices = national + [SelectChoice(str(r.id), r.name) for r in from_regions]
        if editing:
            del self.repeat
            del self.repeat_until
        return self

    def values(self) -> dict:
        return {name: field.data for name, field in self._fields.items() if name != "csrf_token"}


class BookingForm(Form):
    ticks = SelectMultipleField("Things you may have trouble with", validate_choice=False)
    access_text = TextAreaField("Anything else the organisers should know", render_kw={"rows": 3})


class WriteUpForm(Form):
    column = SelectField(
        "Column",
        choices=[
            SelectChoice("worked_well", "Worked well"),
            SelectChoice("could_be_better", "Could be better"),
            SelectChoice("action", "Action"),
        ],
        validate_choice=False,
    )
    text = TextAreaField("What to add", render_kw={"rows": 2})
    owner = StringField("Owner (actions)")
    due_on = StringField("Due (actions)", render_kw={"type": "date"})


class MessageForm(Form):
    subject = StringField("Subject")
    body = TextAreaField("Message", render_kw={"rows": 6})
