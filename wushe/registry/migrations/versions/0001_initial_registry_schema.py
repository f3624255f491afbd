"""initial registry schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-24 04:38:16.500508
"""

from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('audit_log',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=64), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('action', sa.String(length=32), nullable=False),
    sa.Column('target_kind', sa.String(length=24), nullable=False),
    sa.Column('target_id', sa.String(length=64), nullable=False),
    sa.Column('fields', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True),
    sa.Column('detail', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_log'))
    )
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index('ix_audit_log_target', ['target_kind', 'target_id'], unique=False)

    op.create_table('golden_event',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('golden_id', sa.String(length=40), nullable=False),
    sa.Column('event', sa.String(length=16), nullable=False),
    sa.Column('related_ids', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True),
    sa.Column('detail', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True),
    sa.Column('run_id', sa.String(length=40), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_golden_event'))
    )
    with op.batch_alter_table('golden_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_golden_event_golden_id'), ['golden_id'], unique=False)

    op.create_table('golden_record',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('display_name', sa.String(length=512), nullable=True),
    sa.Column('division_code', sa.String(length=12), nullable=True),
    sa.Column('data', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('content_hash', sa.String(length=32), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('retired_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('successor_ids', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_golden_record'))
    )
    with op.batch_alter_table('golden_record', schema=None) as batch_op:
        batch_op.create_index('ix_golden_record_kind_status', ['kind', 'status'], unique=False)

    op.create_table('override',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('action', sa.String(length=16), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('left_key', sa.String(length=300), nullable=False),
    sa.Column('right_key', sa.String(length=300), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_override'))
    )
    with op.batch_alter_table('override', schema=None) as batch_op:
        batch_op.create_index('ix_override_kind_active', ['kind', 'active'], unique=False)

    op.create_table('review_item',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('left_key', sa.String(length=300), nullable=False),
    sa.Column('right_key', sa.String(length=300), nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('explanation', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('run_id', sa.String(length=40), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decided_by', sa.String(length=64), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_item')),
    sa.UniqueConstraint('kind', 'left_key', 'right_key', name=op.f('uq_review_item_kind_left_key_right_key'))
    )
    with op.batch_alter_table('review_item', schema=None) as batch_op:
        batch_op.create_index('ix_review_item_status', ['status'], unique=False)

    op.create_table('source_record',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('partner', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('source_id', sa.String(length=128), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('content_hash', sa.String(length=32), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('payload', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('source_updated_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('fetched_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('first_seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_run_id', sa.String(length=40), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_source_record')),
    sa.UniqueConstraint('source_id', 'partner', 'kind', name=op.f('uq_source_record_source_id_partner_kind'))
    )
    op.create_table('sync_run',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('trigger', sa.String(length=24), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('flow_run_id', sa.String(length=64), nullable=True),
    sa.Column('summary', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sync_run'))
    )
    op.create_table('cross_reference',
    sa.Column('source_record_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('golden_id', sa.String(length=40), nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('method', sa.String(length=24), nullable=False),
    sa.Column('explanation', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True),
    sa.Column('linked_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('run_id', sa.String(length=40), nullable=True),
    sa.ForeignKeyConstraint(['golden_id'], ['golden_record.id'], name=op.f('fk_cross_reference_golden_id_golden_record')),
    sa.ForeignKeyConstraint(['source_record_id'], ['source_record.id'], name=op.f('fk_cross_reference_source_record_id_source_record')),
    sa.PrimaryKeyConstraint('source_record_id', name=op.f('pk_cross_reference'))
    )
    with op.batch_alter_table('cross_reference', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cross_reference_golden_id'), ['golden_id'], unique=False)

    op.create_table('field_provenance',
    sa.Column('golden_id', sa.String(length=40), nullable=False),
    sa.Column('field', sa.String(length=64), nullable=False),
    sa.Column('value', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True),
    sa.Column('source_record_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('partner', sa.String(length=64), nullable=False),
    sa.Column('source_id', sa.String(length=128), nullable=False),
    sa.Column('fetched_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('source_changed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('verified_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('verified_by', sa.String(length=64), nullable=True),
    sa.Column('rule', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['golden_id'], ['golden_record.id'], name=op.f('fk_field_provenance_golden_id_golden_record')),
    sa.ForeignKeyConstraint(['source_record_id'], ['source_record.id'], name=op.f('fk_field_provenance_source_record_id_source_record')),
    sa.PrimaryKeyConstraint('golden_id', 'field', name=op.f('pk_field_provenance'))
    )
    op.create_table('quarantine_item',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('run_id', sa.String(length=40), nullable=True),
    sa.Column('partner', sa.String(length=64), nullable=False),
    sa.Column('stream', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=True),
    sa.Column('source_id', sa.String(length=128), nullable=True),
    sa.Column('rule_ids', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('problems', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('payload', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('resolved_by', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['run_id'], ['sync_run.id'], name=op.f('fk_quarantine_item_run_id_sync_run')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quarantine_item'))
    )
    with op.batch_alter_table('quarantine_item', schema=None) as batch_op:
        batch_op.create_index('ix_quarantine_item_partner_status', ['partner', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_quarantine_item_run_id'), ['run_id'], unique=False)

    op.create_table('source_version',
    sa.Column('source_record_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('content_hash', sa.String(length=32), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('payload', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('source_updated_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('fetched_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('superseded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('run_id', sa.String(length=40), nullable=True),
    sa.ForeignKeyConstraint(['source_record_id'], ['source_record.id'], name=op.f('fk_source_version_source_record_id_source_record')),
    sa.PrimaryKeyConstraint('source_record_id', 'version', name=op.f('pk_source_version'))
    )
    op.create_table('stream_run',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('run_id', sa.String(length=40), nullable=False),
    sa.Column('partner', sa.String(length=64), nullable=False),
    sa.Column('stream', sa.String(length=64), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('fetched', sa.Integer(), nullable=False),
    sa.Column('valid', sa.Integer(), nullable=False),
    sa.Column('quarantined', sa.Integer(), nullable=False),
    sa.Column('new', sa.Integer(), nullable=False),
    sa.Column('updated', sa.Integer(), nullable=False),
    sa.Column('unchanged', sa.Integer(), nullable=False),
    sa.Column('merged', sa.Integer(), nullable=False),
    sa.Column('withdrawn', sa.Integer(), nullable=False),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('gate', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True),
    sa.ForeignKeyConstraint(['run_id'], ['sync_run.id'], name=op.f('fk_stream_run_run_id_sync_run')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stream_run'))
    )
    with op.batch_alter_table('stream_run', schema=None) as batch_op:
        batch_op.create_index('ix_stream_run_partner_stream', ['partner', 'stream', 'started_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_stream_run_run_id'), ['run_id'], unique=False)

    op.create_table('stream_state',
    sa.Column('partner', sa.String(length=64), nullable=False),
    sa.Column('stream', sa.String(length=64), nullable=False),
    sa.Column('state', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('run_id', sa.String(length=40), nullable=True),
    sa.ForeignKeyConstraint(['run_id'], ['sync_run.id'], name=op.f('fk_stream_state_run_id_sync_run')),
    sa.PrimaryKeyConstraint('partner', 'stream', name=op.f('pk_stream_state'))
    )
    op.create_table('validation_result',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('run_id', sa.String(length=40), nullable=True),
    sa.Column('partner', sa.String(length=64), nullable=False),
    sa.Column('stream', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('rule_id', sa.String(length=64), nullable=False),
    sa.Column('tier', sa.String(length=8), nullable=False),
    sa.Column('checked', sa.Integer(), nullable=False),
    sa.Column('failed', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['run_id'], ['sync_run.id'], name=op.f('fk_validation_result_run_id_sync_run')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_validation_result'))
    )
    with op.batch_alter_table('validation_result', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_validation_result_run_id'), ['run_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('validation_result', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_validation_result_run_id'))

    op.drop_table('validation_result')
    op.drop_table('stream_state')
    with op.batch_alter_table('stream_run', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stream_run_run_id'))
        batch_op.drop_index('ix_stream_run_partner_stream')

    op.drop_table('stream_run')
    op.drop_table('source_version')
    with op.batch_alter_table('quarantine_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quarantine_item_run_id'))
        batch_op.drop_index('ix_quarantine_item_partner_status')

    op.drop_table('quarantine_item')
    op.drop_table('field_provenance')
    with op.batch_alter_table('cross_reference', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cross_reference_golden_id'))

    op.drop_table('cross_reference')
    op.drop_table('sync_run')
    op.drop_table('source_record')
    with op.batch_alter_table('review_item', schema=None) as batch_op:
        batch_op.drop_index('ix_review_item_status')

    op.drop_table('review_item')
    with op.batch_alter_table('override', schema=None) as batch_op:
        batch_op.drop_index('ix_override_kind_active')

    op.drop_table('override')
    with op.batch_alter_table('golden_record', schema=None) as batch_op:
        batch_op.drop_index('ix_golden_record_kind_status')

    op.drop_table('golden_record')
    with op.batch_alter_table('golden_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_golden_event_golden_id'))

    op.drop_table('golden_event')
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_log_target')

    op.drop_table('audit_log')
