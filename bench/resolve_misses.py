"""Why true pairs are missed (or false pairs made): a diagnostic on sandbox truth.

    uv run python bench/resolve_misses.py --entities 91000 --kind organization --db /tmp/misses.db

Loads the sandbox's night 0 into a registry (kept at ``--db`` so the next run skips the load), runs
the matcher's steps for one kind in memory and sorts every true pair the clustering left apart by
the first step that lost it: never a candidate (no shared blocking key), a hard conflict, a score
below the accept threshold, or split by the clustering. Prints counts and a sample of each, with
the two records' comparison features, and the same for false pairs that were linked.
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

SHOWN = {"organization": ("name", "name_key", "branch_sound", "credit", "phones", "district", "subdistrict"),
         "volunteer": ("name", "pinyin", "id_hash", "phone", "birth", "district")}


def _registry(path: Path, seed: int, entities: int) -> dict[tuple[str, str, str], str]:
    """The sandbox loaded into ``path`` (once); returns the truth of every loaded record."""
    from wushe import sandbox
    from wushe.registry.db import make_engine
    from wushe.registry.migrate import upgrade
    from wushe.registry.sources import write_source_records

    fresh = not path.exists()
    engine = make_engine(f"sqlite:///{path}")
    if fresh:
        upgrade(engine)
    truth: dict[tuple[str, str, str], str] = {}
    for partner in sandbox.PARTNERS:
        batch = []
        for record, row in sandbox.labelled(seed, entities, partner):
            if row.rule_id or row.deleted:
                continue
            truth[(record["partner"], record["kind"], record["source_id"])] = row.entity_id
            batch.append(record)
        if fresh:
            with engine.begin() as conn:
                write_source_records(conn, batch)
    engine.dispose()
    return truth


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--entities", type=int, default=91_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--kind", default="organization", choices=sorted(SHOWN))
    parser.add_argument("--db", type=Path, default=Path("/tmp/wushe-misses.db"))
    parser.add_argument("--sample", type=int, default=25)
    args = parser.parse_args()

    from wushe.registry.db import make_engine
    from wushe.resolution import blocking, resolver
    from wushe.resolution.comparison import model_family
    from wushe.resolution.config import ResolutionConfig
    from wushe.resolution.features import features
    from wushe.resolution.quality import pairwise_quality
    from wushe.resolution.records import load_records

    truth = _registry(args.db, args.seed, args.entities)
    kind, config = args.kind, ResolutionConfig()
    engine = make_engine(f"sqlite:///{args.db}")
    with engine.connect() as conn:
        src = load_records(conn, kind)
    feats = features(src)
    keys = blocking.blocking_keys(kind, feats)
    pairs = resolver._pairs(src, kind, keys, [])
    idf = resolver._idf(kind, feats, None)
    comp = resolver._compare(kind, feats, pairs, idf)
    model = resolver._learn(model_family(kind), comp)
    counts = resolver._name_counts(kind, feats, None)
    probability, _weights = resolver._score(model, comp, pairs, counts, resolver._tf_mean(counts))
    labels, _forced = resolver._cluster(kind, src, feats, pairs, comp, probability, [], config)

    entity = np.array([truth[(p, kind, s)] for p, s in zip(src.frame["partner"], src.frame["source_id"])], dtype=object)
    n = len(src)
    edge_of = {int(a) * n + int(b): e for e, (a, b) in enumerate(pairs.tolist())}
    groups: dict[str, list[int]] = {}
    for i, e in enumerate(entity.tolist()):
        groups.setdefault(e, []).append(i)
    missed: dict[str, list[tuple[int, int, int | None]]] = {}
    total = 0
    for rows in groups.values():
        for x in range(len(rows)):
            for y in range(x + 1, len(rows)):
                a, b = rows[x], rows[y]
                total += 1
                if labels[a] == labels[b]:
                    continue
                edge = edge_of.get(a * n + b)
                if edge is None:
                    why = "not a candidate"
                elif comp.conflict[edge]:
                    why = f"conflict: {comp.conflict_reason[edge]}"
                elif probability[edge] < config.accept:
                    why = "below accept"
                else:
                    why = "split by clustering"
                missed.setdefault(why, []).append((a, b, edge))
    lost = sum(len(v) for v in missed.values())
    quality = pairwise_quality(labels.tolist(), entity.tolist())
    print(f"pairwise precision {quality.precision:.4f}, recall {quality.recall:.4f}")
    print(f"{kind}: {n:,} records, {len(pairs):,} candidate pairs, true pairs {total:,}, missed {lost:,} "
          f"(recall {1 - lost / max(total, 1):.4f})")
    names = [p.get("name") for p in src.payloads]
    rng = random.Random(1)

    def show(a: int, b: int, edge: int | None) -> None:
        for row in (a, b):
            cells = [str(names[row])] + [str(feats[c].iloc[row]) for c in SHOWN[kind][1:]]
            print("    " + " | ".join(cells) + f"  [{src.frame['partner'].iloc[row]}]")
        if edge is not None:
            levels = {k: int(v[edge]) for k, v in comp.levels.items()}
            print(f"    p={probability[edge]:.3f} levels={levels}")

    for why, found in sorted(missed.items(), key=lambda kv: -len(kv[1])):
        print(f"\n== {why}: {len(found):,} pairs")
        for a, b, edge in rng.sample(found, min(args.sample, len(found))):
            show(a, b, edge)
            print()
    inside = labels[pairs[:, 0]] == labels[pairs[:, 1]]
    wrong = np.flatnonzero(inside & (entity[pairs[:, 0]] != entity[pairs[:, 1]]))
    print(f"\n== false links (direct edges inside a cluster): {len(wrong):,}")
    for edge in rng.sample(wrong.tolist(), min(args.sample, len(wrong))):
        show(int(pairs[edge, 0]), int(pairs[edge, 1]), edge)
        print()


if __name__ == "__main__":
    main()
