"""Indexes for the dashboard and trainers' cohort lists: anonymous shares by cohort, cohorts by trainer.

Revision ID: 0006
Revises: 0002
Create Date: 2026-12-01 13:00:00
"""
from alembic import op


revision = '0006'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('reflection', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reflection_shared_cohort_id'), ['shared_cohort_id'], unique=False)
    with op.batch_alter_table('cohort_trainer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cohort_trainer_user_id'), ['user_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('cohort_trainer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cohort_trainer_user_id'))
    with op.batch_alter_table('reflection', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reflection_shared_cohort_id'))
