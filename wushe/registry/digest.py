"""A digest of what the registry says, independent of when and in which run it was said.

Two registries with the same golden records, cross-references and field provenance have the same
digest whatever their timestamps, run ids and source row ids (provenance is compared by partner and
source id): the crash tests compare an interrupted-then-rerun
sync with an uninterrupted one this way, and ops can compare two deployments.
"""

from __future__ import annotations

import hashlib

import orjson
from sqlalchemy import Engine, select

from wushe.registry.models import CrossReference, GoldenRecord, SourceRecord
from wushe.registry.provenance import field_sources

HEAD = SourceRecord.__table__


def registry_digest(engine: Engine) -> str:
    digest = hashlib.sha256()
    with engine.connect() as conn:
        keys = {rid: (partner, kind, source_id)
                for rid, partner, kind, source_id in conn.execute(select(HEAD.c.id, HEAD.c.partner, HEAD.c.kind,
                                                                         HEAD.c.source_id))}
        golden = select(GoldenRecord.id, GoldenRecord.kind, GoldenRecord.status, GoldenRecord.data,
                        GoldenRecord.successor_ids, GoldenRecord.provenance).order_by(GoldenRecord.id)
        for *row, provenance in conn.execute(golden):
            sourced = [[name, *keys[rid], rule] for name, rid, rule in field_sources(row[3] or {}, provenance)]
            digest.update(orjson.dumps([*row, sourced], option=orjson.OPT_SORT_KEYS))
        xrefs = (select(HEAD.c.partner, HEAD.c.kind, HEAD.c.source_id, CrossReference.golden_id,
                        CrossReference.method, CrossReference.score)
                 .join(HEAD, HEAD.c.id == CrossReference.source_record_id)
                 .order_by(HEAD.c.partner, HEAD.c.kind, HEAD.c.source_id))
        for *key, golden_id, method, score in conn.execute(xrefs):
            digest.update(orjson.dumps([*key, golden_id, method, round(score, 6)]))
    return digest.hexdigest()
