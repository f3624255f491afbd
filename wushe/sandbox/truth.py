"""Ground truth of a generated sandbox: for every partner row, the entity it describes.

Format (one file per partner, ``truth/{partner}.csv``, UTF-8, header row)::

    stream,kind,source_id,entity_id,rule_id,deleted
    t_zyz,volunteer,t_zyz:3152,V0000000,,0
    shops,organization,116800456,O0000158,CN.USCC.CHECKSUM,0

``(partner, kind, source_id)`` is the contract key of the row; ``entity_id`` is the real-world
entity (``O``rganisation, ``R``esource, ``N``eed, ``V``olunteer, ``D``onation + 7 digits), equal
for every row of every partner that describes the same entity; ``rule_id`` is empty for a valid
row and otherwise the one error-tier rule of ``wushe.validation.catalogue`` the row breaks;
``deleted`` is 1 for a tombstone the partner still shows.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from wushe.errors import WusheError

COLUMNS = ("stream", "kind", "source_id", "entity_id", "rule_id", "deleted")


@dataclass(frozen=True)
class TruthRow:
    partner: str
    stream: str
    kind: str
    source_id: str
    entity_id: str
    rule_id: str | None
    deleted: bool

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.partner, self.kind, self.source_id)


def read_truth(folder: str | Path, partner: str | None = None) -> Iterator[TruthRow]:
    """The truth rows of a generated sandbox folder (all partners, or one)."""
    folder = Path(folder) / "truth"
    if not folder.is_dir():
        raise WusheError(f"{folder.parent}: no truth/ folder; is this a folder made by `wushe sandbox generate`?")
    for path in sorted(folder.glob("*.csv")):
        if partner and path.stem != partner:
            continue
        with path.open(encoding="utf-8", newline="") as fh:
            for rec in csv.DictReader(fh):
                yield TruthRow(path.stem, rec["stream"], rec["kind"], rec["source_id"], rec["entity_id"],
                               rec["rule_id"] or None, rec["deleted"] == "1")
