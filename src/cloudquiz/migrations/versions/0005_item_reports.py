"""item_report: learners report a problem with a question

A new table, so the upgrade touches no existing row: a database with quiz history keeps all of
it. Each report holds the item as it was asked (snapshot), the content versions it was
generated from and reported at, and the source record of its facts; one per learner and item.
The downgrade drops the table (and with it the reports).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04 19:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('item_report',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('learner_id', sa.String(length=32), nullable=False),
    sa.Column('attempt_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('card_key', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('reason', sa.String(length=20), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('item', sa.JSON(), nullable=False),
    sa.Column('source', sa.JSON(), nullable=False),
    sa.Column('content_version', sa.String(length=64), nullable=False),
    sa.Column('reported_version', sa.String(length=64), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('resolution', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('resolved_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['attempt_id'], ['attempt.id'], name=op.f('fk_item_report_attempt_id_attempt')),
    sa.ForeignKeyConstraint(['learner_id'], ['learner.id'], name=op.f('fk_item_report_learner_id_learner')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_item_report')),
    sa.UniqueConstraint('learner_id', 'card_key', name=op.f('uq_item_report_learner_id_card_key'))
    )
    with op.batch_alter_table('item_report', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_item_report_attempt_id'), ['attempt_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_item_report_learner_id'), ['learner_id'], unique=False)
        batch_op.create_index('ix_item_report_status_created_at', ['status', 'created_at'], unique=False)


def downgrade():
    with op.batch_alter_table('item_report', schema=None) as batch_op:
        batch_op.drop_index('ix_item_report_status_created_at')
        batch_op.drop_index(batch_op.f('ix_item_report_learner_id'))
        batch_op.drop_index(batch_op.f('ix_item_report_attempt_id'))
    op.drop_table('item_report')
