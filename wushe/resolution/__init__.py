"""Resolution: one golden record per real-world entity, with provenance, stable ids and steward control.

Call :func:`resolve` with the keys a batch write touched (``WriteResult.touched``) inside the
batch's transaction, and :func:`resolve_all` for the cross-partner pass. See ``resolver.py``.
"""

from wushe.resolution.config import ResolutionConfig
from wushe.resolution.resolver import ResolveReport, resolve, resolve_all

__all__ = ["ResolutionConfig", "ResolveReport", "resolve", "resolve_all"]
