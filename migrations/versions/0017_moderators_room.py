"""moderators' room: a national forum only moderators and administrators see (issue 17)

- ``forums.staff_only``; a network already set up gets its room ("Moderators' room", at the
  end of the national forums), as a new network does at setup.

Revision ID: 0017_moderators_room
Revises: 0016_events_more
"""
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0017_moderators_room'
down_revision = '0016_events_more'
branch_labels = None
depends_on = None

DESCRIPTION = (
    "Only moderators and administrators see this forum: talk over a report, a member or a "
    "hard evening together."
)


def upgrade():
    with op.batch_alter_table('forums', schema=None) as batch_op:
        batch_op.add_column(sa.Column('staff_only', sa.Boolean(), server_default=sa.false(), nullable=False))

    bind = op.get_bind()
    if not bind.execute(sa.text("SELECT count(*) FROM site_settings")).scalar():
        return  # not set up yet: setup makes the room
    slugs = set(bind.execute(sa.text("SELECT slug FROM forums")).scalars())
    slug, n = "moderators-room", 2
    while slug in slugs:
        slug, n = f"moderators-room-{n}", n + 1
    last = bind.execute(
        sa.text("SELECT max(position) FROM forums WHERE region_id IS NULL")
    ).scalar()
    forums = sa.table(
        "forums", sa.column("slug"), sa.column("name"), sa.column("description"),
        sa.column("position"), sa.column("audience"), sa.column("staff_only"),
        sa.column("created_at"), sa.column("thread_count"), sa.column("post_count"),
        sa.column("hold_first_posts"),
    )
    op.bulk_insert(forums, [{
        "slug": slug, "name": "Moderators' room", "description": DESCRIPTION,
        "position": (last or 0) + 1, "audience": "everyone", "staff_only": True,
        "created_at": datetime.now(timezone.utc), "thread_count": 0, "post_count": 0,
        "hold_first_posts": False,
    }])


def downgrade():
    op.execute("DELETE FROM forums WHERE staff_only AND thread_count = 0")
    with op.batch_alter_table('forums', schema=None) as batch_op:
        batch_op.drop_column('staff_only')
