"""What decides how a stream's partner rows become records, as a key for row digests.

A partner row read again maps to the record stored from it only if nothing that maps it changed:
the connector's code and data files, wushe's own (the toolkit, the contract, how personal data is
protected), the partner's configuration (but for where and how rows are fetched:
:func:`~wushe.connector.transport_fields`), the stream, and the secret key identifiers are hashed
with. All of them go into the key of the row digests (``wushe.registry.known_rows``), so any
change makes every row new again for one read: the first night after an upgrade maps everything.
"""

from __future__ import annotations

import hashlib
import sys
from functools import lru_cache
from pathlib import Path
from types import ModuleType

import orjson

import wushe
from wushe import settings
from wushe.config import Partner
from wushe.connector import Connector, Stream, transport_fields
from wushe.registry.sources import CANONICAL_JSON


def mapping_key(partner: Partner, connector: Connector, stream: Stream) -> bytes:
    """A 32-byte key for the digests of ``stream``'s rows of ``partner``."""
    key = hashlib.blake2b(digest_size=32)
    key.update(code_fingerprint(type(connector).__module__))
    config = partner.config.model_dump(mode="json", exclude=set(transport_fields(partner.config)))
    key.update(orjson.dumps({"partner": partner.name, "stream": stream.name, "kind": stream.kind, "config": config},
                            option=CANONICAL_JSON, default=str))
    key.update(hashlib.sha256(settings.secret_key()).digest())
    return key.digest()


@lru_cache(maxsize=None)
def code_fingerprint(module: str) -> bytes:
    """The content of every file of the module's top package (or the module alone) and of wushe."""
    digest = hashlib.blake2b(digest_size=32)
    for root in dict.fromkeys([*_roots(wushe), *_roots(sys.modules[module.split(".")[0]])]):
        files = sorted(p for p in root.rglob("*") if p.is_file()) if root.is_dir() else [root]
        for path in files:
            if "__pycache__" not in path.parts:
                digest.update(path.relative_to(root.parent).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.digest()


def _roots(top: ModuleType) -> list[Path]:
    """A package's folders, or a plain module's file."""
    if hasattr(top, "__path__"):
        return [Path(p) for p in top.__path__]
    return [Path(top.__file__)] if getattr(top, "__file__", None) else []
