"""Resolution: one golden record per real-world entity, with provenance, stable ids and steward control.

The sync calls :func:`resolve_pending` once partners have delivered: it resolves every source
record stored or withdrawn since the last pass. :func:`resolve` takes explicit keys (steward
decisions), :func:`resolve_all` re-resolves everything. See ``resolver.py`` and ``pending.py``.
"""

from wushe.resolution.config import ResolutionConfig
from wushe.resolution.pending import PendingReport, resolve_pending
from wushe.resolution.resolver import ResolveReport, resolve, resolve_all

__all__ = ["PendingReport", "ResolutionConfig", "ResolveReport", "resolve", "resolve_all", "resolve_pending"]
