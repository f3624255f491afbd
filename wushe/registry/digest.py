"""A digest of what the registry says, independent of when and in which run it was said.

Two registries with the same golden records, cross-references and field provenance have the same
digest whatever their timestamps and run ids: the crash tests compare an interrupted-then-rerun
sync with an uninterrupted one this way, and ops can compare two deployments.
"""

from __future__ import annotations

import hashlib

import orjson
from sqlalchemy import Engine, select

from wushe.registry.models import CrossReference, FieldProvenance, GoldenRecord, SourceRecord

HEAD = SourceRecord.__table__


def registry_digest(engine: Engine) -> str:
    digest = hashlib.sha256()
    with engine.connect() as conn:
        golden = select(GoldenRecord.id, GoldenRecord.kind, GoldenRecord.status, GoldenRecord.data,
                        GoldenRecord.successor_ids).order_by(GoldenRecord.id)
        for row in conn.execute(golden):
            digest.update(orjson.dumps(list(row), option=orjson.OPT_SORT_KEYS))
        xrefs = (select(HEAD.c.partner, HEAD.c.kind, HEAD.c.source_id, CrossReference.golden_id,
                        CrossReference.method, CrossReference.score)
                 .join(HEAD, HEAD.c.id == CrossReference.source_record_id)
                 .order_by(HEAD.c.partner, HEAD.c.kind, HEAD.c.source_id))
        for *key, golden_id, method, score in conn.execute(xrefs):
            digest.update(orjson.dumps([*key, golden_id, method, round(score, 6)]))
        provenance = (select(FieldProvenance.golden_id, FieldProvenance.field, FieldProvenance.value,
                             FieldProvenance.partner, FieldProvenance.source_id, FieldProvenance.rule)
                      .order_by(FieldProvenance.golden_id, FieldProvenance.field))
        for row in conn.execute(provenance):
            digest.update(orjson.dumps(list(row), option=orjson.OPT_SORT_KEYS))
    return digest.hexdigest()
