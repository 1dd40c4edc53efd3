"""The demo's gatherings: a past national gathering with its write-up and ideas, an upcoming
online day with a running order, and Norfolk's quarterly meetings."""

import sqlalchemy as sa

from forum.extensions import db
from forum.models import Event, Member, WriteUpEntry
from tests.conftest import Client, sign_in_as


def test_seed_demo_adds_the_gatherings(bare_app):
    with bare_app.app_context():
        result = bare_app.test_cli_runner().invoke(args=["seed-demo"])
        assert result.exit_code == 0, result.output
        norfolk = list(
            db.session.scalars(
                sa.select(Event).where(Event.title == "Norfolk peer support meeting")
            )
        )
        assert len(norfolk) == 8 and len({e.series_id for e in norfolk}) == 1
        assert {e.starts_at.month for e in norfolk} <= {3, 6, 9, 12}
        assert all(15 <= e.starts_at.day <= 21 and e.starts_at.weekday() == 2 for e in norfolk)
        ideas = db.session.scalars(sa.select(WriteUpEntry).where(WriteUpEntry.idea_id.is_not(None)))
        assert len(list(ideas)) == 2
        ahmed = db.session.scalar(sa.select(Member).where(Member.email.startswith("ahmed@")))
        db.session.expunge(ahmed)
    bare_app.test_client_class = Client
    client = sign_in_as(bare_app.test_client(), ahmed)
    page = client.get("/events/").text
    assert "Online network day: ideas clinic" in page and "National gathering, Perth" in page
    assert "Norfolk peer support meeting" in page  # Norfolk's forum is open to all
