"""The demo: a small sandbox city synced for two nights into its own registry.

Night 1 is a first full sync of the four sandbox partners; night 2 is the incremental sync after a
night of changes at the partners. Everything lives under one folder (``WUSHE_HOME/demo`` by
default) and starts afresh each time, so the demo never touches the registry ops use.
"""

from __future__ import annotations

import shutil
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

from sqlalchemy import Engine, func, select

from wushe.registry.models import CrossReference, GoldenRecord, QuarantineItem
from wushe.sync.report import SyncReport

DEMO_SEED = 1
DEMO_ENTITIES = 2000
DEMO_COMMUNITY = "440304002001"  # 福田区园岭街道园东社区
DEMO_CATEGORY = "daily.haircut"  # 义剪


@dataclass
class DemoPaths:
    folder: Path

    @property
    def sandbox(self) -> Path:
        return self.folder / "sandbox"

    @property
    def registry(self) -> Path:
        return self.folder / "registry.db"

    @property
    def url(self) -> str:
        return f"sqlite:///{self.registry}"


@dataclass
class Lookups:
    """What a community worker would ask the registry first."""

    community: str
    category: str
    area: str = ""  # the community, or the smallest area around it where the category is offered (widened)
    nearby: list[dict[str, Any]] = field(default_factory=list)  # resources of the category serving the community
    most_reported: dict[str, Any] | None = None  # the organisation most partners report, with provenance
    quarantine: list[tuple[str, str, int]] = field(default_factory=list)  # (partner, rule, open rows)


def fresh(folder: Path) -> DemoPaths:
    """An empty demo folder (the previous demo's files are removed)."""
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    return DemoPaths(folder)


def run_nights(paths: DemoPaths, engine: Engine, nights: tuple[int, ...] = (1, 2), *, entities: int = DEMO_ENTITIES,
               sync: Callable[[Path, int], SyncReport]) -> Iterator[SyncReport]:
    """For each night: write the partners' state of that night, serve it, and sync it with ``sync``.

    ``sync(partners_file, night)`` runs one nightly sync (the core engine, or the Prefect flow).
    """
    from wushe.registry.migrate import upgrade
    from wushe.sandbox import Sandbox, generate

    upgrade(engine)
    for night in nights:
        generate(paths.sandbox, DEMO_SEED, entities, night)
        with Sandbox(paths.sandbox, fund_port=0, merchants_port=0).start() as sandbox:
            yield sync(sandbox.partners_file, night)


def lookups(engine: Engine, *, community: str = DEMO_COMMUNITY, category: str = DEMO_CATEGORY) -> Lookups:
    """A few example lookups on the merged registry."""
    from wushe.resolution.inspect import golden_detail
    from wushe.taxonomy import divisions, taxonomy

    places = divisions()
    found = Lookups(community, category)
    categories = taxonomy("resource_categories")
    wanted = {category, *(t.code for t in categories.terms.values() if category in categories.ancestors(t.code))}
    with engine.begin() as conn:
        offers: list[tuple[set[str], dict[str, Any]]] = []
        resources = conn.execute(select(GoldenRecord.id, GoldenRecord.display_name, GoldenRecord.data)
                                 .where(GoldenRecord.kind == "resource", GoldenRecord.status == "active")
                                 .order_by(GoldenRecord.id))
        for rid, name, data in resources:
            if not wanted & set(data.get("categories") or []):
                continue
            served = {c for c in [*(data.get("coverage") or []), (data.get("location") or {}).get("division_code")] if c}
            areas = served | {a for c in served for a in places.ancestors(c)}
            offers.append((areas, {"id": rid, "name": name, "cost": (data.get("cost") or {}).get("kind"),
                                   "phone": data.get("phone")}))
        for area in [community, *places.ancestors(community)]:  # widen until something serves the area
            found.area, found.nearby = area, [offer for areas, offer in offers if area in areas]
            if found.nearby:
                break
        sources = func.count(CrossReference.source_record_id)
        top = conn.execute(
            select(GoldenRecord.id).join(CrossReference, CrossReference.golden_id == GoldenRecord.id)
            .where(GoldenRecord.kind == "organization", GoldenRecord.status == "active")
            .group_by(GoldenRecord.id).order_by(sources.desc(), GoldenRecord.id).limit(1)
        ).scalar()
        if top:
            found.most_reported = golden_detail(conn, top, role="staff", actor="demo")
        rejected = Counter(
            (partner, ",".join(rules or []))
            for partner, rules in conn.execute(select(QuarantineItem.partner, QuarantineItem.rule_ids)
                                               .where(QuarantineItem.status == "open", QuarantineItem.severity == "error"))
        )
    found.quarantine = sorted(((p, r, n) for (p, r), n in rejected.items()), key=lambda row: (-row[2], row[0], row[1]))
    return found
