"""watched words, safety alerts, appeals, moderator notes (issue 17)

- ``watched_words``: what administrators watch for, and what happens (block, hold, flag,
  signpost); ``normalized`` is unique.
- ``safety_alerts``: a member wrote a signpost word; the moderators are to be told.
- ``appeals``: one appeal per member per sanction (its audit entry).
- ``moderator_notes``: moderators' notes on a member.
- ``reports.reporter_id`` may be empty: a report from the system (a watched word).
- ``conversations``, ``conversation_members``, ``messages``, ``message_warnings``,
  ``message_settings``: messages between members; a report's and a case's ``target_kind`` may
  now be ``message``.

Revision ID: 0011_safety
Revises: 0010_privacy
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011_safety'
down_revision = '0010_privacy'
branch_labels = None
depends_on = None


OLD_KINDS = ('post', 'thread', 'idea', 'comment', 'member')
NEW_KINDS = (*OLD_KINDS, 'message')
KIND_COLUMNS = (('moderation_cases', 'case_kind'), ('reports', 'report_kind'))


def _kinds(kinds, name):
    return sa.Enum(*kinds, name=name, native_enum=False, create_constraint=True, length=20)


def _change_kinds(old, new):
    """The CHECK constraint of the two ``target_kind`` columns: a new value allowed, or not."""
    for table, name in KIND_COLUMNS:
        if op.get_bind().dialect.name == 'sqlite':  # SQLite cannot alter a constraint: copy
            with op.batch_alter_table(table, recreate='always') as batch_op:
                batch_op.alter_column('target_kind', existing_type=_kinds(old, name),
                                      type_=_kinds(new, name), existing_nullable=False)
        else:
            op.drop_constraint(op.f(f'ck_{table}_{name}'), table, type_='check')
            values = ", ".join(f"'{k}'" for k in new)
            op.create_check_constraint(name, table, f"target_kind IN ({values})")


def upgrade():
    op.create_table('moderator_notes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['members.id'], name=op.f('fk_moderator_notes_author_id_members')),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_moderator_notes_member_id_members'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_moderator_notes'))
    )
    with op.batch_alter_table('moderator_notes', schema=None) as batch_op:
        batch_op.create_index('ix_moderator_notes_member', ['member_id', 'id'], unique=False)

    op.create_table('safety_alerts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('target_kind', sa.String(length=20), nullable=False),
    sa.Column('target_id', sa.Integer(), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=True),
    sa.Column('phrases', sa.String(length=400), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('alerted_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_safety_alerts_member_id_members'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['region_id'], ['regions.id'], name=op.f('fk_safety_alerts_region_id_regions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_safety_alerts'))
    )
    with op.batch_alter_table('safety_alerts', schema=None) as batch_op:
        batch_op.create_index('ix_safety_alerts_waiting', ['alerted_at', 'id'], unique=False)

    op.create_table('watched_words',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('phrase', sa.String(length=200), nullable=False),
    sa.Column('normalized', sa.String(length=400), nullable=False),
    sa.Column('action', sa.Enum('block', 'hold', 'flag', 'signpost', name='watch_action', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['members.id'], name=op.f('fk_watched_words_created_by_id_members')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_watched_words')),
    sa.UniqueConstraint('normalized', name=op.f('uq_watched_words_normalized'))
    )
    op.create_table('appeals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('audit_entry_id', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('acted_by_id', sa.Integer(), nullable=True),
    sa.Column('region_id', sa.Integer(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('state', sa.Enum('open', 'upheld', 'overturned', name='appeal_state', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('response', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['acted_by_id'], ['members.id'], name=op.f('fk_appeals_acted_by_id_members')),
    sa.ForeignKeyConstraint(['audit_entry_id'], ['audit_entries.id'], name=op.f('fk_appeals_audit_entry_id_audit_entries')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['members.id'], name=op.f('fk_appeals_decided_by_id_members')),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_appeals_member_id_members'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['region_id'], ['regions.id'], name=op.f('fk_appeals_region_id_regions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_appeals')),
    sa.UniqueConstraint('member_id', 'audit_entry_id', name=op.f('uq_appeals_member_id_audit_entry_id'))
    )
    with op.batch_alter_table('appeals', schema=None) as batch_op:
        batch_op.create_index('ix_appeals_queue', ['state', 'created_at'], unique=False)

    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.alter_column('reporter_id',
               existing_type=sa.INTEGER(),
               nullable=True)

    op.create_table('conversations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('subject', sa.String(length=150), nullable=False),
    sa.Column('started_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_message_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_message_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['started_by_id'], ['members.id'], name=op.f('fk_conversations_started_by_id_members')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_conversations'))
    )
    op.create_table('message_settings',
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('messages_off', sa.Boolean(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_message_settings_member_id_members'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('member_id', name=op.f('pk_message_settings'))
    )
    op.create_table('conversation_members',
    sa.Column('conversation_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('joined_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('left_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('muted', sa.Boolean(), nullable=False),
    sa.Column('last_read_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['conversation_id'], ['conversations.id'], name=op.f('fk_conversation_members_conversation_id_conversations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_conversation_members_member_id_members'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('conversation_id', 'member_id', name=op.f('pk_conversation_members'))
    )
    with op.batch_alter_table('conversation_members', schema=None) as batch_op:
        batch_op.create_index('ix_conversation_members_member', ['member_id', 'left_at'], unique=False)

    op.create_table('messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('conversation_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('warning_note', sa.String(length=200), nullable=False),
    sa.Column('body_source', sa.Text(), nullable=False),
    sa.Column('body_html', sa.Text(), nullable=False),
    sa.Column('body_rules', sa.Integer(), nullable=False),
    sa.Column('hidden_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('hidden_by_id', sa.Integer(), nullable=True),
    sa.Column('hidden_reason', sa.String(length=500), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['members.id'], name=op.f('fk_messages_author_id_members')),
    sa.ForeignKeyConstraint(['conversation_id'], ['conversations.id'], name=op.f('fk_messages_conversation_id_conversations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['hidden_by_id'], ['members.id'], name=op.f('fk_messages_hidden_by_id_members')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_messages'))
    )
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.create_index('ix_messages_author_created', ['author_id', 'created_at'], unique=False)
        batch_op.create_index('ix_messages_conversation_id', ['conversation_id', 'id'], unique=False)

    op.create_table('message_warnings',
    sa.Column('message_id', sa.Integer(), nullable=False),
    sa.Column('warning_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['message_id'], ['messages.id'], name=op.f('fk_message_warnings_message_id_messages'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['warning_id'], ['content_warnings.id'], name=op.f('fk_message_warnings_warning_id_content_warnings'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('message_id', 'warning_id', name=op.f('pk_message_warnings'))
    )


    _change_kinds(OLD_KINDS, NEW_KINDS)


def downgrade():
    op.execute("DELETE FROM reports WHERE target_kind = 'message'")
    op.execute("DELETE FROM moderation_cases WHERE target_kind = 'message'")
    _change_kinds(NEW_KINDS, OLD_KINDS)
    op.drop_table('message_warnings')
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.drop_index('ix_messages_conversation_id')
        batch_op.drop_index('ix_messages_author_created')

    op.drop_table('messages')
    with op.batch_alter_table('conversation_members', schema=None) as batch_op:
        batch_op.drop_index('ix_conversation_members_member')

    op.drop_table('conversation_members')
    op.drop_table('message_settings')
    op.drop_table('conversations')
    op.execute("DELETE FROM reports WHERE reporter_id IS NULL")  # the system's reports
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.alter_column('reporter_id',
               existing_type=sa.INTEGER(),
               nullable=False)

    with op.batch_alter_table('appeals', schema=None) as batch_op:
        batch_op.drop_index('ix_appeals_queue')

    op.drop_table('appeals')
    op.drop_table('watched_words')
    with op.batch_alter_table('safety_alerts', schema=None) as batch_op:
        batch_op.drop_index('ix_safety_alerts_waiting')

    op.drop_table('safety_alerts')
    with op.batch_alter_table('moderator_notes', schema=None) as batch_op:
        batch_op.drop_index('ix_moderator_notes_member')

    op.drop_table('moderator_notes')
