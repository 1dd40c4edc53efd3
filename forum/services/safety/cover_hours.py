"""Cover hours: when moderators are around, per region and for the whole network.

- Administrators set, for each region and for national (``region_id`` None), the days of the
  week and the times moderators are around, in a time zone (the network's, ``TIMEZONE``, by
  default): one span a day, which may run past midnight ("18:00 to 2:00").
- A region is covered while its own hours or the national hours are running: national
  moderators moderate every region. With no hours set anywhere, nothing is said and nothing
  is held: ``covered_now`` is True.
- Times are wall-clock times in the area's zone, so "9:00" stays 9:00 on the days the clocks
  change (``zoneinfo``); ``next_start`` says when the next span begins, as "Monday at 9:00".
- Outside those hours, the urgent-help page and the urgent-report thanks say so and show the
  crisis contacts first, and (with ``hold_outside_hours``) new members' posts wait for
  approval (``forums.threads.needs_approval``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import sqlalchemy as sa
from flask import current_app

from forum.extensions import db
from forum.models import CoverHours, Member, Region, utcnow
from forum.services import audit
from forum.services.errors import NotFound, ValidationFailed

DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_CLOCK = re.compile(r"^([01]?\d|2[0-4]):([0-5]\d)$")


@dataclass(frozen=True)
class Span:
    """One day's hours: ``weekday`` 0 (Monday) to 6, minutes after midnight."""

    weekday: int
    starts: int
    ends: int

    @property
    def overnight(self) -> bool:
        return self.ends <= self.starts

    def text(self) -> str:
        return f"{clock(self.starts)}–{clock(self.ends)}"  # noqa: RUF001 - an en dash


@dataclass(frozen=True)
class Area:
    """The hours of one region (or of national, ``region_id`` None) in their zone."""

    region_id: int | None
    zone: str
    spans: tuple[Span, ...]

    def covers(self, now: datetime) -> bool:
        local = now.astimezone(ZoneInfo(self.zone))
        minute = local.hour * 60 + local.minute
        yesterday = (local.weekday() - 1) % 7
        for span in self.spans:
            today = span.weekday == local.weekday() and span.starts <= minute
            if today and (span.overnight or minute < span.ends):
                return True
            if span.weekday == yesterday and span.overnight and minute < span.ends:
                return True
        return False

    def next_start(self, now: datetime) -> datetime | None:
        """When the next span begins after ``now``, in the area's zone (None: no spans)."""
        zone = ZoneInfo(self.zone)
        today = now.astimezone(zone).date()
        for days in range(8):
            day = today + timedelta(days=days)
            for span in self.spans:
                if span.weekday == day.weekday():
                    starts = _at(day, span.starts, zone)
                    if starts > now:
                        return starts
        return None


def clock(minutes: int) -> str:
    return f"{minutes // 60}:{minutes % 60:02d}"


def _at(day: date, minutes: int, zone: ZoneInfo) -> datetime:
    """The moment a wall clock in ``zone`` shows ``minutes`` on ``day``; a time the clocks
    skip (1:30 on the spring change) is read as the moment after the change."""
    if minutes >= 1440:
        return datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone)
    wall = datetime.combine(day, time(minutes // 60, minutes % 60), tzinfo=zone)
    return wall.astimezone(ZoneInfo("UTC")).astimezone(zone)  # normalised through UTC


def network_zone() -> str:
    return current_app.config.get("TIMEZONE") or "Europe/London"


def areas(region_id: int | None) -> list[Area]:
    """The hours that cover ``region_id``: its own and the national ones (one query)."""
    wanted: sa.ColumnElement[bool] = CoverHours.region_id.is_(None)
    if region_id is not None:
        wanted = sa.or_(wanted, CoverHours.region_id == region_id)
    rows = db.session.scalars(sa.select(CoverHours).where(wanted).order_by(CoverHours.weekday))
    found: dict[int | None, list[CoverHours]] = {}
    for row in rows:
        found.setdefault(row.region_id, []).append(row)
    return [_area(key, found[key]) for key in found]


def area(region_id: int | None) -> Area:
    """The hours set for exactly this area (empty when none), with its zone."""
    rows = list(
        db.session.scalars(
            sa.select(CoverHours)
            .where(
                CoverHours.region_id.is_(None)
                if region_id is None
                else CoverHours.region_id == region_id
            )
            .order_by(CoverHours.weekday)
        )
    )
    return _area(region_id, rows)


def _area(region_id: int | None, rows: list[CoverHours]) -> Area:
    zone = rows[0].time_zone if rows else network_zone()
    return Area(region_id, zone, tuple(Span(r.weekday, r.starts, r.ends) for r in rows))


def covered_now(region_id: int | None, now: datetime | None = None) -> bool:
    """Whether moderators who cover ``region_id`` are around at ``now`` (its own hours or the
    national ones); True when no hours are set at all (nothing to say)."""
    now = now or utcnow()
    found = [a for a in areas(region_id) if a.spans]
    return not found or any(a.covers(now) for a in found)


@dataclass(frozen=True)
class Cover:
    """What a page says about the moderators now: ``around`` (or no hours set), and when
    not, the next start as "Monday at 9:00" (empty when none is set)."""

    around: bool
    back: str = ""


def cover(region_id: int | None, now: datetime | None = None) -> Cover:
    """Whether moderators are around for ``region_id``, and if not, when they will be."""
    now = now or utcnow()
    found = [a for a in areas(region_id) if a.spans]
    if not found or any(a.covers(now) for a in found):
        return Cover(True)
    starts = [s for a in found if (s := a.next_start(now)) is not None]
    return Cover(False, when(min(starts), now) if starts else "")


def when(moment: datetime, now: datetime) -> str:
    """ "today at 18:00", "tomorrow at 9:00" or "Monday at 9:00", in ``moment``'s zone."""
    today = now.astimezone(moment.tzinfo).date()
    at = clock(moment.hour * 60 + moment.minute)
    if moment.date() == today:
        return f"today at {at}"
    if moment.date() == today + timedelta(days=1):
        return f"tomorrow at {at}"
    return f"{DAYS[moment.weekday()]} at {at}"


# --- setting them -----------------------------------------------------------------------------


def parse_clock(text: str | None) -> int | None:
    """Minutes after midnight of "9:00", "09:30" or "24:00"; None for an empty field.
    Raises ValueError for anything else."""
    text = (text or "").strip()
    if not text:
        return None
    match = _CLOCK.match(text)
    if not match or (int(match[1]) == 24 and match[2] != "00"):
        raise ValueError(text)
    return int(match[1]) * 60 + int(match[2])


def check_zone(name: str | None) -> str:
    name = (name or "").strip() or network_zone()
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationFailed({"time_zone": "Give a time zone such as Europe/London."}) from None
    return name


def save(
    actor: Member, region_id: int | None, days: dict[int, tuple[str, str]], time_zone: str
) -> Area:
    """Replace an area's hours: ``days`` maps a weekday (0 Monday) to its "from" and "to"
    (both empty: not covered that day); commits, with an audit entry. Raises NotFound for
    an unknown region, ValidationFailed naming the field (``from_<day>``, ``to_<day>``,
    ``time_zone``)."""
    if region_id is not None and db.session.get(Region, region_id) is None:
        raise NotFound("That region does not exist.")
    zone = check_zone(time_zone)
    spans, errors = _spans(days)
    if errors:
        raise ValidationFailed(errors)
    before = _summary(area(region_id))
    db.session.execute(
        sa.delete(CoverHours).where(
            CoverHours.region_id.is_(None)
            if region_id is None
            else CoverHours.region_id == region_id
        )
    )
    for span in spans:
        db.session.add(
            CoverHours(
                region_id=region_id,
                weekday=span.weekday,
                starts=span.starts,
                ends=span.ends,
                time_zone=zone,
            )
        )
    saved = Area(region_id, zone, tuple(spans))
    audit.record(
        actor,
        "cover_hours.update",
        "region" if region_id is not None else "settings",
        region_id,
        region_id=region_id,
        summary="the cover hours",
        before=before,
        after=_summary(saved),
    )
    db.session.commit()
    return saved


def _spans(days: dict[int, tuple[str, str]]) -> tuple[list[Span], dict[str, str]]:
    spans: list[Span] = []
    errors: dict[str, str] = {}
    for weekday in range(7):
        starts_text, ends_text = days.get(weekday, ("", ""))
        try:
            starts = parse_clock(starts_text)
        except ValueError:
            errors[f"from_{weekday}"] = "Give a time such as 9:00."
            continue
        try:
            ends = parse_clock(ends_text)
        except ValueError:
            errors[f"to_{weekday}"] = "Give a time such as 21:00 (24:00 for midnight)."
            continue
        if starts is None and ends is None:
            continue
        if starts is None or ends is None:
            field = f"from_{weekday}" if starts is None else f"to_{weekday}"
            errors[field] = "Give both times, or neither for a day without moderators."
        elif starts == 1440 or starts == ends or (starts == 0 and ends == 0):
            errors[f"to_{weekday}"] = "The hours must start and end at different times."
        else:
            spans.append(Span(weekday, starts, ends if ends else 1440))
    return spans, errors


def _summary(found: Area) -> dict:
    return {
        "time_zone": found.zone,
        "hours": {DAYS[s.weekday]: s.text() for s in found.spans},
    }


def summaries() -> list[tuple[Region | None, Area]]:
    """Every area with its hours, national first, for the administrators' page."""
    regions = db.session.scalars(
        sa.select(Region).where(Region.archived_at.is_(None)).order_by(Region.position)
    )
    rows = list(db.session.scalars(sa.select(CoverHours).order_by(CoverHours.weekday)))
    by_area: dict[int | None, list[CoverHours]] = {}
    for row in rows:
        by_area.setdefault(row.region_id, []).append(row)
    return [(None, _area(None, by_area.get(None, [])))] + [
        (region, _area(region.id, by_area.get(region.id, []))) for region in regions
    ]
