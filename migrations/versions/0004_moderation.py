"""moderation: reports, cases, audit log, moderators' regions, messages, mutes; hidden and held content

One report per member per thing is the unique key of reports; one case per thing is the unique
key of moderation_cases. Posts, threads, ideas and comments gain hidden_* columns (kept, never
deleted), posts and threads held_at for first posts waiting for approval (posts held_at is
indexed: the queue and its badge look for the few held among many). New NOT NULL columns on
existing tables get server defaults so existing rows are filled in.

Revision ID: 0004_moderation
Revises: 0003_ideas
Create Date: 2026-11-25 21:48:43.530137

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004_moderation'
down_revision = '0003_ideas'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('audit_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('target_kind', sa.String(length=30), nullable=False),
    sa.Column('target_id', sa.Integer(), nullable=True),
    sa.Column('summary', sa.String(length=300), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('before', sa.JSON(), nullable=True),
    sa.Column('after', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['members.id'], name=op.f('fk_audit_entries_actor_id_members')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_entries'))
    )
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.create_index('ix_audit_entries_action', ['action', 'id'], unique=False)
        batch_op.create_index('ix_audit_entries_actor', ['actor_id', 'id'], unique=False)
        batch_op.create_index('ix_audit_entries_created', ['created_at'], unique=False)
        batch_op.create_index('ix_audit_entries_target', ['target_kind', 'target_id', 'id'], unique=False)

    op.create_table('moderation_cases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('target_kind', sa.Enum('post', 'thread', 'idea', 'comment', 'member', name='case_kind', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('target_id', sa.Integer(), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=True),
    sa.Column('state', sa.Enum('open', 'dismissed', 'actioned', name='case_state', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('round', sa.Integer(), nullable=False),
    sa.Column('urgent', sa.Boolean(), nullable=False),
    sa.Column('report_count', sa.Integer(), nullable=False),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_report_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('auto_hidden', sa.Boolean(), nullable=False),
    sa.Column('handled_by_id', sa.Integer(), nullable=True),
    sa.Column('handled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('outcome', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['handled_by_id'], ['members.id'], name=op.f('fk_moderation_cases_handled_by_id_members')),
    sa.ForeignKeyConstraint(['region_id'], ['regions.id'], name=op.f('fk_moderation_cases_region_id_regions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_moderation_cases')),
    sa.UniqueConstraint('target_kind', 'target_id', name=op.f('uq_moderation_cases_target_kind_target_id'))
    )
    with op.batch_alter_table('moderation_cases', schema=None) as batch_op:
        batch_op.create_index('ix_moderation_cases_queue', ['state', 'urgent', 'last_report_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_moderation_cases_region_id'), ['region_id'], unique=False)

    op.create_table('moderator_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('sent_by_id', sa.Integer(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('about_kind', sa.String(length=20), nullable=False),
    sa.Column('about_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('read_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_moderator_messages_member_id_members'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['sent_by_id'], ['members.id'], name=op.f('fk_moderator_messages_sent_by_id_members')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_moderator_messages'))
    )
    with op.batch_alter_table('moderator_messages', schema=None) as batch_op:
        batch_op.create_index('ix_moderator_messages_member', ['member_id', 'id'], unique=False)

    op.create_table('moderator_regions',
    sa.Column('moderator_id', sa.Integer(), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['moderator_id'], ['members.id'], name=op.f('fk_moderator_regions_moderator_id_members'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['region_id'], ['regions.id'], name=op.f('fk_moderator_regions_region_id_regions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('moderator_id', 'region_id', name=op.f('pk_moderator_regions'))
    )
    with op.batch_alter_table('moderator_regions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_moderator_regions_region_id'), ['region_id'], unique=False)

    op.create_table('mutes',
    sa.Column('muter_id', sa.Integer(), nullable=False),
    sa.Column('muted_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['muted_id'], ['members.id'], name=op.f('fk_mutes_muted_id_members'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['muter_id'], ['members.id'], name=op.f('fk_mutes_muter_id_members'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('muter_id', 'muted_id', name=op.f('pk_mutes'))
    )
    op.create_table('reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('reporter_id', sa.Integer(), nullable=False),
    sa.Column('target_kind', sa.Enum('post', 'thread', 'idea', 'comment', 'member', name='report_kind', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('target_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Enum('safety', 'unkind', 'personal', 'spam', 'other', name='report_reason', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('state', sa.Enum('open', 'dismissed', 'actioned', name='report_state', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['moderation_cases.id'], name=op.f('fk_reports_case_id_moderation_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reporter_id'], ['members.id'], name=op.f('fk_reports_reporter_id_members')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reports')),
    sa.UniqueConstraint('reporter_id', 'target_kind', 'target_id', name=op.f('uq_reports_reporter_id_target_kind_target_id'))
    )
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.create_index('ix_reports_case', ['case_id', 'state'], unique=False)
        batch_op.create_index('ix_reports_reporter', ['reporter_id', 'created_at'], unique=False)

    with op.batch_alter_table('forums', schema=None) as batch_op:
        batch_op.add_column(sa.Column('hold_first_posts', sa.Boolean(), nullable=False, server_default=sa.false()))

    with op.batch_alter_table('idea_comments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('hidden_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('hidden_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('hidden_reason', sa.String(length=500), nullable=False, server_default=''))
        batch_op.create_foreign_key(batch_op.f('fk_idea_comments_hidden_by_id_members'), 'members', ['hidden_by_id'], ['id'])

    with op.batch_alter_table('ideas', schema=None) as batch_op:
        batch_op.add_column(sa.Column('hidden_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('hidden_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('hidden_reason', sa.String(length=500), nullable=False, server_default=''))
        batch_op.create_foreign_key(batch_op.f('fk_ideas_hidden_by_id_members'), 'members', ['hidden_by_id'], ['id'])

    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.add_column(sa.Column('unread_messages', sa.Integer(), nullable=False, server_default='0'))

    with op.batch_alter_table('posts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('held_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('hidden_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('hidden_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('hidden_reason', sa.String(length=500), nullable=False, server_default=''))
        batch_op.create_index('ix_posts_held', ['held_at'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_posts_hidden_by_id_members'), 'members', ['hidden_by_id'], ['id'])

    with op.batch_alter_table('site_settings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('auto_hide_reports', sa.Integer(), nullable=False, server_default='3'))
        batch_op.add_column(sa.Column('hold_first_posts', sa.Integer(), nullable=False, server_default='0'))

    with op.batch_alter_table('threads', schema=None) as batch_op:
        batch_op.add_column(sa.Column('held_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('held_count', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('hidden_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('hidden_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('hidden_reason', sa.String(length=500), nullable=False, server_default=''))
        batch_op.create_foreign_key(batch_op.f('fk_threads_hidden_by_id_members'), 'members', ['hidden_by_id'], ['id'])



def downgrade():
    with op.batch_alter_table('threads', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_threads_hidden_by_id_members'), type_='foreignkey')
        batch_op.drop_column('hidden_reason')
        batch_op.drop_column('hidden_by_id')
        batch_op.drop_column('hidden_at')
        batch_op.drop_column('held_count')
        batch_op.drop_column('held_at')

    with op.batch_alter_table('site_settings', schema=None) as batch_op:
        batch_op.drop_column('hold_first_posts')
        batch_op.drop_column('auto_hide_reports')

    with op.batch_alter_table('posts', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_posts_hidden_by_id_members'), type_='foreignkey')
        batch_op.drop_index('ix_posts_held')
        batch_op.drop_column('hidden_reason')
        batch_op.drop_column('hidden_by_id')
        batch_op.drop_column('hidden_at')
        batch_op.drop_column('held_at')

    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.drop_column('unread_messages')

    with op.batch_alter_table('ideas', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_ideas_hidden_by_id_members'), type_='foreignkey')
        batch_op.drop_column('hidden_reason')
        batch_op.drop_column('hidden_by_id')
        batch_op.drop_column('hidden_at')

    with op.batch_alter_table('idea_comments', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_idea_comments_hidden_by_id_members'), type_='foreignkey')
        batch_op.drop_column('hidden_reason')
        batch_op.drop_column('hidden_by_id')
        batch_op.drop_column('hidden_at')

    with op.batch_alter_table('forums', schema=None) as batch_op:
        batch_op.drop_column('hold_first_posts')

    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.drop_index('ix_reports_reporter')
        batch_op.drop_index('ix_reports_case')

    op.drop_table('reports')
    op.drop_table('mutes')
    with op.batch_alter_table('moderator_regions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_moderator_regions_region_id'))

    op.drop_table('moderator_regions')
    with op.batch_alter_table('moderator_messages', schema=None) as batch_op:
        batch_op.drop_index('ix_moderator_messages_member')

    op.drop_table('moderator_messages')
    with op.batch_alter_table('moderation_cases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_moderation_cases_region_id'))
        batch_op.drop_index('ix_moderation_cases_queue')

    op.drop_table('moderation_cases')
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_entries_target')
        batch_op.drop_index('ix_audit_entries_created')
        batch_op.drop_index('ix_audit_entries_actor')
        batch_op.drop_index('ix_audit_entries_action')

    op.drop_table('audit_entries')
