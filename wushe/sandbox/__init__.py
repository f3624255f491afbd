"""The sandbox: a synthetic city whose four partners serve noisy data over real transports.

Public API (stable; other parts of wushe, the tests and the benchmarks build on it):

- ``observations(seed, entities, partner, night=0, *, invalid_share=0.02) -> Iterator[Record]``:
  the partner's view of the world as contract records (``wushe.contract.make_record`` dicts),
  exactly what a perfect connector makes of that partner's export, invalid rows and tombstones
  included.
- ``labelled(seed, entities, partner, night=0, ...) -> Iterator[tuple[Record, TruthRow]]``: the
  same records, each with its truth.
- ``truth(seed, entities, partner=None, night=0, ...) -> Iterator[TruthRow]``: ground truth only.
- ``generate(out, seed, entities, night=0, ...) -> Manifest``: write a night to a folder (layout in
  :mod:`wushe.sandbox.generate`); ``read_truth(folder, partner=None)`` reads its truth back.
- ``Sandbox(folder, ...)`` / ``SandboxProcess(folder, ...)``: serve a folder on loopback and write
  ``partners.yaml`` (:mod:`wushe.sandbox.up`); faults via ``set_fault(partner, **switches)``.
- ``crosswalk(partner)``: the partner's category and target-group words → taxonomy codes.
- ``PARTNERS``: ``charity_fund``, ``property_files``, ``merchants``, ``civil_affairs``.

Same ``(seed, entities, night)``, same records and files, byte for byte. ``entities`` sizes the
base world; a partner row count is roughly 1.1 × ``entities`` over all partners.
"""

from __future__ import annotations

from typing import Iterator

from wushe.contract import Record
from wushe.sandbox.generate import Manifest, generate
from wushe.sandbox.partners import LENSES, PARTNERS, crosswalk
from wushe.sandbox.truth import TruthRow, read_truth
from wushe.sandbox.up import Sandbox, SandboxProcess
from wushe.sandbox.world import World
from wushe.errors import WusheError

__all__ = [
    "PARTNERS",
    "Manifest",
    "Sandbox",
    "SandboxProcess",
    "TruthRow",
    "World",
    "crosswalk",
    "generate",
    "labelled",
    "observations",
    "read_truth",
    "truth",
]


def labelled(seed: int, entities: int, partner: str, night: int = 0, *,
             invalid_share: float = 0.02) -> Iterator[tuple[Record, TruthRow]]:
    """Contract records of ``partner`` on ``night``, each with its ground truth."""
    from wushe.sandbox.lens import fan_out

    if partner not in LENSES:
        raise WusheError(f"unknown sandbox partner {partner!r}; expected one of: {', '.join(PARTNERS)}")
    world = World(seed, entities, night)
    lens = LENSES[partner](world, invalid_share)
    fetched_at = world.snapshot.isoformat()
    for _, stream, row in fan_out(world, [(lens, s) for s in lens.streams]):
        yield lens.record(stream, row, fetched_at), TruthRow(
            partner, stream.name, stream.kind, row.source_id, row.entity_id, row.rule, row.deleted)


def observations(seed: int, entities: int, partner: str, night: int = 0, *,
                 invalid_share: float = 0.02) -> Iterator[Record]:
    """The partner's noisy view of the world as contract records (see :func:`labelled`)."""
    for record, _ in labelled(seed, entities, partner, night, invalid_share=invalid_share):
        yield record


def truth(seed: int, entities: int, partner: str | None = None, night: int = 0, *,
          invalid_share: float = 0.02) -> Iterator[TruthRow]:
    """Ground truth of every row of one partner (or all, in ``PARTNERS`` order)."""
    for name in [partner] if partner else PARTNERS:
        for _, row in labelled(seed, entities, name, night, invalid_share=invalid_share):
            yield row
