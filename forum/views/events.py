"""Gatherings: the events page, an event (booking, calendar), organising (create, edit,
cancel, bookings, register, attendance, a message to everyone booked), the write-up, and each
member's private calendar feed.

Live partials: ``#event-<id>-places`` (GET ``/events/<id>/places``) and
``#event-<id>-write-up`` (GET ``/events/<id>/write-up/entries``), refetched on
``event-<id>-places`` and ``event-<id>-write-up`` of the topic ``event:<id>``.
"""

from zoneinfo import ZoneInfo

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    has_request_context,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from forum.extensions import htmx
from forum.forms.events import BookingForm, EventForm, MessageForm, WriteUpForm
from forum.models import utcnow
from forum.numbers import whole_or_none
from forum.permissions import admin_required, keeps_input_on_csrf_error, public
from forum.services.errors import NotAllowed, NotFound, ValidationFailed
from forum.services.events import (
    access,
    booking,
    calendar,
    listing,
    manage,
    organising,
    write_up,
)
from forum.services.network import regions as network_regions
from forum.views import errors_on, form_page

bp = Blueprint("events", __name__, url_prefix="/events")


@bp.app_template_filter("event_time")
def event_time(event, which: str = "start", reader=None) -> str:
    """ "Wednesday 18 March 2026, 10:00 to 15:30 (Europe/London)", in the event's own zone,
    followed by the times in the reader's zone when they chose another one (Account → Your
    profile). ``reader`` is the member signed in, unless given (mails name their recipient)."""
    if reader is None and has_request_context() and current_user.is_authenticated:
        reader = current_user
    shown = _span(event, event.timezone, which)
    theirs = getattr(reader, "time_zone", "") or ""
    if which == "day" or not theirs or theirs == event.timezone:
        return shown
    return f"{shown}; for you {_span(event, theirs, which)}"


def _span(event, zone_name: str, which: str) -> str:
    zone = ZoneInfo(zone_name)
    start, end = event.starts_at.astimezone(zone), event.ends_at.astimezone(zone)
    day = f"{start:%A} {start.day} {start:%B %Y}"
    if which == "day":
        return day
    label = zone_name.replace("_", " ")
    if start.date() == end.date():
        return f"{day}, {start:%H:%M} to {end:%H:%M} ({label})"
    return f"{day}, {start:%H:%M} to {end:%A} {end.day} {end:%B %Y}, {end:%H:%M} ({label})"


def _found(loader, *args):
    try:
        return loader(current_user, *args)
    except NotFound:
        abort(404)


@bp.get("/")
def index():
    regions = network_regions.regions()
    view = listing.EventFilter.from_args(request.args, regions)
    upcoming, past, mine = listing.events(current_user, view)
    return render_template(
        "events/index.html",
        view=view,
        regions=regions,
        formats=listing.FORMATS,
        upcoming=upcoming,
        past_events=past,
        mine=mine,
        may_organise=access.may_organise_any(current_user),
    )


def _event_form(*, editing: bool = False, **kwargs) -> EventForm:
    regions = access.organiser_regions(current_user)
    return EventForm(**kwargs).offer(manage.zone_choices(), regions, editing=editing)


@bp.route("/new", methods=["GET", "POST"])
@keeps_input_on_csrf_error
def new():
    if not access.may_organise_any(current_user):
        abort(404)
    form = _event_form(data={"access_options": "\n".join(manage.SUGGESTED_ACCESS_OPTIONS[:4])})
    if form.validate_on_submit():
        with errors_on(form):
            event = manage.create_event(current_user, form.values())
            flash("The event is on the events page.", "success")
            return redirect(url_for("events.show", event_id=event.id))
    return form_page("events/form.html", form, event=None)


@bp.get("/<int:event_id>")
def show(event_id: int):
    event = _found(access.get_event, event_id)
    mine = booking.my_booking(current_user, event.id)
    form = BookingForm(
        data={"ticks": mine.access_ticks, "access_text": mine.access_text} if mine else None
    )
    return render_template(
        "events/show.html",
        event=event,
        mine=mine,
        form=form,
        **_places(event, mine),
        organiser=access.runs_event(current_user, event),
        link_visible=booking.link_visible(current_user, event, mine, utcnow()),
        series=listing.series_events(current_user, event),
        kept_days=booking.answers_kept_days(),
    )


def _places(event, mine) -> dict:
    return {
        "waiting": booking.waiting_count(event.id),
        "ahead": booking.waiting_ahead(mine) if mine and mine.queue_position else 0,
    }


@bp.get("/<int:event_id>/places")
def places(event_id: int):
    """Live: the places left and the waiting list (and the member's own booking)."""
    event = _found(access.get_event, event_id)
    mine = booking.my_booking(current_user, event.id)
    return render_template("events/_places.html", event=event, mine=mine, **_places(event, mine))


@bp.post("/<int:event_id>/book")
def book(event_id: int):
    form = BookingForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        done = booking.book(
            current_user, event_id, ticks=form.ticks.data or [], text=form.access_text.data
        )
    except NotFound:
        abort(404)
    except (NotAllowed, ValidationFailed) as exc:
        flash(str(exc), "error")
    else:
        flash(
            "You have a place. It is in your calendar feed too."
            if done.status == "booked"
            else "The event is full, so you are on the waiting list. "
            "We will tell you if a place frees up.",
            "success",
        )
    return redirect(url_for("events.show", event_id=event_id))


@bp.post("/<int:event_id>/unbook")
def unbook(event_id: int):
    try:
        booking.cancel(current_user, event_id)
    except NotFound:
        abort(404)
    flash("Your booking is cancelled.", "success")
    return redirect(url_for("events.show", event_id=event_id))


@bp.get("/<int:event_id>/event.ics")
def ics(event_id: int):
    event, body = _found(calendar.event_ics, event_id)
    return Response(
        body,
        mimetype="text/calendar",
        headers={"Content-Disposition": f'attachment; filename="event-{event.id}.ics"'},
    )


# --- organising -------------------------------------------------------------------------------


@bp.route("/<int:event_id>/edit", methods=["GET", "POST"])
@keeps_input_on_csrf_error
def edit(event_id: int):
    event = _found(access.organised_event, event_id)
    if request.method == "GET":
        form = _event_form(editing=True, data=manage.form_values(event))
    else:
        form = _event_form(editing=True)
    if form.validate_on_submit():
        with errors_on(form):
            manage.edit_event(current_user, event.id, form.values())
            flash("The event is changed; everyone booked has been told.", "success")
            return redirect(url_for("events.show", event_id=event.id))
    return form_page("events/form.html", form, event=event)


@bp.post("/<int:event_id>/cancel")
def cancel(event_id: int):
    try:
        manage.cancel_event(current_user, event_id, request.form.get("reason", ""))
    except NotFound:
        abort(404)
    flash("The event is cancelled; everyone booked or waiting has been told.", "success")
    return redirect(url_for("events.show", event_id=event_id))


def _bookings_page(event, booked, waiting) -> dict:
    return {
        "event": event,
        "booked": booked,
        "waiting": waiting,
        "adds_hosts": access.may_organise(current_user, event.region_id),
        "host_candidates": access.candidates(),
    }


@bp.get("/<int:event_id>/bookings")
def bookings(event_id: int):
    event, booked, waiting = _found(organising.bookings, event_id)
    return render_template(
        "events/bookings.html", form=MessageForm(), **_bookings_page(event, booked, waiting)
    )


@bp.post("/<int:event_id>/hosts")
def hosts(event_id: int):
    member_id = whole_or_none(request.form.get("member_id", ""))
    try:
        if request.form.get("remove"):
            _found(organising.remove_host, event_id, member_id)
            flash("Removed from the co-hosts.", "success")
        else:
            person = _found(organising.add_host, event_id, member_id)
            flash(f"{person.display_name} now co-hosts this event.", "success")
    except (ValidationFailed, NotAllowed) as exc:
        flash(str(exc), "error")
    return redirect(url_for("events.bookings", event_id=event_id) + "#hosts-heading")


@bp.get("/<int:event_id>/bookings.csv")
def register(event_id: int):
    event, text = _found(organising.register_csv, event_id)
    return Response(
        text,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="register-{event.id}.csv"'},
    )


@bp.post("/<int:event_id>/attendance")
def attendance(event_id: int):
    came = [n for n in (whole_or_none(v) for v in request.form.getlist("attended")) if n]
    count = _found(organising.set_attendance, event_id, came)
    flash(f"Attendance saved: {count} came.", "success")
    return redirect(url_for("events.bookings", event_id=event_id))


@bp.post("/<int:event_id>/bookings/<int:booking_id>/cancel")
def cancel_booking(event_id: int, booking_id: int):
    _found(booking.cancel_for, event_id, booking_id)
    flash("That booking is cancelled.", "success")
    return redirect(url_for("events.bookings", event_id=event_id))


@bp.post("/<int:event_id>/message")
def message(event_id: int):
    form = MessageForm()
    event, booked, waiting = _found(organising.bookings, event_id)
    if form.validate_on_submit():
        with errors_on(form):
            sent = organising.message_booked(
                current_user, event_id, form.subject.data, form.body.data
            )
            flash(f"Your message went to {sent} people, each on their own.", "success")
            return redirect(url_for("events.bookings", event_id=event_id))
    return form_page("events/bookings.html", form, **_bookings_page(event, booked, waiting))


# --- the write-up -----------------------------------------------------------------------------


def _write_up_context(event_id: int) -> dict:
    event, columns = _found(write_up.entries, event_id)
    return {
        "event": event,
        "columns": columns,
        "may_write": write_up.may_write(current_user, event),
        "organiser": access.runs_event(current_user, event),
    }


@bp.route("/<int:event_id>/write-up", methods=["GET", "POST"])
@keeps_input_on_csrf_error
def write_up_page(event_id: int):
    form = WriteUpForm()
    if form.validate_on_submit():
        with errors_on(form):
            try:
                write_up.add_entry(
                    current_user,
                    event_id,
                    **{k: form[k].data for k in ("column", "text", "owner", "due_on")},
                )
            except NotFound:
                abort(404)
            except NotAllowed:
                abort(404)
            if htmx:
                return render_template(
                    "events/_write_up_form.html",
                    form=WriteUpForm(formdata=None),
                    event_id=event_id,
                    added=True,
                )
            return redirect(url_for("events.write_up_page", event_id=event_id))
    return form_page("events/write_up.html", form, **_write_up_context(event_id))


@bp.get("/<int:event_id>/write-up/entries")
def write_up_entries(event_id: int):
    return render_template("events/_write_up_columns.html", **_write_up_context(event_id))


@bp.post("/write-up/<int:entry_id>/idea")
def make_idea(entry_id: int):
    try:
        entry = write_up.make_idea(current_user, entry_id)
    except NotFound:
        abort(404)
    except (NotAllowed, ValidationFailed) as exc:
        flash(str(exc), "error")
        return redirect(request.referrer or url_for("events.index"))
    flash("The action is on the ideas board now.", "success")
    return redirect(url_for("events.write_up_page", event_id=entry.event_id))


# --- calendars --------------------------------------------------------------------------------


@bp.route("/calendar", methods=["GET", "POST"])
def my_calendar():
    secret = None
    if request.method == "POST":
        secret = calendar.reset_feed(current_user)
    return render_template(
        "events/calendar.html", secret=secret, has_feed=calendar.has_feed(current_user)
    )


@bp.get("/feed/<secret>.ics")
@public
def feed(secret: str):
    body = calendar.feed_ics(secret)
    if body is None:
        abort(404)
    return Response(body, mimetype="text/calendar")


# --- organisers of regions (administrators) -----------------------------------------------------


@bp.route("/organisers", methods=["GET", "POST"])
@admin_required
def organisers():
    if request.method == "POST":
        try:
            access.set_organiser(
                current_user,
                whole_or_none(request.form.get("member_id", "")) or 0,
                whole_or_none(request.form.get("region_id", "")) or 0,
                request.form.get("on") == "1",
            )
        except ValidationFailed as exc:
            flash(str(exc), "error")
        return redirect(url_for("events.organisers"))
    return render_template(
        "events/organisers.html",
        organisers=access.organisers(),
        regions=network_regions.regions(),
        candidates=access.candidates(),
    )
