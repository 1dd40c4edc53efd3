"""The demo's moderation: an evening's queue for Kenny (an urgent report among others), Isla
moderating Highland only, a post hidden after three reports, Callum's message from the
moderators, and Sandy's warning then suspension in the audit log."""

import sqlalchemy as sa

from forum.extensions import db
from forum.models import AuditEntry, CaseState, Member, ModerationCase, Post
from tests.conftest import Client, sign_in_as


def _seed(app):
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert "Isla (moderator, Highland)" in result.output


def _person(app, local: str) -> Member:
    with app.app_context():
        person = db.session.scalar(sa.select(Member).where(Member.email.startswith(f"{local}@")))
        person.moderated_regions  # noqa: B018 - loaded before leaving the session
        db.session.expunge(person)
        return person


def test_the_demo_has_an_evening_of_moderation(bare_app):
    _seed(bare_app)
    with bare_app.app_context():
        cases = list(db.session.scalars(sa.select(ModerationCase)))
        open_cases = [c for c in cases if c.state == CaseState.OPEN]
        assert len(open_cases) >= 4 and any(c.urgent for c in open_cases)
        hidden = db.session.scalar(
            sa.select(Post).where(Post.hidden_at.is_not(None), Post.hidden_by_id.is_(None))
        )
        assert hidden is not None and hidden.author.display_name == "Sandy"
        trail = db.session.scalars(
            sa.select(AuditEntry.action)
            .where(AuditEntry.target_kind == "member", AuditEntry.target_id == hidden.author_id)
            .order_by(AuditEntry.created_at)
        ).all()
        assert trail == ["member.warn", "member.suspend"]
    bare_app.test_client_class = Client
    kenny = sign_in_as(bare_app.test_client(), _person(bare_app, "kenny"))
    queue = kenny.get("/moderation/").get_data(as_text=True)
    assert "Someone may be at risk" in queue and "Hidden automatically" in queue
    assert kenny.get("/moderation/audit").status_code == 200
    isla = sign_in_as(bare_app.test_client(), _person(bare_app, "isla"))
    mine = isla.get("/moderation/").get_data(as_text=True)
    assert "Getting to training" in mine and "Someone may be at risk" not in mine
    callum = sign_in_as(bare_app.test_client(), _person(bare_app, "callum"))
    assert "new from the moderators" in callum.get("/").get_data(as_text=True)
    assert "named someone you support" in callum.get("/messages").get_data(as_text=True)
    sandy = sign_in_as(bare_app.test_client(), _person(bare_app, "sandy"))
    assert "Your membership is paused" in sandy.get("/status").get_data(as_text=True)
