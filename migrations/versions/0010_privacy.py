"""privacy rights: a break, erasure (asked for, due, done), retention settings

- ``members.break_until``: a member taking a break (no notifications, a gentle page on
  sign-in) until then.
- ``members.erasure_*``, ``members.erased_at``: an erasure asked for, due after the
  cooling-off (signing in cancels it), whether it removes their posts, and when it was done.
- ``members.health_consent_withdrawn_at``: consent to health data withdrawn (read, not post).
- ``site_settings``: how long rejected applicants' answers and mail files are kept, the
  cooling-off, and whether members leaving may have their posts removed (Admin → Privacy).

Revision ID: 0010_privacy
Revises: 0009_events
"""
from alembic import op
import sqlalchemy as sa


revision = '0010_privacy'
down_revision = '0009_events'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.add_column(sa.Column('break_until', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('erasure_requested_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('erasure_due_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('erasure_removes_posts', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('erased_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('health_consent_withdrawn_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f('ix_members_erasure_due_at'), ['erasure_due_at'], unique=False)

    with op.batch_alter_table('site_settings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('rejected_answers_days', sa.Integer(), nullable=False, server_default='90'))
        batch_op.add_column(sa.Column('mail_files_days', sa.Integer(), nullable=False, server_default='30'))
        batch_op.add_column(sa.Column('erasure_cooling_days', sa.Integer(), nullable=False, server_default='7'))
        batch_op.add_column(sa.Column('erasure_may_remove_posts', sa.Boolean(), nullable=False, server_default=sa.true()))


def downgrade():
    with op.batch_alter_table('site_settings', schema=None) as batch_op:
        batch_op.drop_column('erasure_may_remove_posts')
        batch_op.drop_column('erasure_cooling_days')
        batch_op.drop_column('mail_files_days')
        batch_op.drop_column('rejected_answers_days')

    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_members_erasure_due_at'))
        batch_op.drop_column('health_consent_withdrawn_at')
        batch_op.drop_column('erased_at')
        batch_op.drop_column('erasure_removes_posts')
        batch_op.drop_column('erasure_due_at')
        batch_op.drop_column('erasure_requested_at')
        batch_op.drop_column('break_until')
