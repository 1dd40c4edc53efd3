"""The demo network: believable forums, threads and stories, ready to try."""

import sqlalchemy as sa

from forum.extensions import db
from forum.models import Forum, Member, Post, PostRevision, Thread, utcnow
from forum.services import rendering
from forum.services.forums import manage
from tests.conftest import Client, sign_in_as


def _seed(app):
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output


def test_seed_demo_fills_the_forums_with_threads_and_stories(bare_app):
    _seed(bare_app)
    with bare_app.app_context():
        names = set(db.session.scalars(sa.select(Forum.name)))
        assert {"Introductions", "Guiding document", "Events", "Stories", "Highland"} <= names
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Thread)) >= 15
        assert db.session.scalar(sa.select(sa.func.count()).select_from(PostRevision)) >= 3
        stories = db.session.scalar(sa.select(Forum).where(Forum.name == "Stories"))
        warned = db.session.scalars(
            sa.select(Thread).where(Thread.forum_id == stories.id, Thread.warnings.any())
        ).all()
        assert len(warned) >= 3
        counted = {
            t.id: (t.reply_count, t.last_post_id) for t in db.session.scalars(sa.select(Thread))
        }
        manage.recount()
        db.session.commit()
        db.session.expire_all()
        assert counted == {
            t.id: (t.reply_count, t.last_post_id) for t in db.session.scalars(sa.select(Thread))
        }
        ahmed = db.session.scalar(sa.select(Member).where(Member.email.startswith("ahmed@")))
        db.session.expunge(ahmed)
        assert db.session.scalar(sa.select(sa.func.max(Post.created_at))) < utcnow()
    bare_app.test_client_class = Client
    client = sign_in_as(bare_app.test_client(), ahmed)
    home = client.get("/").get_data(as_text=True)
    assert "with new posts" in home and "Lothian" not in home  # a region-only forum elsewhere
    stories_page = client.get("/forums/stories").get_data(as_text=True)
    assert "hidden by your" in stories_page  # Ahmed hides eating difficulties


def test_rerender_covers_posts_and_their_earlier_versions(bare_app):
    _seed(bare_app)
    with bare_app.app_context():
        db.session.execute(sa.update(Post).values(body_rules=0, body_html=""))
        db.session.commit()
        counts = rendering.rerender_stored()
        assert counts["Post"] > 50 and "PostRevision" in counts
        assert not db.session.scalar(
            sa.select(sa.func.count()).select_from(Post).where(Post.body_html == "")
        )


def test_recount_command_rebuilds_the_counters(bare_app):
    _seed(bare_app)
    with bare_app.app_context():
        db.session.execute(sa.update(Thread).values(reply_count=0))
        db.session.execute(sa.update(Forum).values(post_count=0))
        db.session.commit()
    with bare_app.app_context():
        result = bare_app.test_cli_runner().invoke(args=["forums", "recount"])
    assert result.exit_code == 0 and "rebuilt" in result.output
    with bare_app.app_context():
        assert db.session.scalar(sa.select(sa.func.sum(Thread.reply_count))) > 40
        total_posts = db.session.scalar(sa.select(sa.func.count()).select_from(Post))
        assert db.session.scalar(sa.select(sa.func.sum(Forum.post_count))) == total_posts
