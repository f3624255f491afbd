"""Write a sandbox night to a folder: every partner's export plus the ground truth.

Layout of ``out/``::

    manifest.json                       seed, size, night, counts per partner and stream, files
    truth/{partner}.csv                 ground truth (see wushe.sandbox.truth)
    charity_fund/{stream}.ndjson        rows the fund's API serves (tombstones included)
    merchants/{stream}.ndjson           rows the merchants' API serves
    property_files/drop/...             the day's CSV (GB18030) and XLSX files, as dropped
    civil_affairs/civil_affairs.sqlite  the civil-affairs database

Work is spread over worker processes chunk by chunk and written in a fixed order, so the output
does not depend on how many processes made it.
"""

from __future__ import annotations

import multiprocessing
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import orjson

from wushe.sandbox.exports import PropertyWriter, SqlWriter
from wushe.sandbox.lens import SOURCES
from wushe.sandbox.partners import LENSES, PARTNERS
from wushe.sandbox.truth import COLUMNS as TRUTH_COLUMNS
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
    property_legal_names: list[str] = field(default_factory=list)  # their registered names, same order
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


@dataclass
class Rendered:
    """One unit of work (a world chunk seen by every partner), rendered for the writers."""

    lines: dict[tuple[str, str], bytes] = field(default_factory=dict)  # NDJSON per (partner, stream)
    sql: dict[str, list[tuple]] = field(default_factory=dict)  # civil-affairs rows per table
    property_rows: list[tuple[str, dict]] = field(default_factory=list)  # (stream, stamped row)
    truth: dict[str, str] = field(default_factory=dict)  # truth CSV text per partner
    counts: dict[tuple[str, str], int] = field(default_factory=dict)

    @property
    def rows(self) -> int:
        return sum(self.counts.values())


# the world and lenses a worker renders with; set before the pool forks, so workers share them
_STATE: dict[str, Any] = {}


def _render(unit: tuple[str, int]) -> Rendered:
    from wushe.sandbox.lens import world_chunks_at

    source, c = unit
    world, lenses = _STATE["world"], _STATE["lenses"]
    entities = world_chunks_at(world, source, c)
    out = Rendered()
    truth: dict[str, list[str]] = {}
    for lens in lenses:
        for stream in lens.streams:
            if stream.source != source:
                continue
            key = (lens.partner, stream.name)
            lines: list[bytes] = []
            sink = truth.setdefault(lens.partner, [])
            sql_rows = out.sql.setdefault(stream.name, []) if lens.partner == "civil_affairs" else None
            head = f"{stream.name},{stream.kind},"
            n = 0
            for row in lens.chunk_rows(stream, c, entities):
                n += 1
                if sql_rows is not None:
                    sql_rows.append(lens.row_values(stream, row.native, row))
                elif lens.partner == "property_files":
                    out.property_rows.append((stream.name, lens.stamp(stream, row.native, row)))
                else:  # the API rows have no joined ("_") keys
                    lines.append(orjson.dumps(lens.stamp(stream, row.native, row)))
                sink.append(f"{head}{row.source_id},{row.entity_id},{row.rule or ''},{int(row.deleted)}\n")
            if lines:
                out.lines[key] = b"\n".join(lines) + b"\n"
            out.counts[key] = n
    out.truth = {partner: "".join(lines) for partner, lines in truth.items()}
    return out


def _units(world: World) -> list[tuple[str, int]]:
    from wushe.sandbox.lens import chunk_count

    return [(source, c) for source in SOURCES for c in range(chunk_count(world, source))]


def write_all(out: Path, world: World, invalid_share: float, processes: int, progress: Progress | None) -> dict[str, dict[str, int]]:
    """Write every partner's export and truth; returns row counts per partner and stream.

    Work is cut into units (one world chunk each) rendered in order by ``processes`` workers;
    this process writes them in unit order, so the files do not depend on the number of workers.
    """
    lenses = [LENSES[p](world, invalid_share) for p in PARTNERS]
    _STATE.update(world=world, lenses=lenses)
    for partner in PARTNERS:
        (out / partner).mkdir(parents=True, exist_ok=True)
    drop = out / "property_files" / "drop"
    drop.mkdir(exist_ok=True)
    ndjson = {(lens.partner, s.name): (out / lens.partner / f"{s.name}.ndjson").open("wb")
              for lens in lenses if lens.partner in ("charity_fund", "merchants") for s in lens.streams}
    sql = SqlWriter(out / "civil_affairs" / "civil_affairs.sqlite")
    orgs = world.orgs
    prop = PropertyWriter(drop, [orgs[i].variants[0] for i in orgs.property_exporters], f"{world.snapshot:%Y%m%d}")
    truth_folder = out / "truth"
    truth_folder.mkdir(exist_ok=True)
    truths = {p: (truth_folder / f"{p}.csv").open("w", encoding="utf-8", newline="") for p in PARTNERS}
    for fh in truths.values():
        fh.write(",".join(TRUTH_COLUMNS) + "\n")
    counts: dict[str, dict[str, int]] = {lens.partner: {s.name: 0 for s in lens.streams} for lens in lenses}
    units = _units(world)
    pool = multiprocessing.get_context("fork").Pool(processes) if processes > 1 else None
    try:
        results = pool.imap(_render, units) if pool else map(_render, units)
        for rendered in results:
            for key, blob in rendered.lines.items():
                ndjson[key].write(blob)
            for table, rows in rendered.sql.items():
                sql.write_rows(table, rows)
            for stream, stamped in rendered.property_rows:
                prop.write(stream, stamped)
            for partner, text in rendered.truth.items():
                truths[partner].write(text)
            for (partner, stream), n in rendered.counts.items():
                counts[partner][stream] += n
            if progress:
                progress(rendered.rows)
    finally:
        if pool:
            pool.close()
            pool.join()
        _STATE.clear()
    for fh in [*ndjson.values(), *truths.values()]:
        fh.close()
    sql.close()
    prop.close()
    return counts


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
                        property_companies=[orgs[i].variants[0] for i in orgs.property_exporters],
                        property_legal_names=[orgs[i].legal for i in orgs.property_exporters])
    _ = world.chunks  # built before the workers fork, so they share it
    manifest.counts = write_all(out, world, invalid_share, processes, progress)
    (out / "manifest.json").write_bytes(manifest.to_json())
    return manifest
