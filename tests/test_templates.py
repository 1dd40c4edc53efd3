"""Small template helpers that shape how pages read."""


def test_times_read_calmly_in_the_past_and_the_future(ctx):
    from datetime import timedelta

    from forum.models import utcnow
    from forum.views.context import _when

    now = utcnow()
    assert _when(now) == "just now"
    assert _when(now - timedelta(minutes=5, seconds=3)) == "5 minutes ago"
    assert _when(now + timedelta(days=3, minutes=1)) == "in 3 days"
    assert _when(now - timedelta(hours=1, seconds=5)) == "1 hour ago"
    assert " at " in _when(now - timedelta(days=30))
