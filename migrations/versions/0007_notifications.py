"""notifications

- ``notifications``: what each member has been told about (the bell and the Notifications
  page, forum/services/notifications/), unique per member and cause (``key``), so a job run
  twice tells nobody twice.
- ``notification_settings``: the kinds a member has switched off (no row: on).

Revision ID: 0007_notifications
Revises: 0006_sign_ins
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007_notifications'
down_revision = '0006_sign_ins'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('notification_settings',
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('on_site', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_notification_settings_member_id_members'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('member_id', 'kind', name=op.f('pk_notification_settings'))
    )
    op.create_table('notifications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('key', sa.String(length=160), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('thread_id', sa.Integer(), nullable=True),
    sa.Column('post_id', sa.Integer(), nullable=True),
    sa.Column('idea_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('read_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['members.id'], name=op.f('fk_notifications_actor_id_members'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['idea_id'], ['ideas.id'], name=op.f('fk_notifications_idea_id_ideas'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_notifications_member_id_members'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['post_id'], ['posts.id'], name=op.f('fk_notifications_post_id_posts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['thread_id'], ['threads.id'], name=op.f('fk_notifications_thread_id_threads'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notifications')),
    sa.UniqueConstraint('member_id', 'key', name=op.f('uq_notifications_member_id_key'))
    )
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notifications_idea_id'), ['idea_id'], unique=False)
        batch_op.create_index('ix_notifications_member_unread', ['member_id', 'read_at', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_notifications_post_id'), ['post_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_notifications_thread_id'), ['thread_id'], unique=False)



def downgrade():
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notifications_thread_id'))
        batch_op.drop_index(batch_op.f('ix_notifications_post_id'))
        batch_op.drop_index('ix_notifications_member_unread')
        batch_op.drop_index(batch_op.f('ix_notifications_idea_id'))

    op.drop_table('notifications')
    op.drop_table('notification_settings')
