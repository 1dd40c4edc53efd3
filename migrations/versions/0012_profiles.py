"""profiles: bio, pronouns, a region move waiting for approval; earlier versions for members

Existing members get an empty bio and no pronouns; members read only their own posts' earlier
versions until an administrator allows more (Admin → Moderation).

Revision ID: 0012_profiles
Revises: 0011_safety
Create Date: 2026-12-03 13:52:53.803909

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012_profiles'
down_revision = '0011_safety'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.add_column(sa.Column('bio', sa.String(length=500), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('pronouns', sa.String(length=40), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('requested_region_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('region_requested_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_members_requested_region_id_regions'), 'regions', ['requested_region_id'], ['id'])

    with op.batch_alter_table('site_settings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('earlier_versions_public', sa.Boolean(), nullable=False, server_default=sa.false()))



def downgrade():
    with op.batch_alter_table('site_settings', schema=None) as batch_op:
        batch_op.drop_column('earlier_versions_public')

    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_members_requested_region_id_regions'), type_='foreignkey')
        batch_op.drop_column('region_requested_at')
        batch_op.drop_column('requested_region_id')
        batch_op.drop_column('pronouns')
        batch_op.drop_column('bio')

