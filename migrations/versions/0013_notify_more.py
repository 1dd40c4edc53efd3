"""notify more: email as members choose it

- ``email_preferences``: never / daily / weekly digest / right away (no row: weekly), and
  when the last digest went.
- ``digest_sends``: one row per (member, period), so a digest job run twice sends one mail.
- ``notifications.mailed_at``: mailed right away already (a retried job mails nothing twice).
- ``outbox_mail.html`` and ``unsubscribe_url``: the HTML alternative and the RFC 8058
  one-click unsubscribe headers.

Revision ID: 0013_notify_more
Revises: 0012_profiles
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013_notify_more'
down_revision = '0012_profiles'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('digest_sends',
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=20), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('items', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_digest_sends_member_id_members'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('member_id', 'period', name=op.f('pk_digest_sends'))
    )
    op.create_table('email_preferences',
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('mode', sa.Enum('never', 'daily', 'weekly', 'instant', name='email_mode', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('digest_sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_email_preferences_member_id_members'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('member_id', name=op.f('pk_email_preferences'))
    )
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('mailed_at', sa.DateTime(timezone=True), nullable=True))

    with op.batch_alter_table('outbox_mail', schema=None) as batch_op:
        batch_op.add_column(sa.Column('html', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('unsubscribe_url', sa.String(length=600), nullable=False, server_default=''))



def downgrade():
    with op.batch_alter_table('outbox_mail', schema=None) as batch_op:
        batch_op.drop_column('unsubscribe_url')
        batch_op.drop_column('html')

    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_column('mailed_at')

    op.drop_table('email_preferences')
    op.drop_table('digest_sends')
