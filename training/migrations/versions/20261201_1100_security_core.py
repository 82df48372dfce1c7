"""Surveys that stay anonymous: unordered answers released in batches, receipts keyed by participant,
one-time paper coupons.

survey_response and survey_receipt are rebuilt (WITHOUT ROWID on SQLite, so that rows are stored in
key order rather than arrival order; fresh random response ids on both engines); existing answers
are released by whole batches of the default minimum (5) per cohort and survey.

Revision ID: 0004
Revises: 0002
Create Date: 2026-12-01 11:00:00
"""
import random
import uuid
from collections import defaultdict

from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

BATCH = 5  # training.config's SURVEY_MIN_RESPONSES default, frozen here as migrations must be


def _new_response_table(name):
    return op.create_table(name,
        sa.Column('id', sa.String(length=32), nullable=False),
        sa.Column('cohort_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=8), nullable=False),
        sa.Column('answers', sa.JSON(), nullable=False),
        sa.Column('answered_on', sa.Date(), nullable=False),
        sa.Column('released', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(['cohort_id'], ['cohort.id'], name=op.f('fk_survey_response_cohort_id_cohort'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_response')),
        sqlite_with_rowid=False)


def _upgrade_responses(bind):
    old = sa.table('survey_response', sa.column('cohort_id'), sa.column('kind'), sa.column('answers', sa.JSON),
                   sa.column('answered_on', sa.Date))
    rows = [dict(r._mapping) for r in bind.execute(sa.select(old))]
    op.drop_table('survey_response')
    new = _new_response_table('survey_response')
    with op.batch_alter_table('survey_response') as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_response_cohort_id'), ['cohort_id'], unique=False)
    groups = defaultdict(list)
    for r in rows:
        groups[r['cohort_id'], r['kind']].append(r)
    out = []
    for group in groups.values():
        released = len(group) // BATCH * BATCH
        for i, r in enumerate(random.sample(group, len(group))):
            out.append({**r, 'id': uuid.uuid4().hex, 'released': i < released})
    random.shuffle(out)
    if out:
        op.bulk_insert(new, out)


def _upgrade_receipts(bind):
    old = sa.table('survey_receipt', sa.column('participant_id'), sa.column('kind'), sa.column('answered_on', sa.Date))
    rows = [dict(r._mapping) for r in bind.execute(sa.select(old))]
    op.drop_table('survey_receipt')
    new = op.create_table('survey_receipt',
        sa.Column('participant_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=8), nullable=False),
        sa.Column('answered_on', sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(['participant_id'], ['participant.id'],
                                name=op.f('fk_survey_receipt_participant_id_participant'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('participant_id', 'kind', name=op.f('pk_survey_receipt')),
        sqlite_with_rowid=False)
    if rows:
        op.bulk_insert(new, rows)


def upgrade() -> None:
    bind = op.get_bind()
    _upgrade_responses(bind)
    _upgrade_receipts(bind)
    op.create_table('survey_ticket',
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('participant_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=8), nullable=False),
        sa.Column('issued_on', sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(['participant_id'], ['participant.id'],
                                name=op.f('fk_survey_ticket_participant_id_participant'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('token_hash', name=op.f('pk_survey_ticket')),
        sa.UniqueConstraint('participant_id', 'kind', name=op.f('uq_survey_ticket_participant_id')),
        sqlite_with_rowid=False)


def downgrade() -> None:
    op.drop_table('survey_ticket')
    bind = op.get_bind()
    current = sa.table('survey_receipt', sa.column('participant_id'), sa.column('kind'),
                       sa.column('answered_on', sa.Date))
    receipts = [dict(r._mapping) for r in bind.execute(sa.select(current))]
    op.drop_table('survey_receipt')
    old_receipts = op.create_table('survey_receipt',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('participant_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=8), nullable=False),
        sa.Column('answered_on', sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(['participant_id'], ['participant.id'],
                                name=op.f('fk_survey_receipt_participant_id_participant'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_receipt')),
        sa.UniqueConstraint('participant_id', 'kind', name=op.f('uq_survey_receipt_participant_id')))
    with op.batch_alter_table('survey_receipt') as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_receipt_participant_id'), ['participant_id'], unique=False)
    if receipts:
        op.bulk_insert(old_receipts, receipts)
    with op.batch_alter_table('survey_response') as batch_op:
        batch_op.drop_column('released')
