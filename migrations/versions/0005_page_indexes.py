"""page indexes: each thread's shown posts (thread_id, held_at, id); the board's count

A page of a thread selects its 25 ids from the first index alone, then loads those posts: with
only (thread_id, id), the last page of a thread of 4,500 posts read every earlier row to check
held_at (8 ms against 0.2 ms on SQLite, issue 8's benchmark). The board counts its ideas from
the second (every column its filters use) instead of reading 5,000 ideas (4.3 ms to 0.45 ms).

Revision ID: 0005_page_indexes
Revises: 0004_moderation
"""
from alembic import op


revision = '0005_page_indexes'
down_revision = '0004_moderation'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('posts', schema=None) as batch_op:
        batch_op.create_index('ix_posts_thread_shown', ['thread_id', 'held_at', 'id'], unique=False)
    with op.batch_alter_table('ideas', schema=None) as batch_op:
        batch_op.create_index(
            'ix_ideas_board', ['status', 'region_id', 'hidden_at', 'author_id'], unique=False
        )


def downgrade():
    with op.batch_alter_table('ideas', schema=None) as batch_op:
        batch_op.drop_index('ix_ideas_board')
    with op.batch_alter_table('posts', schema=None) as batch_op:
        batch_op.drop_index('ix_posts_thread_shown')
