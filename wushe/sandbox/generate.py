"""Write a sandbox night to a folder: every partner's export plus the ground truth.

Layout of ``out/``::

    manifest.json                       seed, size, night, counts per partner and stream, files
    truth/{partner}.csv                 ground truth (see wushe.sandbox.truth)
    charity_fund/{stream}.ndjson        rows the fund's API serves (tombstones included)
    merchants/{stream}.ndjson           rows the merchants' API serves
    property_files/drop/...             the day's CSV (GB18030) and XLSX files, as dropped
    civil_affairs/civil_affairs.sqlite  the civil-affairs database

The two CPU cores are used by writing the civil-affairs partner in a second process; the output
does not depend on it.
"""

from __future__ import annotations

import multiprocessing
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import orjson

from wushe.sandbox.exports import NdjsonWriter, PropertyWriter, SqlWriter
from wushe.sandbox.lens import Lens, fan_out
from wushe.sandbox.partners import LENSES, PARTNERS
from wushe.sandbox.truth import TruthWriter
from wushe.sandbox.world import World

FORMAT_VERSION = 1
Progress = Callable[[int], None]


@dataclass
class Manifest:
    seed: int
    entities: int
    night: int
    invalid_share: float
    snapshot: str
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    property_companies: list[str] = field(default_factory=list)  # short names, in export-file order
    format_version: int = FORMAT_VERSION

    @property
    def rows(self) -> int:
        return sum(n for streams in self.counts.values() for n in streams.values())

    def to_json(self) -> bytes:
        return orjson.dumps(self.__dict__ | {"rows": self.rows}, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS)

    @classmethod
    def load(cls, folder: Path) -> "Manifest":
        from wushe.errors import WusheError

        path = folder / "manifest.json"
        if not path.exists():
            raise WusheError(f"{folder}: no manifest.json; generate it with `wushe sandbox generate --out {folder}`")
        raw = orjson.loads(path.read_bytes())
        raw.pop("rows", None)
        return cls(**raw)


def partner_folder(out: Path, partner: str) -> Path:
    return out / partner


def write_partners(out: Path, world: World, partners: list[str], invalid_share: float,
                   progress: Progress | None = None) -> dict[str, dict[str, int]]:
    """Write the named partners' exports and truth; returns row counts per partner and stream."""
    lenses: dict[str, Lens] = {p: LENSES[p](world, invalid_share) for p in partners}
    writers = {}
    for name, lens in lenses.items():
        folder = partner_folder(out, name)
        folder.mkdir(parents=True, exist_ok=True)
        if name == "civil_affairs":
            writers[name] = SqlWriter(folder / "civil_affairs.sqlite")
        elif name == "property_files":
            drop = folder / "drop"
            drop.mkdir(exist_ok=True)
            writers[name] = PropertyWriter(drop, lens, f"{world.snapshot:%Y%m%d}")
        else:
            writers[name] = {s.name: NdjsonWriter(folder / f"{s.name}.ndjson") for s in lens.streams}
    truths = {name: TruthWriter(out / "truth" / f"{name}.csv") for name in lenses}
    counts: dict[str, dict[str, int]] = {name: {s.name: 0 for s in lens.streams} for name, lens in lenses.items()}
    targets = [(lens, stream) for lens in lenses.values() for stream in lens.streams]
    pending = 0
    for lens, stream, row in fan_out(world, targets):
        writer = writers[lens.partner]
        (writer[stream.name] if isinstance(writer, dict) else writer).write(lens, stream, row)
        truths[lens.partner].write(stream.name, stream.kind, row.source_id, row.entity_id, row.rule, row.deleted)
        counts[lens.partner][stream.name] += 1
        pending += 1
        if progress and pending >= 2000:
            progress(pending)
            pending = 0
    for writer in writers.values():
        for w in writer.values() if isinstance(writer, dict) else (writer,):
            w.close()
    for truth in truths.values():
        truth.close()
    if progress and pending:
        progress(pending)
    return counts


def _worker(out: str, seed: int, entities: int, night: int, partners: list[str], invalid_share: float, queue) -> None:
    world = World(seed, entities, night)
    counts = write_partners(Path(out), world, partners, invalid_share, progress=queue.put)
    queue.put(("done", counts))


def generate(out: str | Path, seed: int, entities: int, night: int = 0, *, invalid_share: float = 0.02,
             progress: Progress | None = None, processes: int = 2) -> Manifest:
    """Generate night ``night`` of the sandbox world into ``out`` (replacing what was there)."""
    out = Path(out)
    world = World(seed, entities, night)
    if out.exists():  # a new night replaces the old one, except earlier days' files in the drop folder
        for partner in PARTNERS:
            if partner != "property_files":
                shutil.rmtree(out / partner, ignore_errors=True)
        for path in (out / "property_files" / "drop").glob(f"*{world.snapshot:%Y%m%d}*"):
            path.unlink()
        shutil.rmtree(out / "truth", ignore_errors=True)
    out.mkdir(parents=True, exist_ok=True)
    orgs = world.orgs
    manifest = Manifest(seed, entities, night, invalid_share, world.snapshot.isoformat(),
                        property_companies=[orgs[i].variants[0] for i in orgs.property_exporters])
    if processes > 1:
        ctx = multiprocessing.get_context("fork")
        queue = ctx.Queue()
        side = ["civil_affairs"]
        proc = ctx.Process(target=_worker, args=(str(out), seed, entities, night, side, invalid_share, queue))
        proc.start()
        counts = write_partners(out, world, [p for p in PARTNERS if p not in side], invalid_share, progress)
        while True:
            item = queue.get()
            if isinstance(item, tuple):
                counts.update(item[1])
                break
            if progress:
                progress(item)
        proc.join()
        if proc.exitcode:
            raise RuntimeError(f"the civil-affairs writer failed (exit code {proc.exitcode})")
    else:
        counts = write_partners(out, world, list(PARTNERS), invalid_share, progress)
    manifest.counts = {p: counts[p] for p in PARTNERS}
    (out / "manifest.json").write_bytes(manifest.to_json())
    return manifest
