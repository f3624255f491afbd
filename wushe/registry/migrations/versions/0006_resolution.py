"""resolution: blocking index, match model, golden links

Revision ID: 0006_resolution
Revises: 0005_validation
Create Date: 2026-11-24 04:31:44.433793
"""

from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = '0006_resolution'
down_revision = '0005_validation'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('match_model',
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('params', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('trained_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('run_id', sa.String(length=40), nullable=True),
    sa.PrimaryKeyConstraint('kind', name=op.f('pk_match_model'))
    )
    op.create_table('golden_link',
    sa.Column('source_record_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('golden_id', sa.String(length=40), nullable=False),
    sa.Column('target_id', sa.String(length=40), nullable=True),
    sa.Column('method', sa.String(length=16), nullable=False),
    sa.Column('ref', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True),
    sa.ForeignKeyConstraint(['source_record_id'], ['source_record.id'], name=op.f('fk_golden_link_source_record_id_source_record')),
    sa.PrimaryKeyConstraint('source_record_id', 'role', name=op.f('pk_golden_link'))
    )
    with op.batch_alter_table('golden_link', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_golden_link_golden_id'), ['golden_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_golden_link_target_id'), ['target_id'], unique=False)

    op.create_table('match_block',
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('part', sa.Integer(), nullable=False),
    sa.Column('keys', sa.LargeBinary(), nullable=False),
    sa.Column('rids', sa.LargeBinary(), nullable=False),
    sa.PrimaryKeyConstraint('kind', 'part', name=op.f('pk_match_block'))
    )


def downgrade() -> None:
    op.drop_table('match_block')
    with op.batch_alter_table('golden_link', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_golden_link_target_id'))
        batch_op.drop_index(batch_op.f('ix_golden_link_golden_id'))

    op.drop_table('golden_link')
    op.drop_table('match_model')
