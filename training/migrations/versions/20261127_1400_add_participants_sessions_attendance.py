"""Add participants (replacing enrolments, data kept), half-day sessions, attendance, syntheses, surveys.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 12:02:14.181575
"""
from alembic import op
import sqlalchemy as sa
import training.db


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('course_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cohort_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('half', sa.String(length=12), nullable=False),
    sa.Column('starts_at', sa.Time(), nullable=False),
    sa.Column('ends_at', sa.Time(), nullable=False),
    sa.Column('place', sa.String(length=200), nullable=False),
    sa.Column('module_slugs', sa.JSON(), nullable=False),
    sa.Column('cancelled_at', training.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('trainer_signature', sa.JSON(), nullable=True),
    sa.Column('signed_by_id', sa.Integer(), nullable=True),
    sa.Column('signed_at', training.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('self_sign_code_hash', sa.String(length=64), nullable=True),
    sa.Column('self_sign_expires_at', training.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', training.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['cohort_id'], ['cohort.id'], name=op.f('fk_course_session_cohort_id_cohort'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['signed_by_id'], ['user_account.id'], name=op.f('fk_course_session_signed_by_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_course_session'))
    )
    with op.batch_alter_table('course_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_course_session_cohort_id'), ['cohort_id'], unique=False)

    op.create_table('group_synthesis',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cohort_id', sa.Integer(), nullable=False),
    sa.Column('exercise_slug', sa.String(length=120), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('updated_at', training.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['cohort_id'], ['cohort.id'], name=op.f('fk_group_synthesis_cohort_id_cohort'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user_account.id'], name=op.f('fk_group_synthesis_updated_by_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_group_synthesis')),
    sa.UniqueConstraint('cohort_id', 'exercise_slug', name=op.f('uq_group_synthesis_cohort_id'))
    )
    with op.batch_alter_table('group_synthesis', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_group_synthesis_cohort_id'), ['cohort_id'], unique=False)

    op.create_table('participant',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cohort_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('full_name', sa.String(length=160), nullable=False),
    sa.Column('organisation', sa.String(length=160), nullable=False),
    sa.Column('job', sa.String(length=120), nullable=False),
    sa.Column('joined_at', training.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['cohort_id'], ['cohort.id'], name=op.f('fk_participant_cohort_id_cohort'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_participant_user_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_participant')),
    sa.UniqueConstraint('cohort_id', 'user_id', name=op.f('uq_participant_cohort_id'))
    )
    with op.batch_alter_table('participant', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_participant_cohort_id'), ['cohort_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_participant_user_id'), ['user_id'], unique=False)

    op.create_table('survey_response',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('cohort_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('answers', sa.JSON(), nullable=False),
    sa.Column('answered_on', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['cohort_id'], ['cohort.id'], name=op.f('fk_survey_response_cohort_id_cohort'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_response'))
    )
    with op.batch_alter_table('survey_response', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_response_cohort_id'), ['cohort_id'], unique=False)

    op.create_table('attendance_change',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=True),
    sa.Column('changed_by_id', sa.Integer(), nullable=True),
    sa.Column('changed_at', training.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('before', sa.JSON(), nullable=False),
    sa.Column('after', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['changed_by_id'], ['user_account.id'], name=op.f('fk_attendance_change_changed_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], name=op.f('fk_attendance_change_participant_id_participant'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['session_id'], ['course_session.id'], name=op.f('fk_attendance_change_session_id_course_session'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attendance_change'))
    )
    with op.batch_alter_table('attendance_change', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attendance_change_session_id'), ['session_id'], unique=False)

    op.create_table('attendance_mark',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('arrival', sa.Time(), nullable=True),
    sa.Column('signature', sa.JSON(), nullable=True),
    sa.Column('signed_at', training.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('signed_via', sa.String(length=10), nullable=True),
    sa.Column('updated_at', training.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], name=op.f('fk_attendance_mark_participant_id_participant'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['session_id'], ['course_session.id'], name=op.f('fk_attendance_mark_session_id_course_session'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user_account.id'], name=op.f('fk_attendance_mark_updated_by_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attendance_mark')),
    sa.UniqueConstraint('session_id', 'participant_id', name=op.f('uq_attendance_mark_session_id'))
    )
    with op.batch_alter_table('attendance_mark', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attendance_mark_participant_id'), ['participant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_attendance_mark_session_id'), ['session_id'], unique=False)

    op.create_table('survey_receipt',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('answered_on', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], name=op.f('fk_survey_receipt_participant_id_participant'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_receipt')),
    sa.UniqueConstraint('participant_id', 'kind', name=op.f('uq_survey_receipt_participant_id'))
    )
    with op.batch_alter_table('survey_receipt', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_receipt_participant_id'), ['participant_id'], unique=False)

    # Every enrolment becomes a participant with the account's name: nothing is lost.
    op.execute("INSERT INTO participant (cohort_id, user_id, full_name, organisation, job, joined_at) "
               "SELECT e.cohort_id, e.user_id, u.display_name, u.organisation, '', e.joined_at "
               "FROM enrolment e JOIN user_account u ON u.id = e.user_id")
    with op.batch_alter_table('enrolment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_enrolment_cohort_id'))
        batch_op.drop_index(batch_op.f('ix_enrolment_user_id'))

    op.drop_table('enrolment')
    with op.batch_alter_table('cohort', schema=None) as batch_op:
        batch_op.add_column(sa.Column('audience', sa.String(length=20), nullable=False, server_default='professionnels'))
        batch_op.add_column(sa.Column('cold_survey_on', sa.Date(), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('cohort', schema=None) as batch_op:
        batch_op.drop_column('cold_survey_on')
        batch_op.drop_column('audience')

    op.create_table('enrolment',
    sa.Column('id', sa.INTEGER(), nullable=False),
    sa.Column('cohort_id', sa.INTEGER(), nullable=False),
    sa.Column('user_id', sa.INTEGER(), nullable=False),
    sa.Column('joined_at', training.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['cohort_id'], ['cohort.id'], name=op.f('fk_enrolment_cohort_id_cohort'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_enrolment_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_enrolment')),
    sa.UniqueConstraint('cohort_id', 'user_id', name=op.f('uq_enrolment_cohort_id'))
    )
    with op.batch_alter_table('enrolment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_enrolment_user_id'), ['user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_enrolment_cohort_id'), ['cohort_id'], unique=False)

    op.execute("INSERT INTO enrolment (cohort_id, user_id, joined_at) "
               "SELECT cohort_id, user_id, joined_at FROM participant WHERE user_id IS NOT NULL")
    with op.batch_alter_table('survey_receipt', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_receipt_participant_id'))

    op.drop_table('survey_receipt')
    with op.batch_alter_table('attendance_mark', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attendance_mark_session_id'))
        batch_op.drop_index(batch_op.f('ix_attendance_mark_participant_id'))

    op.drop_table('attendance_mark')
    with op.batch_alter_table('attendance_change', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attendance_change_session_id'))

    op.drop_table('attendance_change')
    with op.batch_alter_table('survey_response', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_response_cohort_id'))

    op.drop_table('survey_response')
    with op.batch_alter_table('participant', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_participant_user_id'))
        batch_op.drop_index(batch_op.f('ix_participant_cohort_id'))

    op.drop_table('participant')
    with op.batch_alter_table('group_synthesis', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_group_synthesis_cohort_id'))

    op.drop_table('group_synthesis')
    with op.batch_alter_table('course_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_course_session_cohort_id'))

    op.drop_table('course_session')
