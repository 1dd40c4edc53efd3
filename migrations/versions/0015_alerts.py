"""alerts: moderated hours

- ``site_settings.moderated_hours``: when moderators are around ("Mon–Fri 9:00–21:00"),
  shown beside the crisis contacts (empty: not said). Nothing existing changes.

Revision ID: 0015_alerts
Revises: 0017_moderators_room
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0015_alerts'
down_revision = '0017_moderators_room'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('site_settings', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('moderated_hours', sa.String(length=200), nullable=False, server_default='')
        )


def downgrade():
    with op.batch_alter_table('site_settings', schema=None) as batch_op:
        batch_op.drop_column('moderated_hours')
