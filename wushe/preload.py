"""What the worker server (:mod:`wushe.workers`) holds before it forks a worker, so that every
worker starts with it: imported there, for these effects only.

- The modules a partner's sync and a resolution plan run, Great Expectations among them (two
  seconds of CPU a process to import).
- The lookup tables they would each build at their first use: the name normaliser's (0.14 s) and
  the taxonomies (0.04 s). A night 2's first resolution plan, the organisations', which the
  syncing process waits for, built them as it went.
"""

import wushe.resolution.resolver  # noqa: F401
import wushe.sync.engine  # noqa: F401
import wushe.sync.processes  # noqa: F401
import wushe.validation.expectations  # noqa: F401
import wushe.validation.stage  # noqa: F401
from wushe.resolution.normalize import build_tables
from wushe.taxonomy import TAXONOMIES, taxonomy

build_tables()
for name in TAXONOMIES:
    taxonomy(name)
