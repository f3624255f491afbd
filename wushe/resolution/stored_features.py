"""Match features kept per source record, so that a delta scores its candidates from them instead of
decoding and parsing their payloads again (an organisation's name takes tens of microseconds to
parse, its stored features a few to read back).

Every row carries the fingerprint of the code, reference data and libraries that computed it
(:func:`fingerprint`): after an upgrade that changes how features are computed, the stored rows no
longer match and the features are computed again from the payloads, so a delta always compares
what a full pass would.
"""

from __future__ import annotations

import hashlib
from functools import cache
from importlib.metadata import version
from importlib.resources import files
from pathlib import Path
from typing import Sequence

import numpy as np
import orjson
import pandas as pd
from sqlalchemy import Connection, delete, select

from wushe.registry.bulk import insert_rows
from wushe.registry.models import MatchFeature
from wushe.registry.sets import one_of
from wushe.resolution import features, identifiers, normalize, phones, phonetic, vocabulary
from wushe.resolution.records import SourceFrame
from wushe.validation import identifiers as validation_identifiers

TABLE = MatchFeature.__table__
# the kinds matched by fuzzy comparison, whose candidates are many: the others block on exact
# fingerprints and a delta finds few candidates for them
KINDS = frozenset({"organization", "volunteer"})


@cache
def fingerprint() -> str:
    """What the features depend on: the modules computing them, their reference data (vocabulary,
    divisions) and the versions of the libraries they use (opencc, pypinyin)."""
    digest = hashlib.blake2b(digest_size=8)
    for module in (features, normalize, phonetic, phones, identifiers, vocabulary, validation_identifiers):
        digest.update(Path(module.__file__).read_bytes())
    digest.update(files("wushe.resolution").joinpath("data", "vocabulary.yaml").read_bytes())
    digest.update(files("wushe.taxonomy").joinpath("data", "divisions.csv").read_bytes())
    digest.update(f"{version('opencc')}|{version('pypinyin')}".encode())
    return digest.hexdigest()


@cache
def _columns(kind: str) -> tuple[str, ...]:
    empty = SourceFrame(kind, pd.DataFrame({"partner": pd.Series([], dtype=object)}), [])
    return tuple(features.FEATURES[kind](empty).columns)


def encode(feats: pd.DataFrame) -> list[bytes]:
    """Each row of a feature frame as JSON (its values in column order; a tuple as an array)."""
    dumps = orjson.dumps
    return [dumps(row) for row in zip(*(feats[c].tolist() for c in feats.columns))]


def decode(kind: str, blobs: Sequence[bytes]) -> pd.DataFrame:
    """The feature frame of encoded rows, as :func:`wushe.resolution.features.features` gives it."""
    columns = _columns(kind)
    rows = [orjson.loads(b) for b in blobs]
    frame = pd.DataFrame(rows, columns=list(columns)) if rows else pd.DataFrame({c: [] for c in columns}, dtype=object)
    for n, name in enumerate(columns):  # arrays were tuples (a record's phones)
        if rows and isinstance(rows[0][n], list):
            frame[name] = [tuple(v) for v in frame[name].tolist()]
    return frame


def read(conn: Connection, kind: str, rids: Sequence[int]) -> tuple[np.ndarray, pd.DataFrame]:
    """The records among ``rids`` with features stored by this version, and those features."""
    current = fingerprint()
    found: list[int] = []
    blobs: list[bytes] = []
    if kind in KINDS and len(rids):
        query = select(TABLE.c.source_record_id, TABLE.c.data).where(
            one_of(conn, TABLE.c.source_record_id, sorted({int(r) for r in rids})), TABLE.c.fingerprint == current)
        for rid, data in conn.execute(query):
            found.append(rid)
            blobs.append(data)
    return np.asarray(found, dtype=np.int64), decode(kind, blobs)


def encoded(kind: str, rids: np.ndarray, feats: pd.DataFrame) -> tuple[list[int], list[bytes]]:
    """What :func:`write` stores of these records' features: nothing for a kind not kept."""
    if kind not in KINDS:
        return [], []
    return rids.tolist(), encode(feats)


def write(conn: Connection, kind: str, rids: Sequence[int], blobs: Sequence[bytes], gone: Sequence[int], *,
          replace: bool = True) -> None:
    """Store these records' encoded features in place of any stored before (``replace=False``: the
    caller knows there are none), and forget those of the ``gone`` (withdrawn) records."""
    if kind not in KINDS:
        return
    stale = sorted(set(rids) | set(gone))
    if stale and replace:
        conn.execute(delete(TABLE).where(one_of(conn, TABLE.c.source_record_id, stale)))
    current = fingerprint()
    order = np.argsort(np.asarray(rids, dtype=np.int64), kind="stable").tolist()  # appended in key order
    insert_rows(conn, TABLE, ("source_record_id", "fingerprint", "data"), ((rids[i], current, blobs[i]) for i in order))
