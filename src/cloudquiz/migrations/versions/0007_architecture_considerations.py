"""architecture.considerations

Considerations by Well-Architected pillar for each architecture, each with the provider page it
comes from. A content column: the seed loader fills it; existing rows start empty
(server_default) until the next seed. (Diagram boundaries live in the existing diagram JSON.)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04 22:30:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('architecture', schema=None) as batch_op:
        batch_op.add_column(sa.Column('considerations', sa.JSON(), nullable=False,
                                      server_default='{}'))


def downgrade():
    with op.batch_alter_table('architecture', schema=None) as batch_op:
        batch_op.drop_column('considerations')
