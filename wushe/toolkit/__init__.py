"""The connector toolkit: the parts every connector needs, written once and tested hard.

- :mod:`wushe.toolkit.http` — a JSON-over-HTTP client with timeouts, retries, rate-limit handling
  and errors that name partner, stream and URL (:mod:`~wushe.toolkit.auth` and
  :mod:`~wushe.toolkit.pagination` plug into it);
- :mod:`wushe.toolkit.files` — drop folders and text encodings; :mod:`wushe.toolkit.tabular` —
  CSV and XLSX rows with header detection, streamed;
- :mod:`wushe.toolkit.sql` — any SQLAlchemy database, streamed, with watermark queries;
- :mod:`wushe.toolkit.incremental` — the cursor + tie-breaker state that makes incremental reads
  lose and double nothing;
- :mod:`wushe.toolkit.mapping` — partner columns to contract fields, with simple transforms;
- :mod:`wushe.toolkit.reading` — turns mapped rows into :class:`~wushe.connector.Batch` objects;
- :mod:`wushe.toolkit.dates` (partners' times, in their zone), :mod:`wushe.toolkit.prefetch`
  (fetch the next page while mapping this one), :mod:`wushe.toolkit.redaction` (credentials out
  of every message, repr and log line).

Everything streams: rows flow through generators and leave in batches, so memory stays flat.
"""
