"""provider.common_name and former_name; compare_fact.sources

What running text calls a provider ("Google Cloud", "AWS") next to its short label ("GCP"), and
an official name it no longer uses ("Google Cloud Platform"); and a source per provider for each
provider overview figure (market share, regions). Content columns: the seed loader fills them;
existing rows start empty (server_default) until the next seed.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04 19:45:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('provider', schema=None) as batch_op:
        batch_op.add_column(sa.Column('common_name', sa.String(length=40), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('former_name', sa.String(length=80), nullable=False,
                                      server_default=''))
    with op.batch_alter_table('compare_fact', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sources', sa.JSON(), nullable=False,
                                      server_default='{}'))


def downgrade():
    with op.batch_alter_table('compare_fact', schema=None) as batch_op:
        batch_op.drop_column('sources')
    with op.batch_alter_table('provider', schema=None) as batch_op:
        batch_op.drop_column('former_name')
        batch_op.drop_column('common_name')
