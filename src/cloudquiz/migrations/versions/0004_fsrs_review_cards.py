"""review_card: FSRS cards instead of Leitner boxes

Each card gets the state the ``fsrs`` scheduler keeps (learning / review / relearning, the
learning step, memory stability in days, difficulty 1-10, the due time, the last review, and
counts of reviews and lapses); ``box`` and ``due_on`` go.

The data migration turns each Leitner box into the FSRS card that schedules it the same way. At
the desired retention of 0.9, FSRS reviews a card when its stability has passed, so a box's
interval is its stability: box 1 (a mistake, due on ``due_on``) becomes a learning card at step
0 with the stability and difficulty FSRS gives a first *Again* (0.212 days, 6.4133); boxes 2
and 3 (due again after 1 and 2 days) become review cards of stability 1 and 2 days, due on the
same day as before; a learned card (box 4, which Leitner had retired) becomes a review card of
stability 4 days, due 4 days after it was last seen — it comes back instead of being forgotten.
Every card keeps the *Again* difficulty: each one began as a mistake. Those constants are
written here rather than read from the package, so this migration always does what it did.
The downgrade maps back: learning and relearning cards to box 1, review cards to box 2, 3 or 4
by stability; ``due_on`` is the due time's day.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03 07:00:00.000000

"""
import datetime as dt

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

LEARNING, REVIEW, RELEARNING = 1, 2, 3
AGAIN_STABILITY, AGAIN_DIFFICULTY = 0.212, 6.4133  # fsrs 6 defaults for a first Again
BOX_STABILITY = {2: 1.0, 3: 2.0, 4: 4.0}  # the Leitner interval of each box, in days
LEARNED_BOX = 4


def _card(box: int, due_on: dt.date, last_seen: dt.datetime) -> dict:
    midnight = dt.datetime.combine(due_on, dt.time())
    if box <= 1:
        return {"state": LEARNING, "step": 0, "stability": AGAIN_STABILITY,
                "difficulty": AGAIN_DIFFICULTY, "due_at": midnight, "last_review": last_seen,
                "reps": 1, "lapses": 0}
    box = min(box, LEARNED_BOX)
    stability = BOX_STABILITY[box]
    due = midnight if box < LEARNED_BOX else last_seen + dt.timedelta(days=stability)
    return {"state": REVIEW, "step": None, "stability": stability,
            "difficulty": AGAIN_DIFFICULTY, "due_at": due, "last_review": last_seen,
            "reps": box, "lapses": 0}


def _as_datetime(value):
    if isinstance(value, str):  # SQLite hands back text for a raw select
        return dt.datetime.fromisoformat(value)
    return value


def _as_date(value):
    if isinstance(value, str):
        return dt.date.fromisoformat(value[:10])
    return value


def upgrade():
    with op.batch_alter_table('review_card', schema=None) as batch_op:
        batch_op.add_column(sa.Column('state', sa.Integer(), nullable=False,
                                      server_default=str(LEARNING)))
        batch_op.add_column(sa.Column('step', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('stability', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('difficulty', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('due_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('last_review', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('reps', sa.Integer(), nullable=False,
                                      server_default='0'))
        batch_op.add_column(sa.Column('lapses', sa.Integer(), nullable=False,
                                      server_default='0'))

    conn = op.get_bind()
    card = sa.table('review_card', sa.column('id', sa.Integer), sa.column('box', sa.Integer),
                    sa.column('due_on', sa.Date), sa.column('last_seen', sa.DateTime),
                    sa.column('state', sa.Integer), sa.column('step', sa.Integer),
                    sa.column('stability', sa.Float), sa.column('difficulty', sa.Float),
                    sa.column('due_at', sa.DateTime), sa.column('last_review', sa.DateTime),
                    sa.column('reps', sa.Integer), sa.column('lapses', sa.Integer))
    rows = conn.execute(sa.select(card.c.id, card.c.box, card.c.due_on,
                                  card.c.last_seen)).all()
    for row in rows:
        values = _card(int(row.box), _as_date(row.due_on), _as_datetime(row.last_seen))
        conn.execute(card.update().where(card.c.id == row.id).values(**values))

    with op.batch_alter_table('review_card', schema=None) as batch_op:
        batch_op.alter_column('due_at', existing_type=sa.DateTime(), nullable=False)
        batch_op.drop_column('box')
        batch_op.drop_column('due_on')
        batch_op.create_index(batch_op.f('ix_review_card_learner_id_due_at'),
                              ['learner_id', 'due_at'], unique=False)


def downgrade():
    with op.batch_alter_table('review_card', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_card_learner_id_due_at'))
        batch_op.add_column(sa.Column('box', sa.Integer(), nullable=False, server_default='1'))
        batch_op.add_column(sa.Column('due_on', sa.Date(), nullable=True))

    conn = op.get_bind()
    card = sa.table('review_card', sa.column('id', sa.Integer), sa.column('box', sa.Integer),
                    sa.column('due_on', sa.Date), sa.column('state', sa.Integer),
                    sa.column('stability', sa.Float), sa.column('due_at', sa.DateTime))
    for row in conn.execute(sa.select(card.c.id, card.c.state, card.c.stability,
                                      card.c.due_at)).all():
        if int(row.state) != REVIEW or row.stability is None:
            box = 1
        else:
            box = 2 if row.stability < 1.5 else 3 if row.stability < 3 else LEARNED_BOX
        conn.execute(card.update().where(card.c.id == row.id).values(
            box=box, due_on=_as_datetime(row.due_at).date()))

    with op.batch_alter_table('review_card', schema=None) as batch_op:
        batch_op.alter_column('due_on', existing_type=sa.Date(), nullable=False)
        batch_op.drop_column('lapses')
        batch_op.drop_column('reps')
        batch_op.drop_column('last_review')
        batch_op.drop_column('due_at')
        batch_op.drop_column('difficulty')
        batch_op.drop_column('stability')
        batch_op.drop_column('step')
        batch_op.drop_column('state')
