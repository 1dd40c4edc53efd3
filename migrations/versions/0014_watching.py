"""watching: threads and forums followed at a level (watching, tracking, normal, muted)

- ``watches``: one row per member and thread, or member and forum, with its level.
- ``members.track_on_post``: starting a thread or replying tracks it (the default, on).

Revision ID: 0014_watching
Revises: 0015_alerts
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014_watching'
down_revision = '0015_alerts'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('watches',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('thread_id', sa.Integer(), nullable=True),
    sa.Column('forum_id', sa.Integer(), nullable=True),
    sa.Column('level', sa.Enum('watching', 'tracking', 'normal', 'muted', name='watch_level', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('chosen_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('(thread_id IS NULL) <> (forum_id IS NULL)', name=op.f('ck_watches_one_target')),
    sa.ForeignKeyConstraint(['forum_id'], ['forums.id'], name=op.f('fk_watches_forum_id_forums'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_watches_member_id_members'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['thread_id'], ['threads.id'], name=op.f('fk_watches_thread_id_threads'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_watches')),
    sa.UniqueConstraint('member_id', 'forum_id', name=op.f('uq_watches_member_id_forum_id')),
    sa.UniqueConstraint('member_id', 'thread_id', name=op.f('uq_watches_member_id_thread_id'))
    )
    with op.batch_alter_table('watches', schema=None) as batch_op:
        batch_op.create_index('ix_watches_forum_level', ['forum_id', 'level'], unique=False)
        batch_op.create_index('ix_watches_thread_level', ['thread_id', 'level'], unique=False)

    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.add_column(sa.Column('track_on_post', sa.Boolean(), server_default=sa.true(), nullable=False))


def downgrade():
    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.drop_column('track_on_post')

    with op.batch_alter_table('watches', schema=None) as batch_op:
        batch_op.drop_index('ix_watches_thread_level')
        batch_op.drop_index('ix_watches_forum_level')

    op.drop_table('watches')
