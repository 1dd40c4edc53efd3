"""sign-ins, audit entries' regions, accessibility statement

- ``sign_ins``: one row per browser a member is signed in on, which both of its cookies name
  (forum/services/sign_ins.py). Cookies made before this migration name no sign-in, so
  everyone signs in once more after it.
- ``audit_entries.region_id``: the region whose moderators may read an entry. Existing entries
  about posts, threads, ideas, comments, members' sanctions, applications and invitations get
  the region their thing is in now (the best the data can say); the network's administration
  (settings, regions, forums, roles, crisis contacts, content warnings, tags) keeps none.
- ``site_settings.accessibility_*``: the accessibility statement, empty until administrators
  write their own (the default is shown meanwhile), and the date it was last checked.

Revision ID: 0006_sign_ins
Revises: 0005_page_indexes
"""
from alembic import op
import sqlalchemy as sa


revision = '0006_sign_ins'
down_revision = '0005_page_indexes'
branch_labels = None
depends_on = None

# The region of each kind of thing an entry can be about (other kinds: none, site-wide).
REGION_OF = {
    "post": "SELECT forums.region_id FROM posts JOIN threads ON threads.id = posts.thread_id "
            "JOIN forums ON forums.id = threads.forum_id WHERE posts.id = audit_entries.target_id",
    "thread": "SELECT forums.region_id FROM threads JOIN forums ON forums.id = threads.forum_id "
              "WHERE threads.id = audit_entries.target_id",
    "idea": "SELECT ideas.region_id FROM ideas WHERE ideas.id = audit_entries.target_id",
    "comment": "SELECT ideas.region_id FROM idea_comments JOIN ideas ON ideas.id = "
               "idea_comments.idea_id WHERE idea_comments.id = audit_entries.target_id",
    "application": "SELECT members.region_id FROM members "
                   "WHERE members.id = audit_entries.target_id",
    "invitation": "SELECT invitations.region_id FROM invitations "
                  "WHERE invitations.id = audit_entries.target_id",
}
# Entries about a member that are moderation of that member (role changes are site-wide).
MEMBER_ACTIONS = ("member.warn", "member.suspend", "member.lift", "member.suspension_ended",
                  "report.dismiss")


def upgrade():
    op.create_table('sign_ins',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('secret_hash', sa.String(length=64), nullable=False),
    sa.Column('member_token', sa.String(length=32), nullable=False),
    sa.Column('remembered', sa.Boolean(), nullable=False),
    sa.Column('device', sa.String(length=80), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_sign_ins_member_id_members'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sign_ins'))
    )
    with op.batch_alter_table('sign_ins', schema=None) as batch_op:
        batch_op.create_index('ix_sign_ins_last_seen', ['last_seen_at'], unique=False)
        batch_op.create_index('ix_sign_ins_member', ['member_id', 'last_seen_at'], unique=False)

    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('region_id', sa.Integer(), nullable=True))
        batch_op.create_index('ix_audit_entries_region', ['region_id', 'id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_audit_entries_region_id_regions'), 'regions', ['region_id'], ['id'])
    for kind, region in REGION_OF.items():
        op.execute(f"UPDATE audit_entries SET region_id = ({region}) WHERE target_kind = '{kind}'")
    actions = ", ".join(f"'{action}'" for action in MEMBER_ACTIONS)
    op.execute(
        "UPDATE audit_entries SET region_id = (SELECT members.region_id FROM members WHERE "
        f"members.id = audit_entries.target_id) WHERE target_kind = 'member' AND action IN ({actions})"
    )

    with op.batch_alter_table('site_settings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('accessibility_source', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('accessibility_html', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('accessibility_checked_on', sa.Date(), nullable=True))


def downgrade():
    with op.batch_alter_table('site_settings', schema=None) as batch_op:
        batch_op.drop_column('accessibility_checked_on')
        batch_op.drop_column('accessibility_html')
        batch_op.drop_column('accessibility_source')

    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_audit_entries_region_id_regions'), type_='foreignkey')
        batch_op.drop_index('ix_audit_entries_region')
        batch_op.drop_column('region_id')

    with op.batch_alter_table('sign_ins', schema=None) as batch_op:
        batch_op.drop_index('ix_sign_ins_member')
        batch_op.drop_index('ix_sign_ins_last_seen')

    op.drop_table('sign_ins')
