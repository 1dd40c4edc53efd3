"""Gatherings for the demo network (issue 14): a past national gathering with its full write-up
(two actions already ideas on the board), an upcoming online network day with a running order
like the Scottish network's, and a quarterly Norfolk meeting series (a Norfolk region with its
own organiser, for the county network that shares this demo)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from dateutil import rrule

from forum.extensions import db
from forum.models import (
    AgendaItem,
    Booking,
    BookingStatus,
    Consent,
    ConsentKind,
    Event,
    EventFormat,
    EventOrganiser,
    EventSeries,
    Idea,
    IdeaVote,
    Member,
    MemberStatus,
    Region,
    Role,
    Thread,
    WriteUpColumn,
    WriteUpEntry,
    utcnow,
)
from forum.services import ordering, passwords
from forum.services.events import manage as event_manage
from forum.services.forums import manage
from forum.services.ideas import access, board

LONDON = ZoneInfo("Europe/London")
ACCESS = ["Miro", "Padlet", "Breakout rooms", "Captions needed", "BSL interpreter", "Quiet room"]
RUNNING_ORDER = [
    ("10:00", "Welcome, check-in and how we use Zoom, Padlet and Miro"),
    ("10:20", "Ground rules and looking after ourselves today"),
    ("10:30", "Speaker: peer support at hospital discharge"),
    ("11:15", "Breakout rooms: what is happening in your region"),
    ("12:00", "Lunch"),
    ("12:45", "Ideas clinic on the Miro board"),
    ("13:45", "Break"),
    ("14:00", "Closing round: what worked well, what could be better, action taking forward"),
    ("14:30", "Close"),
]
WRITE_UP = [
    (WriteUpColumn.WORKED_WELL, "Meeting in person after so long online", "", None),
    (WriteUpColumn.WORKED_WELL, "The quiet room, and breaks every hour", "", None),
    (WriteUpColumn.WORKED_WELL, "Hearing from the islands by video link", "", None),
    (WriteUpColumn.COULD_BE_BETTER, "Travel from the north took most of the day", "", None),
    (WriteUpColumn.COULD_BE_BETTER, "The Miro board was hard to use on phones", "", None),
    (WriteUpColumn.ACTION, "Hold the autumn gathering in Inverness", "Isla", 60),
    (WriteUpColumn.ACTION, "A short Miro how-to before each online event", "Kenny", 30),
    (WriteUpColumn.ACTION, "Ask every region who would host a local meeting", "Morag", 45),
]


def _at(day: date, clock: str) -> datetime:
    hours, minutes = (int(p) for p in clock.split(":"))
    return datetime.combine(day, time(hours, minutes), tzinfo=LONDON).astimezone(UTC)


def seed(members: list[Member], regions: dict[str, Region]) -> None:
    """Add the gatherings. Does not commit."""
    people = {m.email.split("@")[0]: m for m in members}
    active = [m for m in members if m.status == MemberStatus.ACTIVE]
    today = utcnow().astimezone(LONDON).date()
    _past_gathering(people, active, today - timedelta(days=20))
    _online_day(people, active, today + timedelta(days=12))
    _norfolk_series(people, today)


def _event(**fields) -> Event:
    agenda = fields.pop("agenda", [])
    body = fields.pop("body")
    event = Event(timezone="Europe/London", **fields)
    event.set_body(body)
    event.agenda = [AgendaItem(position=n, at=at, title=t) for n, (at, t) in enumerate(agenda)]
    db.session.add(event)
    db.session.flush()
    return event


def _book(event: Event, people: list[Member], *, attended: bool | None = None) -> None:
    for n, person in enumerate(people):
        ticks = [ACCESS[n % len(ACCESS)]] if n % 3 == 0 else []
        db.session.add(
            Booking(
                event_id=event.id,
                member_id=person.id,
                status=BookingStatus.BOOKED,
                access_ticks=ticks,
                access_text="I would like the slides beforehand." if n == 1 else "",
                attended=attended,
            )
        )
    event.booked_count = len(people)


def _past_gathering(people: dict[str, Member], active: list[Member], day: date) -> None:
    thread_id = db.session.scalar(
        sa.select(Thread.id).where(Thread.title.like("National gathering in Perth%"))
    )
    event = _event(
        title="National gathering, Perth",
        body="Our spring gathering: a day together in Perth, five minutes' walk from the "
        "station, with a video link for the islands.",
        starts_at=_at(day, "10:00"),
        ends_at=_at(day, "15:30"),
        format=EventFormat.BOTH,
        online_link="https://zoom.example.org/j/perth-gathering",
        venue="Perth Concert Hall, Mill Street",
        address="Mill Street, Perth PH1 5HZ",
        access_notes="Step-free from the street; a quiet room on the first floor (lift).",
        capacity=60,
        access_options=ACCESS,
        agenda=RUNNING_ORDER,
        thread_id=thread_id,
        created_by_id=people["morag"].id,
        created_at=utcnow() - timedelta(days=60),
    )
    _book(event, active, attended=True)
    for column, text, owner, due_days in WRITE_UP:
        entry = WriteUpEntry(
            event_id=event.id,
            column=column,
            text=text,
            owner=owner,
            due_on=day + timedelta(days=due_days) if due_days else None,
            author_id=people["morag"].id,
        )
        db.session.add(entry)
        if column == WriteUpColumn.ACTION and owner in ("Isla", "Kenny"):
            entry.idea_id = _idea(people[owner.lower()], event, text).id


def _idea(author: Member, event: Event, text: str) -> Idea:
    """An action already turned into an idea, with its author's vote."""
    when = event.ends_at + timedelta(days=1)
    idea = Idea(
        title=text,
        author_id=author.id,
        region_id=None,
        created_at=when,
        freshness=access.freshness(when),
    )
    idea.set_body(
        f"An action from [National gathering, Perth, {when:%B %Y}](/events/{event.id}).\n\n{text}"
    )
    db.session.add(idea)
    db.session.flush()
    board.index_title(idea)
    db.session.add(IdeaVote(idea_id=idea.id, member_id=author.id, created_at=when))
    db.session.flush()
    access.recount([idea.id])
    return idea


def _online_day(people: dict[str, Member], active: list[Member], day: date) -> None:
    event = _event(
        title="Online network day: ideas clinic",
        body="A day online for the whole network: a speaker, breakout rooms by region, and the "
        "ideas clinic on Miro. **Cameras optional.** Tell us below if any of the tools are "
        "hard for you, so we can help.",
        starts_at=_at(day, "10:00"),
        ends_at=_at(day, "14:30"),
        format=EventFormat.ONLINE,
        online_link="https://zoom.example.org/j/network-day",
        link_opens_minutes=30,
        capacity=40,
        booking_deadline=_at(day - timedelta(days=2), "17:00"),
        access_options=ACCESS,
        agenda=RUNNING_ORDER,
        members_write_up=True,
        created_by_id=people["morag"].id,
    )
    _book(event, active[:5])


def _norfolk_series(people: dict[str, Member], today: date) -> None:
    """Norfolk, with its own organiser and a quarterly meeting (the third Wednesday of March,
    June, September and December) for the next two years, at places around the county."""
    norfolk = Region(name="Norfolk", slug=ordering.slugify("Norfolk"), position=100)
    db.session.add(norfolk)
    db.session.flush()
    manage.create_region_forum(norfolk)
    sam = Member(
        email="sam@demo.example.org",
        display_name="Sam",
        password_hash=passwords.hash_password("calm harbour lantern 2026"),
        region_id=norfolk.id,
        organisation="Peer support lead, Norfolk",
        reason="To organise the Norfolk meetings.",
        status=MemberStatus.ACTIVE,
        role=Role.MEMBER,
        decided_at=utcnow(),
        consents=[
            Consent(kind=ConsentKind.HOUSE_RULES, document_version="1"),
            Consent(kind=ConsentKind.HEALTH_DATA, document_version="1"),
        ],
    )
    db.session.add(sam)
    db.session.flush()
    db.session.add(EventOrganiser(member_id=sam.id, region_id=norfolk.id))
    third_wednesdays = rrule.rrule(
        rrule.MONTHLY,
        dtstart=datetime.combine(today + timedelta(days=1), time(14, 0)),
        bymonth=(3, 6, 9, 12),
        byweekday=rrule.WE(3),
    )
    start = third_wednesdays[0]
    rule = event_manage.occurrence_rule("quarterly", start)  # the series' own rule, the same days
    series = EventSeries(repeat="quarterly", rule=str(rule), created_by_id=sam.id)
    db.session.add(series)
    db.session.flush()
    venues = ["The Forum, Norwich", "King's Lynn library", "Great Yarmouth town hall", "Online"]
    for n, moment in enumerate(rule.xafter(start, count=8, inc=True)):
        venue = venues[n % len(venues)]
        online = venue == "Online"
        _event(
            title="Norfolk peer support meeting",
            body="Our quarterly meeting, at a different place around the county each time, "
            "with local groups.",
            starts_at=moment.replace(tzinfo=LONDON).astimezone(UTC),
            ends_at=(moment.replace(tzinfo=LONDON) + timedelta(hours=2)).astimezone(UTC),
            region_id=norfolk.id,
            series_id=series.id,
            format=EventFormat.ONLINE if online else EventFormat.IN_PERSON,
            online_link="https://meet.example.org/norfolk" if online else "",
            venue="" if online else venue,
            access_notes="" if online else "Step-free entrance; hearing loop in the room.",
            capacity=25,
            access_options=["Step-free access", "Quiet room", "Dietary needs"],
            created_by_id=sam.id,
        )
