"""A partner's view of the world: which entities it knows, as rows of its own schema, night by night.

A :class:`Lens` turns world entities into the partner's *native* rows (its column names, formats,
category words and noise) and maps a native row back to a contract payload exactly as a perfect
connector would (:meth:`Lens.to_payload`). Rows carry their ground truth: the entity they
describe and, for rows broken on purpose, the one validation rule they break.

Row history (nights): every row has a creation time, update nights drawn as a geometric process
(about 2% of rows change per night) and the night its entity closes (about 1% per night), so the
state on night K is a pure function of ``(seed, entities, K)``.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Callable, Iterator

import numpy as np

from wushe.sandbox.entities import CHUNK
from wushe.sandbox.noise import NoiseProfile
from wushe.sandbox.orgs import EPOCH
from wushe.sandbox.world import NIGHT_ZERO, World

DAY = 86_400
PRIME = 2_147_483_647  # source ids are an affine permutation of (entity, copy) modulo this prime
N_DRAWS = 20  # uniform draws per row: 1 invalid, 2 rule, 3 stale, 4 planting, 5.. the lens's noise


@dataclass(frozen=True)
class StreamSpec:
    """One stream (API endpoint, file, table) of a partner."""

    name: str
    kind: str  # contract kind
    source: str  # world kind the rows come from
    rules: tuple[str, ...]  # error-tier rules a planted invalid row of this stream may break
    title_zh: str = ""


@dataclass(slots=True)
class Row:
    """One partner row with its truth."""

    stream: str
    kind: str
    source_id: str  # the contract source id (what a connector reports)
    number: int  # the partner's own key for the row, unique within the stream
    entity_id: str
    created_at: datetime
    updated_at: datetime
    deleted: bool
    native: dict[str, Any]
    rule: str | None = None


@dataclass(slots=True)
class Context:
    """What a row builder needs besides the entity: the world, the night and the row's draws."""

    world: World
    slot: int  # 0: the partner's main row for the entity; 1: its accidental second copy
    version: int  # how many times the partner changed the row by this night
    u: list[float]  # uniform draws, see N_DRAWS
    stale: bool


class Lens(ABC):
    """Base of the four partner lenses."""

    partner: str
    partner_id: int
    profile: NoiseProfile
    streams: tuple[StreamSpec, ...]
    tombstones: bool  # deleted rows stay, flagged (True) or vanish from the export (False)
    word_index: int  # which of each category's words this partner uses

    def __init__(self, world: World, invalid_share: float = 0.02) -> None:
        self.world = world
        self.invalid_share = invalid_share

    # -- what a partner is made of --------------------------------------------------------------

    @abstractmethod
    def visible(self, stream: StreamSpec, entity: Any) -> bool:
        """Does this partner hold the entity in this stream?"""

    @abstractmethod
    def native(self, stream: StreamSpec, entity: Any, ctx: Context) -> dict[str, Any]:
        """The partner's own row for the entity (without id and timestamps)."""

    @abstractmethod
    def plant(self, stream: StreamSpec, native: dict[str, Any], rule: str, entity: Any, u: float) -> None:
        """Change ``native`` in place so it breaks ``rule`` and nothing else."""

    @abstractmethod
    def to_payload(self, stream: StreamSpec, native: dict[str, Any]) -> dict[str, Any]:
        """The contract payload a perfect connector makes of a native row."""

    @abstractmethod
    def source_id(self, stream: StreamSpec, number: int) -> str:
        """The contract source id of a row (unique per partner and kind), from its key."""

    @abstractmethod
    def stamp(self, stream: StreamSpec, native: dict[str, Any], row: Row) -> dict[str, Any]:
        """The native row with its id, timestamps and deletion flag in the partner's format."""

    def rules_for(self, stream: StreamSpec, entity: Any) -> tuple[str, ...]:
        """Rules a row of this entity may be broken under (credit-code rules need a credit code)."""
        if getattr(entity, "credit_code", True) is None:
            return tuple(r for r in stream.rules if not r.startswith("CN.USCC"))
        return stream.rules

    def _affine(self, sid: int) -> tuple[int, int]:
        seed = self.world.seed
        return 1 + (seed * 7919 + self.partner_id * 104_729 + sid * 1_299_709) % (PRIME - 2), (seed * 31 + sid * 977 + self.partner_id) % PRIME

    def ref_number(self, stream_name: str, index: int) -> int:
        """The partner's key of the main row for entity ``index`` in another of its streams."""
        affine = self.__dict__.setdefault("_affines", {})
        if stream_name not in affine:
            affine[stream_name] = self._affine(self.streams.index(self.stream(stream_name)))
        a, b = affine[stream_name]
        return (a * index * 2 + b) % PRIME

    def stream(self, name: str) -> StreamSpec:
        return next(s for s in self.streams if s.name == name)

    # -- rows ----------------------------------------------------------------------------------------

    def _chunk_rows(self, stream: StreamSpec, c: int, entities: list[Any], include_gone: bool) -> Iterator[Row]:
        world, night, profile = self.world, self.world.night, self.profile
        sid = self.streams.index(stream)
        visible = [e for e in entities if self.visible(stream, e)]
        # one generator per array, sized by the visible entities: a chunk that grows on later nights
        # keeps the draws of the rows it already had
        key = [world.seed, 100 + self.partner_id, sid, c]
        copies = (np.random.default_rng([*key, 0]).random(len(visible)) < profile.duplicate).tolist()
        slots = [(k, slot) for k, twice in enumerate(copies) for slot in ((0, 1) if twice else (0,))]
        m = len(slots)
        draws = np.random.default_rng([*key, 1]).random((m, N_DRAWS)).tolist()
        gaps = np.cumsum(np.random.default_rng([*key, 2]).geometric(world.sizes.UPDATE_RATE, (m, 4)), axis=1).tolist()
        seconds = np.random.default_rng([*key, 3]).integers(8 * 3600, 22 * 3600, (m, 3)).tolist()
        past_edit = np.random.default_rng([*key, 4]).integers(0, 400, m).tolist()
        a, b = self._affine(sid)
        keep_gone = self.tombstones or include_gone
        prefix = _PREFIX[stream.source]
        for r, (k, slot) in enumerate(slots):
            entity = visible[k]
            index, born, died = _life(entity)
            deleted = died is not None and died <= night
            if deleted and not keep_gone:
                continue
            u = draws[r]
            # times in seconds from night 0's read; a change on night n lands during the day before it
            limit = (min(night, died - 1) if died is not None else night) - born
            changes = last = 0
            for gap in gaps[r]:
                if gap > limit:
                    break
                changes, last = changes + 1, gap
            second = seconds[r]
            if born > 0:
                created_s = (born - 1) * DAY + second[0] - 7200
            else:
                day = entity["created"] if isinstance(entity, dict) else entity.established
                created_s = min((day - EPOCH).days * DAY - 7200 + second[0] + slot * 3 * DAY, -6 * 3600)
            if deleted:
                updated_s = (died - 1) * DAY + second[2] - 7200
            elif changes:
                updated_s = (born + last - 1) * DAY + second[1] - 7200
            else:
                updated_s = max(created_s, min(created_s + past_edit[r] * DAY, -(5 + slot) * 3600))
            created = NIGHT_ZERO + timedelta(seconds=created_s)
            updated = NIGHT_ZERO + timedelta(seconds=updated_s)
            native = self.native(stream, entity, Context(world, slot, changes, u, u[3] < profile.stale))
            rule = None
            if u[1] < self.invalid_share:
                rules = self.rules_for(stream, entity)
                if rules:
                    rule = rules[int(u[2] * len(rules))]
                    self.plant(stream, native, rule, entity, u[4])
            number = (a * (index * 2 + slot) + b) % PRIME
            yield Row(stream.name, stream.kind, self.source_id(stream, number), number, f"{prefix}{index:07d}",
                      created, updated, deleted, native, rule)

    def record(self, stream: StreamSpec, row: Row, fetched_at: str) -> dict[str, Any]:
        """The contract record a perfect connector makes of a row."""
        from wushe.contract import make_record

        return make_record(self.partner, stream.kind, row.source_id, row.updated_at, self.to_payload(stream, row.native),
                           fetched_at=fetched_at, deleted=row.deleted)

    # -- helpers for lenses ------------------------------------------------------------------------

    def word(self, code: str, u: float, words: Callable[[str], tuple[str, ...]]) -> str:
        """The partner's word for a taxonomy code; now and then another partner's word."""
        options = words(code)
        if u < self.profile.foreign_word:
            return options[(self.word_index + 1 + int(u * 1000) % (len(options) - 1)) % len(options)]
        return options[self.word_index % len(options)]


SOURCES = ("organization", "resource", "need", "volunteer", "donation")


def chunk_count(world: World, source: str) -> int:
    if source == "organization":
        return -(-sum(1 for o in world.orgs.orgs if o.born <= world.night) // CHUNK)
    return world.chunks.n_chunks(source, world.night)


def world_chunks_at(world: World, source: str, c: int) -> list[Any]:
    """Chunk ``c`` of the world's entities of one kind (organisations included, by position)."""
    if source == "organization":
        orgs = [o for o in world.orgs.orgs if o.born <= world.night]
        return orgs[c * CHUNK:(c + 1) * CHUNK]
    return world.chunks.chunk(source, c, world.night)


def fan_out(world: World, targets: list[tuple[Lens, StreamSpec]], *,
            include_gone: bool = False) -> Iterator[tuple[Lens, StreamSpec, Row]]:
    """Rows of many partner streams, building each world chunk once for all streams that need it."""
    for source in SOURCES:
        wanted = [(lens, stream) for lens, stream in targets if stream.source == source]
        if not wanted:
            continue
        for c in range(chunk_count(world, source)):
            entities = world_chunks_at(world, source, c)
            for lens, stream in wanted:
                for row in lens._chunk_rows(stream, c, entities, include_gone):
                    yield lens, stream, row


_PREFIX = {"organization": "O", "resource": "R", "need": "N", "volunteer": "V", "donation": "D"}


def _life(entity: Any) -> tuple[int, int, int | None]:
    if isinstance(entity, dict):
        return entity["i"], entity["born"], entity["died"]
    return entity.index, entity.born, entity.died
