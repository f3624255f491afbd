"""The synthetic city as a whole: sizes, organisations and the chunked kinds, fixed by a seed."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from functools import cached_property

from wushe.sandbox.entities import Chunks, Sizes
from wushe.sandbox.orgs import EPOCH, OrgTable, build_orgs

CST = timezone(timedelta(hours=8))
NIGHT_ZERO = datetime(EPOCH.year, EPOCH.month, EPOCH.day, 2, 0, tzinfo=CST)


def snapshot_time(night: int) -> datetime:
    """When night ``night``'s sync reads the partners: 02:00 Asia/Shanghai, one day per night."""
    return NIGHT_ZERO + timedelta(days=night)


@dataclass(frozen=True)
class World:
    """Everything that is true in the sandbox city on a night.

    ``entities`` sizes the base world (night 0); each later night founds about 1.5% more and closes
    about 1%. The same ``(seed, entities)`` always gives the same city; ``night`` only says how far
    its history has run, so an entity is the same on every night it exists.
    """

    seed: int
    entities: int
    night: int = 0
    sizes: Sizes = field(init=False)

    def __post_init__(self) -> None:
        if self.entities < 100:
            raise ValueError("a sandbox world needs at least 100 entities")
        if self.night < 0:
            raise ValueError("night must be 0 or more")
        object.__setattr__(self, "sizes", Sizes(self.entities))

    @cached_property
    def orgs(self) -> OrgTable:
        s = self.sizes
        return build_orgs(self.seed, s.base("organization"), self.night, s.inserts("organization"), s.DEATH_RATE)

    @cached_property
    def chunks(self) -> Chunks:
        return Chunks(self.seed, self.sizes, self.orgs)

    @property
    def snapshot(self) -> datetime:
        return snapshot_time(self.night)
