"""events more: co-hosts, the reader's time zone, event notices on the bell

- ``event_hosts``: the co-hosts of an event (issue 14), who run it with its organiser.
- ``members.time_zone``: the zone a member reads times in ("" is the event's own zone).
- ``notifications.event_id``: reminders, changes, cancellations and places freed at an event
  the member booked, told on the bell as well as by mail.

Revision ID: 0016_events_more
Revises: 0013_notify_more
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0016_events_more'
down_revision = '0013_notify_more'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('event_hosts',
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_event_hosts_event_id_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_event_hosts_member_id_members'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('event_id', 'member_id', name=op.f('pk_event_hosts'))
    )
    with op.batch_alter_table('event_hosts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_hosts_member_id'), ['member_id'], unique=False)

    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.add_column(sa.Column('time_zone', sa.String(length=60), nullable=False, server_default=''))

    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('event_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_notifications_event_id'), ['event_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_notifications_event_id_events'), 'events', ['event_id'], ['id'], ondelete='CASCADE')


def downgrade():
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_notifications_event_id_events'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_notifications_event_id'))
        batch_op.drop_column('event_id')

    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.drop_column('time_zone')

    with op.batch_alter_table('event_hosts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_hosts_member_id'))

    op.drop_table('event_hosts')
