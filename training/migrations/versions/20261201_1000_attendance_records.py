"""Attendance records that hold up in an audit: sheet states, signature fingerprints and SVGs, row
versions, hash-chained history, self-signing secrets and throttling, issued documents, training body.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 10:00:00
"""
import hashlib
import json
from datetime import timezone

import sqlalchemy as sa
from alembic import op

import training.db

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

GENESIS = "0" * 64


def _svg(strokes, label):
    lines = "".join('<polyline points="' + " ".join(f"{x * 300:.1f},{y * 100:.1f}" for x, y in stroke) + '"/>'
                    for stroke in strokes)
    return (f'<svg class="signature-thumb" viewBox="0 0 300 100" role="img" aria-label="{label}" '
            f'preserveAspectRatio="none">{lines}</svg>')


def _sha(strokes):
    return hashlib.sha256(json.dumps(strokes, separators=(",", ":"), ensure_ascii=False).encode()).hexdigest()


def upgrade() -> None:
    with op.batch_alter_table('course_session', schema=None) as b:
        b.add_column(sa.Column('state', sa.String(length=10), nullable=False, server_default='open'))
        b.add_column(sa.Column('cancel_reason', sa.Text(), nullable=False, server_default=''))
        b.add_column(sa.Column('trainer_signature_svg', sa.Text(), nullable=False, server_default=''))
        b.add_column(sa.Column('trainer_signature_sha', sa.String(length=64), nullable=False, server_default=''))
        b.add_column(sa.Column('trainer_signature_regularised', sa.Boolean(), nullable=False,
                               server_default=sa.false()))
        b.add_column(sa.Column('self_sign_secret', sa.String(length=64), nullable=True))
        b.add_column(sa.Column('self_sign_until', training.db.UTCDateTime(timezone=True), nullable=True))
        b.drop_column('self_sign_code_hash')
        b.drop_column('self_sign_expires_at')
    with op.batch_alter_table('attendance_mark', schema=None) as b:
        b.add_column(sa.Column('status_by_trainer', sa.Boolean(), nullable=False, server_default=sa.true()))
        b.add_column(sa.Column('signature_kind', sa.String(length=8), nullable=False, server_default=''))
        b.add_column(sa.Column('signature_typed', sa.String(length=160), nullable=False, server_default=''))
        b.add_column(sa.Column('signature_svg', sa.Text(), nullable=False, server_default=''))
        b.add_column(sa.Column('signature_sha', sa.String(length=64), nullable=False, server_default=''))
        b.add_column(sa.Column('has_signature', sa.Boolean(), nullable=False, server_default=sa.false()))
        b.add_column(sa.Column('regularised', sa.Boolean(), nullable=False, server_default=sa.false()))
        b.add_column(sa.Column('device_at', training.db.UTCDateTime(timezone=True), nullable=True))
        b.add_column(sa.Column('version', sa.Integer(), nullable=False, server_default='1'))
    with op.batch_alter_table('attendance_change', schema=None) as b:
        b.add_column(sa.Column('kind', sa.String(length=20), nullable=False, server_default='correction'))
        b.add_column(sa.Column('prev_hash', sa.String(length=64), nullable=False, server_default=''))
        b.add_column(sa.Column('row_hash', sa.String(length=64), nullable=False, server_default=''))
    op.create_table('self_sign_failure',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('session_id', sa.Integer(), nullable=False),
        sa.Column('address', sa.String(length=64), nullable=False),
        sa.Column('at', training.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_self_sign_failure')))
    with op.batch_alter_table('self_sign_failure', schema=None) as b:
        b.create_index(b.f('ix_self_sign_failure_session_id'), ['session_id'], unique=False)
        b.create_index(b.f('ix_self_sign_failure_at'), ['at'], unique=False)
    op.create_table('issued_document',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=16), nullable=False),
        sa.Column('fingerprint', sa.String(length=64), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('cohort_id', sa.Integer(), nullable=True),
        sa.Column('body_name', sa.String(length=200), nullable=False),
        sa.Column('cohort_title', sa.String(length=300), nullable=False),
        sa.Column('dates', sa.Text(), nullable=False),
        sa.Column('participants', sa.Integer(), nullable=False),
        sa.Column('signatures', sa.Integer(), nullable=False),
        sa.Column('issued_on', sa.Date(), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('created_at', training.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['cohort_id'], ['cohort.id'], name=op.f('fk_issued_document_cohort_id_cohort'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_issued_document')),
        sa.UniqueConstraint('code', name=op.f('uq_issued_document_code')))
    with op.batch_alter_table('issued_document', schema=None) as b:
        b.create_index(b.f('ix_issued_document_cohort_id'), ['cohort_id'], unique=False)
        b.create_index(b.f('ix_issued_document_fingerprint'), ['fingerprint'], unique=False)
    op.create_table('training_body',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('address', sa.Text(), nullable=False),
        sa.Column('city', sa.String(length=120), nullable=False),
        sa.Column('siret', sa.String(length=14), nullable=False),
        sa.Column('nda', sa.String(length=11), nullable=False),
        sa.Column('signatory_name', sa.String(length=160), nullable=False),
        sa.Column('signatory_title', sa.String(length=160), nullable=False),
        sa.Column('logo', sa.LargeBinary(), nullable=True),
        sa.Column('logo_mime', sa.String(length=20), nullable=False),
        sa.Column('stamp', sa.LargeBinary(), nullable=True),
        sa.Column('stamp_mime', sa.String(length=20), nullable=False),
        sa.Column('changed_by_id', sa.Integer(), nullable=True),
        sa.Column('changed_at', training.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['changed_by_id'], ['user_account.id'],
                                name=op.f('fk_training_body_changed_by_id_user_account'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_training_body')))
    _backfill()


def _backfill() -> None:
    """Existing signatures get their SVG and fingerprint; signed sheets their state; the history its chain."""
    conn = op.get_bind()
    sess = sa.table('course_session', sa.column('id'), sa.column('signed_at'), sa.column('state'),
                    sa.column('trainer_signature', sa.JSON()), sa.column('trainer_signature_svg'),
                    sa.column('trainer_signature_sha'))
    for row in conn.execute(sa.select(sess.c.id, sess.c.trainer_signature).where(sess.c.signed_at.is_not(None))):
        values = {"state": "signed"}
        if row.trainer_signature:
            values.update(trainer_signature_svg=_svg(row.trainer_signature, "Signature du formateur"),
                          trainer_signature_sha=_sha(row.trainer_signature))
        conn.execute(sess.update().where(sess.c.id == row.id).values(**values))
    mark = sa.table('attendance_mark', sa.column('id'), sa.column('signature', sa.JSON()), sa.column('signed_via'),
                    sa.column('status_by_trainer'), sa.column('signature_kind'), sa.column('signature_svg'),
                    sa.column('signature_sha'), sa.column('has_signature'))
    for row in conn.execute(sa.select(mark.c.id, mark.c.signature, mark.c.signed_via)):
        values = {"status_by_trainer": row.signed_via != "self"}
        if row.signature:
            values.update(signature_kind="drawn", signature_svg=_svg(row.signature, "Signature"),
                          signature_sha=_sha(row.signature), has_signature=True)
        conn.execute(mark.update().where(mark.c.id == row.id).values(**values))
    _chain(conn)


def _chain(conn) -> None:
    change = sa.table('attendance_change', sa.column('id'), sa.column('session_id'), sa.column('participant_id'),
                      sa.column('changed_by_id'), sa.column('changed_at', training.db.UTCDateTime(timezone=True)),
                      sa.column('kind'), sa.column('reason'), sa.column('before', sa.JSON()),
                      sa.column('after', sa.JSON()), sa.column('prev_hash'), sa.column('row_hash'))
    prev = GENESIS
    for row in conn.execute(sa.select(change).order_by(change.c.id)).fetchall():
        payload = json.dumps({
            "session": row.session_id, "participant": row.participant_id, "by": row.changed_by_id,
            "at": row.changed_at.astimezone(timezone.utc).isoformat(timespec="microseconds"), "kind": row.kind,
            "reason": row.reason, "before": row.before, "after": row.after, "prev": prev,
        }, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
        digest = hashlib.sha256(payload.encode()).hexdigest()
        conn.execute(change.update().where(change.c.id == row.id).values(prev_hash=prev, row_hash=digest))
        prev = digest


def downgrade() -> None:
    op.drop_table('training_body')
    with op.batch_alter_table('issued_document', schema=None) as b:
        b.drop_index(b.f('ix_issued_document_fingerprint'))
        b.drop_index(b.f('ix_issued_document_cohort_id'))
    op.drop_table('issued_document')
    with op.batch_alter_table('self_sign_failure', schema=None) as b:
        b.drop_index(b.f('ix_self_sign_failure_at'))
        b.drop_index(b.f('ix_self_sign_failure_session_id'))
    op.drop_table('self_sign_failure')
    with op.batch_alter_table('attendance_change', schema=None) as b:
        for name in ('row_hash', 'prev_hash', 'kind'):
            b.drop_column(name)
    with op.batch_alter_table('attendance_mark', schema=None) as b:
        for name in ('version', 'device_at', 'regularised', 'has_signature', 'signature_sha', 'signature_svg',
                     'signature_typed', 'signature_kind', 'status_by_trainer'):
            b.drop_column(name)
    with op.batch_alter_table('course_session', schema=None) as b:
        b.add_column(sa.Column('self_sign_expires_at', training.db.UTCDateTime(timezone=True), nullable=True))
        b.add_column(sa.Column('self_sign_code_hash', sa.String(length=64), nullable=True))
        for name in ('self_sign_until', 'self_sign_secret', 'trainer_signature_regularised', 'trainer_signature_sha',
                     'trainer_signature_svg', 'cancel_reason', 'state'):
            b.drop_column(name)
