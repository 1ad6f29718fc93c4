"""attempt_question.version: exam answers can change until the exam is submitted

Every write of an answer (save, change, clear) bumps the version; the question's form carries
the version it was rendered from and the write is conditional on it, so a stale or replayed
form cannot overwrite a newer answer. Existing rows start at 0 (server_default), so the upgrade
runs on a database with quiz history; batch mode rebuilds the table on SQLite.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-08 10:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('attempt_question', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), nullable=False,
                                      server_default='0'))


def downgrade():
    with op.batch_alter_table('attempt_question', schema=None) as batch_op:
        batch_op.drop_column('version')
