"""Offline sheet: the items received from devices, each applied once by its device-made id.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 14:00:00
"""
from alembic import op
import sqlalchemy as sa
import training.db


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('attendance_sync_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('session_id', sa.Integer(), nullable=True),
    sa.Column('participant_id', sa.Integer(), nullable=True),
    sa.Column('device_at', training.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('received_at', training.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('outcome', sa.String(length=12), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], name=op.f('fk_attendance_sync_item_participant_id_participant'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['session_id'], ['course_session.id'], name=op.f('fk_attendance_sync_item_session_id_course_session'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_attendance_sync_item_user_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attendance_sync_item')),
    sa.UniqueConstraint('item_id', name=op.f('uq_attendance_sync_item_item_id'))
    )
    with op.batch_alter_table('attendance_sync_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attendance_sync_item_session_id'), ['session_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('attendance_sync_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attendance_sync_item_session_id'))
    op.drop_table('attendance_sync_item')
