"""cover hours: when moderators are around, per region, with a time zone; more alerts

- ``cover_hours``: one row per area (a region, or NULL: national) and day of the week, from
  ``starts`` to ``ends`` (minutes after midnight) in ``time_zone``. The free-text
  ``site_settings.moderated_hours`` stays, shown as before.
- ``site_settings.reports_alert_count`` (3): a member reported this often in 24 hours alerts
  their region's moderators; ``site_settings.hold_outside_hours`` (off): outside the cover
  hours new members' posts wait for approval.

Revision ID: 0018_cover_hours
Revises: 0014_watching
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0018_cover_hours'
down_revision = '0014_watching'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('cover_hours',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=True),
    sa.Column('weekday', sa.Integer(), nullable=False),
    sa.Column('starts', sa.Integer(), nullable=False),
    sa.Column('ends', sa.Integer(), nullable=False),
    sa.Column('time_zone', sa.String(length=64), nullable=False),
    sa.CheckConstraint('weekday BETWEEN 0 AND 6', name=op.f('ck_cover_hours_weekday_of_week')),
    sa.CheckConstraint('starts >= 0 AND starts < 1440 AND ends > 0 AND ends <= 1440', name=op.f('ck_cover_hours_minutes_of_day')),
    sa.ForeignKeyConstraint(['region_id'], ['regions.id'], name=op.f('fk_cover_hours_region_id_regions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cover_hours')),
    sa.UniqueConstraint('region_id', 'weekday', name=op.f('uq_cover_hours_region_id_weekday'))
    )
    with op.batch_alter_table('cover_hours', schema=None) as batch_op:
        batch_op.create_index('uq_cover_hours_national_weekday', ['weekday'], unique=True, sqlite_where=sa.text('region_id IS NULL'), postgresql_where=sa.text('region_id IS NULL'))

    with op.batch_alter_table('site_settings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reports_alert_count', sa.Integer(), server_default='3', nullable=False))
        batch_op.add_column(sa.Column('hold_outside_hours', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table('site_settings', schema=None) as batch_op:
        batch_op.drop_column('hold_outside_hours')
        batch_op.drop_column('reports_alert_count')

    with op.batch_alter_table('cover_hours', schema=None) as batch_op:
        batch_op.drop_index('uq_cover_hours_national_weekday', sqlite_where=sa.text('region_id IS NULL'), postgresql_where=sa.text('region_id IS NULL'))

    op.drop_table('cover_hours')
