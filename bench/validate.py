"""Validation throughput: records per second through the Great Expectations suites, and memory.

Usage: uv run python bench/validate.py [--records N] [--batch N] [--invalid SHARE] [--source S] [--processes N]

Records come from the sandbox (its four partners' contract records, planted errors included) when
``wushe.sandbox`` is installed, else from a synthetic generator here (valid identifiers, a share of
planted errors). They are produced batch by batch and validated as they come, so memory stays
flat; producing them is not counted.

By default the records are validated in as many processes as a sandbox sync of that size runs its
partners in (``partner_processes``: one per core, up to 4, from 100,000 rows); ``--processes 1``
gives one process's rate. N processes validate at the same time, in rounds: each produces the same
batch, takes its N-th part of it (in order, as consecutive batches of a stream), waits for the
others at a barrier, then validates it. A round lasts from the first process's start to the last
one's end on the machine's monotonic clock, so the machine's throughput is the records of every
round over the sum of the rounds: time when a process idles while another finishes counts, and
producing records does not.
"""

from __future__ import annotations

import argparse
import itertools
import random
import resource
import sys
import time
from pathlib import Path
from typing import Any, Iterator

from wushe.contract import make_record
from wushe.validation import identifiers as ids

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import rss_mb  # noqa: E402

KINDS = ("organization", "resource", "need", "volunteer", "donation")
UPDATED = "2026-11-20T02:00:00+08:00"


class Synthetic:
    """Contract records with valid identifiers; ``invalid`` of them carry one planted error."""

    def __init__(self, seed: int, invalid: float) -> None:
        self.rng = random.Random(seed)
        self.invalid = invalid
        self.divisions = sorted(c for c in ids.reference_divisions() if not c.endswith("000"))

    def uscc(self) -> str:
        r = self.rng
        org = "".join(r.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(8))
        body = r.choice("159ANY") + r.choice("12359") + "440304" + org + ids.orgcode_check_char(org)
        return body + ids.uscc_check_char(body)

    def id_number(self) -> str:
        r = self.rng
        body = f"440304{r.randint(1940, 2005)}{r.randint(1, 12):02d}{r.randint(1, 28):02d}{r.randint(0, 999):03d}"
        return body + ids.id_check_char(body)

    def phone(self) -> str:
        r = self.rng
        return r.choice([f"1{r.randint(3, 9)}{r.randint(0, 999999999):09d}", f"0755-{r.randint(20000000, 89999999)}",
                         f"+86 13{r.randint(0, 9)} {r.randint(0, 9999):04d} {r.randint(0, 9999):04d}"])

    def payload(self, kind: str) -> dict:
        r = self.rng
        division = r.choice(self.divisions)
        if kind == "organization":
            return {"name": f"机构{r.randint(1, 10**6)}", "credit_code": self.uscc(), "org_type": "social_organization",
                    "phones": [self.phone()], "division_code": division, "contact_name": "张三",
                    "contact_phone": self.phone(), "established_on": "2015-06-01"}
        if kind == "resource":
            total = r.randint(1, 100)
            return {"name": "义剪服务", "resource_type": "SERVICE", "categories": ["daily.haircut"],
                    "target_groups": ["elderly"], "coverage": [division], "capacity": {"total": total, "remaining": total // 2},
                    "valid_from": "2026-01-01", "valid_to": "2026-12-31", "phone": self.phone(),
                    "provider": {"credit_code": self.uscc(), "name": "理发店"}}
        if kind == "need":
            return {"title": "轮椅一台", "category": "daily.cleaning", "division_code": division, "quantity": 1,
                    "budget": 800.0, "status": "published", "requester_name": "李四", "requester_phone": self.phone(),
                    "submitted_on": "2026-10-01", "deadline": "2026-12-01"}
        if kind == "volunteer":
            return {"name": "王五", "phone": self.phone(), "id_number": self.id_number(), "gender": "female",
                    "division_code": division, "hours": 12.5, "registered_on": "2024-03-05", "skills": ["理发"]}
        return {"donor": {"credit_code": self.uscc(), "name": "爱心商家"}, "amount": 500.0, "donated_on": "2026-11-01",
                "items": [{"name": "大米", "quantity": 10, "unit": "袋", "category": "daily.cleaning"}],
                "designation": {"division_code": division}}

    def plant(self, kind: str, payload: dict) -> None:
        """One error of the kind's typical sorts."""

        def wrong_check(code: str) -> str:
            return code[:17] + ("0" if code[17] != "0" else "1")

        if kind == "organization":
            choices = [("credit_code", wrong_check(payload["credit_code"])), ("name", ""),
                       ("established_on", "2026-02-30"), ("division_code", "440304999999")]
        elif kind == "resource":
            choices = [("capacity", {"total": 5, "remaining": 9}), ("valid_to", "2025-01-01"), ("name", " ")]
        elif kind == "need":
            choices = [("budget", -5.0), ("deadline", "2026-09-01"), ("title", None)]
        elif kind == "volunteer":
            choices = [("id_number", wrong_check(payload["id_number"])), ("name", ""), ("hours", -3)]
        else:
            choices = [("amount", -100.0), ("donated_on", "2026-13-01")]
        key, value = self.rng.choice(choices)
        payload[key] = value

    def batches(self, total: int, size: int) -> Iterator[tuple[str, list[dict]]]:
        """Batches of one kind each, cycling through the kinds."""
        made = 0
        while made < total:
            kind = KINDS[(made // size) % len(KINDS)]
            n = min(size, total - made)
            batch = []
            for i in range(made, made + n):
                payload = self.payload(kind)
                if self.rng.random() < self.invalid:
                    self.plant(kind, payload)
                batch.append(make_record("bench", kind, i, UPDATED, payload, fetched_at=UPDATED))
            made += n
            yield kind, batch


def sandbox_batches(total: int, size: int, invalid: float) -> Iterator[tuple[str, list[dict]]]:
    """Exactly ``total`` of the sandbox partners' records, in batches of one kind (as a connector's
    stream delivers them); later nights follow if one night falls short."""
    from wushe import sandbox

    entities = int(total / 1.1) + 1
    made = 0
    for night in itertools.count():
        for partner in sandbox.PARTNERS:
            buffers: dict[str, list[dict]] = {}
            for record in sandbox.observations(5, entities, partner, night, invalid_share=invalid):
                if made >= total:
                    break
                buffer = buffers.setdefault(record["kind"], [])
                buffer.append(record)
                made += 1
                if len(buffer) >= size:
                    yield record["kind"], buffer
                    buffers[record["kind"]] = []
            for kind, buffer in buffers.items():
                if buffer:
                    yield kind, buffer
            if made >= total:
                return


def validate_share(args: argparse.Namespace, share: int = 0, of: int = 1, barrier: Any = None) -> dict:
    """Produce the records and validate part ``share`` of every batch cut in ``of``; what it took.

    ``windows`` holds each batch's (start, end) on the monotonic clock, which every process shares.
    """
    started = time.perf_counter()
    from wushe.validation.validator import validator

    v = validator()
    ready = time.perf_counter() - started
    if args.source == "sandbox":
        batches = sandbox_batches(args.records, args.batch, args.invalid)
    else:
        batches = Synthetic(seed=5, invalid=args.invalid).batches(args.records, args.batch)
    validating = cpu = 0.0
    rejected = flagged = done = 0
    rss_first = None
    windows: list[tuple[float, float]] = []
    run_started = time.perf_counter()
    for kind, batch in batches:
        part = batch[len(batch) * share // of: len(batch) * (share + 1) // of]
        if barrier is not None:
            barrier.wait()
        t0, c0 = time.perf_counter(), time.process_time()
        report = v.validate(part, kind)
        t1 = time.perf_counter()
        windows.append((t0, t1))
        validating += t1 - t0
        cpu += time.process_time() - c0
        rejected += len(report.rejected)
        flagged += len(report.flagged)
        done += len(part)
        if rss_first is None:
            rss_first = rss_mb()
    return {"ready": ready, "done": done, "rejected": rejected, "flagged": flagged, "validating": validating,
            "cpu": cpu, "producing": time.perf_counter() - run_started - validating, "rss_first": rss_first or 0.0,
            "rss_end": rss_mb(), "peak": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "windows": windows}


def _share(args: argparse.Namespace, share: int, of: int, barrier: Any, results: Any) -> None:
    results.put((share, validate_share(args, share, of, barrier)))


def in_processes(args: argparse.Namespace) -> list[dict]:
    """Every process's figures, in share order."""
    import multiprocessing

    ctx = multiprocessing.get_context("spawn")
    barrier, results = ctx.Barrier(args.processes), ctx.Queue()
    workers = [ctx.Process(target=_share, args=(args, i, args.processes, barrier, results))
               for i in range(args.processes)]
    for w in workers:
        w.start()
    parts = dict(results.get() for _ in workers)
    for w in workers:
        w.join()
    return [parts[i] for i in range(args.processes)]


def machine_wall(parts: list[dict]) -> float:
    """The sum over rounds of the time from the first process's start to the last one's end."""
    return sum(max(end for _, end in ws) - min(start for start, _ in ws)
               for ws in zip(*(p["windows"] for p in parts)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--batch", type=int, default=100_000)
    parser.add_argument("--invalid", type=float, default=0.05)
    parser.add_argument("--source", choices=("sandbox", "synthetic"), default=None,
                        help="default: the sandbox when it is installed")
    parser.add_argument("--processes", type=int, default=None,
                        help="validating processes (default: as many as a sandbox sync of this size runs partners in)")
    args = parser.parse_args()
    if args.source is None:
        try:
            import wushe.sandbox  # noqa: F401

            args.source = "sandbox"
        except ImportError:
            args.source = "synthetic"
    if args.processes is None:
        args.processes = 1
        if args.source == "sandbox":
            from wushe.sandbox.up import large_night_settings

            args.processes = large_night_settings(args.records).get("partner_processes", 1)

    parts = in_processes(args) if args.processes > 1 else [validate_share(args)]
    done = sum(p["done"] for p in parts)
    print(f"validator ready (Great Expectations import and suites) in {max(p['ready'] for p in parts):.1f} s")
    print(f"records validated:   {done:,} from the {args.source} in batches of up to {args.batch:,} "
          f"({args.invalid:.0%} planted errors), by {len(parts)} process(es)")
    print(f"rejected / flagged:  {sum(p['rejected'] for p in parts):,} / {sum(p['flagged'] for p in parts):,}")
    print(f"producing records:   {max(p['producing'] for p in parts):.1f} s wall (not counted below)")
    for i, p in enumerate(parts):
        print(f"process {i + 1}:           {p['done']:,} records, {p['validating']:.2f} s wall, {p['cpu']:.2f} s CPU: "
              f"{p['done'] / p['validating']:,.0f} records/s wall, {p['done'] / p['cpu']:,.0f} per CPU-second; "
              f"RSS after first batch {p['rss_first']:,.0f} MB, at the end {p['rss_end']:,.0f} MB, "
              f"peak {p['peak']:,.0f} MB")
    wall = machine_wall(parts)
    per_cpu = done / sum(p["cpu"] for p in parts)
    print(f"throughput:          {done / wall:,.0f} records/s wall ({done:,} records in {wall:.2f} s of validation "
          f"on the machine), {per_cpu:,.0f} records per CPU-second (the machine may be shared: CPU time is the "
          "steadier figure)")


if __name__ == "__main__":
    main()
