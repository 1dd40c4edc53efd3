"""The stream of live updates an open page listens to (server-sent events)."""

from flask import Blueprint, Response, abort, request
from flask_login import current_user

from forum.permissions import open_during_break
from forum.services.errors import ValidationFailed
from forum.services.live import streams
from forum.services.live.brokers import BrokerUnavailable

bp = Blueprint("live", __name__)


@bp.get("/live")
@open_during_break  # the break's own page holds the bell's stream too (it hears nothing new)
def stream():
    """Members only: events on the topics asked for (``?topic=``) that this member may hear.

    A reconnecting browser sends ``Last-Event-ID``; a page opening its stream passes the
    newest id it was built with as ``last_event_id``. Either way nothing in between is missed.
    """
    try:
        events = streams.open_stream(
            current_user._get_current_object(),
            request.args.getlist("topic"),
            request.headers.get("Last-Event-ID") or request.args.get("last_event_id"),
        )
    except ValidationFailed:
        abort(400)
    except BrokerUnavailable:
        abort(503)
    response = Response(events, mimetype="text/event-stream")
    response.call_on_close(events.close)
    response.headers["X-Accel-Buffering"] = "no"  # nginx: pass each event on at once
    return response
