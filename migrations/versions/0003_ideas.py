"""ideas clinic: ideas, votes, comments, tags, status history, title terms; the vote budget

One vote per member per idea is the primary key of idea_votes. The board's sorts each have an
index: trending (trending_score, and status + trending_score for a status filter), top
(vote_count), newest (created_at), most discussed (comment_count); votes by member serve
"my ideas" and the vote budget. Independent of the forums' tables.

Revision ID: 0003_ideas
Revises: 0002_forums
Create Date: 2026-11-25 20:46:09.083029

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003_ideas'
down_revision = '0002_forums'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('idea_tags',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('slug', sa.String(length=40), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_idea_tags')),
    sa.UniqueConstraint('name', name=op.f('uq_idea_tags_name')),
    sa.UniqueConstraint('slug', name=op.f('uq_idea_tags_slug'))
    )
    op.create_table('ideas',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=120), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.Enum('open', 'under_review', 'planned', 'in_progress', 'done', 'declined', 'merged', name='idea_status', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('vote_count', sa.Integer(), nullable=False),
    sa.Column('comment_count', sa.Integer(), nullable=False),
    sa.Column('trending_score', sa.Double(), nullable=False),
    sa.Column('freshness', sa.Double(), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('merged_into_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('body_source', sa.Text(), nullable=False),
    sa.Column('body_html', sa.Text(), nullable=False),
    sa.Column('body_rules', sa.Integer(), nullable=False),
    sa.CheckConstraint('comment_count >= 0', name=op.f('ck_ideas_comment_count_not_negative')),
    sa.CheckConstraint('vote_count >= 0', name=op.f('ck_ideas_vote_count_not_negative')),
    sa.ForeignKeyConstraint(['author_id'], ['members.id'], name=op.f('fk_ideas_author_id_members')),
    sa.ForeignKeyConstraint(['merged_into_id'], ['ideas.id'], name=op.f('fk_ideas_merged_into_id_ideas')),
    sa.ForeignKeyConstraint(['region_id'], ['regions.id'], name=op.f('fk_ideas_region_id_regions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ideas'))
    )
    with op.batch_alter_table('ideas', schema=None) as batch_op:
        batch_op.create_index('ix_ideas_author', ['author_id', 'created_at'], unique=False)
        batch_op.create_index('ix_ideas_discussed', ['comment_count', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ideas_merged_into_id'), ['merged_into_id'], unique=False)
        batch_op.create_index('ix_ideas_newest', ['created_at', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ideas_region_id'), ['region_id'], unique=False)
        batch_op.create_index('ix_ideas_status_trending', ['status', 'trending_score'], unique=False)
        batch_op.create_index('ix_ideas_top', ['vote_count', 'id'], unique=False)
        batch_op.create_index('ix_ideas_trending', ['trending_score', 'id'], unique=False)

    op.create_table('idea_comments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('idea_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('edited_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('body_source', sa.Text(), nullable=False),
    sa.Column('body_html', sa.Text(), nullable=False),
    sa.Column('body_rules', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['members.id'], name=op.f('fk_idea_comments_author_id_members')),
    sa.ForeignKeyConstraint(['idea_id'], ['ideas.id'], name=op.f('fk_idea_comments_idea_id_ideas'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_idea_comments'))
    )
    with op.batch_alter_table('idea_comments', schema=None) as batch_op:
        batch_op.create_index('ix_idea_comments_author', ['author_id', 'created_at'], unique=False)
        batch_op.create_index('ix_idea_comments_idea', ['idea_id', 'id'], unique=False)

    op.create_table('idea_status_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('idea_id', sa.Integer(), nullable=False),
    sa.Column('changed_by_id', sa.Integer(), nullable=False),
    sa.Column('from_status', sa.Enum('open', 'under_review', 'planned', 'in_progress', 'done', 'declined', 'merged', name='idea_from_status', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('to_status', sa.Enum('open', 'under_review', 'planned', 'in_progress', 'done', 'declined', 'merged', name='idea_to_status', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('body_source', sa.Text(), nullable=False),
    sa.Column('body_html', sa.Text(), nullable=False),
    sa.Column('body_rules', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['changed_by_id'], ['members.id'], name=op.f('fk_idea_status_changes_changed_by_id_members')),
    sa.ForeignKeyConstraint(['idea_id'], ['ideas.id'], name=op.f('fk_idea_status_changes_idea_id_ideas'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_idea_status_changes'))
    )
    with op.batch_alter_table('idea_status_changes', schema=None) as batch_op:
        batch_op.create_index('ix_idea_status_changes_idea', ['idea_id', 'id'], unique=False)

    op.create_table('idea_tag_links',
    sa.Column('idea_id', sa.Integer(), nullable=False),
    sa.Column('tag_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['idea_id'], ['ideas.id'], name=op.f('fk_idea_tag_links_idea_id_ideas'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tag_id'], ['idea_tags.id'], name=op.f('fk_idea_tag_links_tag_id_idea_tags'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('idea_id', 'tag_id', name=op.f('pk_idea_tag_links'))
    )
    with op.batch_alter_table('idea_tag_links', schema=None) as batch_op:
        batch_op.create_index('ix_idea_tag_links_tag', ['tag_id', 'idea_id'], unique=False)

    op.create_table('idea_title_terms',
    sa.Column('term', sa.String(length=20), nullable=False),
    sa.Column('idea_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['idea_id'], ['ideas.id'], name=op.f('fk_idea_title_terms_idea_id_ideas'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('term', 'idea_id', name=op.f('pk_idea_title_terms'))
    )
    with op.batch_alter_table('idea_title_terms', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_idea_title_terms_idea_id'), ['idea_id'], unique=False)

    op.create_table('idea_votes',
    sa.Column('idea_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['idea_id'], ['ideas.id'], name=op.f('fk_idea_votes_idea_id_ideas'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_idea_votes_member_id_members'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('idea_id', 'member_id', name=op.f('pk_idea_votes'))
    )
    with op.batch_alter_table('idea_votes', schema=None) as batch_op:
        batch_op.create_index('ix_idea_votes_member', ['member_id', 'created_at'], unique=False)

    with op.batch_alter_table('site_settings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('idea_vote_budget', sa.Integer(), nullable=True))



def downgrade():
    with op.batch_alter_table('site_settings', schema=None) as batch_op:
        batch_op.drop_column('idea_vote_budget')

    with op.batch_alter_table('idea_votes', schema=None) as batch_op:
        batch_op.drop_index('ix_idea_votes_member')

    op.drop_table('idea_votes')
    with op.batch_alter_table('idea_title_terms', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_idea_title_terms_idea_id'))

    op.drop_table('idea_title_terms')
    with op.batch_alter_table('idea_tag_links', schema=None) as batch_op:
        batch_op.drop_index('ix_idea_tag_links_tag')

    op.drop_table('idea_tag_links')
    with op.batch_alter_table('idea_status_changes', schema=None) as batch_op:
        batch_op.drop_index('ix_idea_status_changes_idea')

    op.drop_table('idea_status_changes')
    with op.batch_alter_table('idea_comments', schema=None) as batch_op:
        batch_op.drop_index('ix_idea_comments_idea')
        batch_op.drop_index('ix_idea_comments_author')

    op.drop_table('idea_comments')
    with op.batch_alter_table('ideas', schema=None) as batch_op:
        batch_op.drop_index('ix_ideas_trending')
        batch_op.drop_index('ix_ideas_top')
        batch_op.drop_index('ix_ideas_status_trending')
        batch_op.drop_index(batch_op.f('ix_ideas_region_id'))
        batch_op.drop_index('ix_ideas_newest')
        batch_op.drop_index(batch_op.f('ix_ideas_merged_into_id'))
        batch_op.drop_index('ix_ideas_discussed')
        batch_op.drop_index('ix_ideas_author')

    op.drop_table('ideas')
    op.drop_table('idea_tags')
