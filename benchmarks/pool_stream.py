"""The talent pool on DynamoDB Local: stream throughput into tags and scores, and segment
query latency with read units per returned candidate.

1. Stream: behaviour events (invitation MODIFY records with old and new images, as the
   table's stream delivers them: sent -> opened -> started -> completed, sent -> no_show then
   a reason, sent -> opened -> no_show) are fed to the real stream function
   (chalicelib/triggers/stream.py) in batches of 100, as Lambda would. Every effect runs:
   campaign counts, tag rules (conditional puts), behaviour sums with markers, rescoring.
2. Segments: candidates (profile + stats + 1-3 tags) are bulk-loaded, then segment queries
   run through TalentPoolService (what GET /talent-pool/candidates calls, without HTTP);
   p50/p95 per query shape, and read units (ReturnConsumedCapacity, via a botocore hook)
   per returned candidate.

    BENCH_EVENTS=100000 BENCH_CANDIDATES=100000 python benchmarks/pool_stream.py

Results: benchmarks/results/pool_stream.json
"""

from __future__ import annotations

import json
import os
import random
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from infra.local.cloud import CloudConfig, LocalCloud, free_port  # noqa: E402
from infra.local.provision import provision  # noqa: E402
from infra.local.runner import stage_environment  # noqa: E402

EVENTS = int(os.environ.get("BENCH_EVENTS", "100000"))
CANDIDATES = int(os.environ.get("BENCH_CANDIDATES", "100000"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "30"))
T0 = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
H = timedelta(hours=1)


class Capacity:
    """Read units of every Query / BatchGetItem / GetItem the code under test makes."""

    OPS = ("Query", "BatchGetItem", "GetItem")

    def __init__(self) -> None:
        self.units = 0.0
        self.calls: Counter[str] = Counter()

    def install(self, client: Any) -> None:
        for op in self.OPS:
            client.meta.events.register(f"provide-client-params.dynamodb.{op}", self._ask)
            client.meta.events.register(f"after-call.dynamodb.{op}", self._read)

    def _ask(self, params: dict[str, Any], **_: Any) -> None:
        params.setdefault("ReturnConsumedCapacity", "TOTAL")

    def _read(self, parsed: dict[str, Any], model: Any = None, **_: Any) -> None:
        self.calls[getattr(model, "name", "?")] += 1
        used = parsed.get("ConsumedCapacity", {})
        if isinstance(used, list):
            self.units += sum(float(u.get("CapacityUnits", 0.0)) for u in used)
        else:
            self.units += float(used.get("CapacityUnits", 0.0))


class Requests:
    """Every DynamoDB request the code under test makes, by operation (all threads)."""

    def __init__(self) -> None:
        self.calls: Counter[str] = Counter()
        self._lock = threading.Lock()

    def install(self, client: Any) -> None:
        client.meta.events.register("after-call.dynamodb", self._count)

    def _count(self, model: Any = None, **_: Any) -> None:
        with self._lock:
            self.calls[getattr(model, "name", "?")] += 1

    def take(self) -> Counter[str]:
        with self._lock:
            out, self.calls = self.calls, Counter()
        return out


def stream_records(tenant_id: str, campaign: dict[str, Any], events: int) -> list[dict[str, Any]]:
    """Invitation MODIFY records (old and new images) making `events` behaviour events."""
    from chalicelib.invitations.models import InvitationItem
    from chalicelib.shared.domain import ids

    paths = [(["opened", "started", "completed"], None, 0.5),
             (["no_show"], "schedule_conflict", 0.3),
             (["opened", "no_show"], None, 0.2)]
    stages: list[list[tuple[InvitationItem, InvitationItem]]] = [[], [], []]
    made = 0
    n = 0
    rng = random.Random(7)
    while made < events:
        steps, reason, _ = rng.choices(paths, weights=[p[2] for p in paths])[0]
        cand = f"cand{n:08d}"
        inv_id = ids.invitation_id(tenant_id, campaign["id"], cand)
        pk, sk = InvitationItem.key(tenant_id, inv_id)
        current = InvitationItem(
            pk, sk, tenant_id=tenant_id, invitation_id=inv_id, campaign_id=campaign["id"],
            position_id=campaign["position_id"], candidate_id=cand, status="sent",
            channels=["email"], locale="en", deadline_at=T0 + 72 * H, grace_hours=48,
            interview_url="https://example.com/i", created_at=T0, status_changed_at=T0,
            version=2)
        moves: list[tuple[str, str | None]] = [(s, None) for s in steps]
        if reason:
            moves.append((steps[-1], reason))
        for stage, (status, why) in enumerate(moves):
            at = T0 + (72 * H if status == "no_show" else (stage + 1) * H) + stage * H
            new = InvitationItem(**{**_fields(current), "status": status, "reason": why,
                                    "status_changed_at": at if status != current.status
                                    else current.status_changed_at,
                                    "version": int(current.version or 0) + 1})
            stages[min(stage, 2)].append((current, new))
            current = new
            made += 1
        n += 1
    records = []
    seq = 0
    for moved in stages:
        for old, new in moved:
            seq += 1
            records.append({
                "eventID": str(seq), "eventName": "MODIFY", "eventSource": "aws:dynamodb",
                "dynamodb": {"ApproximateCreationDateTime": new.status_changed_at.timestamp(),
                             "Keys": {"pk": {"S": new.pk}, "sk": {"S": new.sk}},
                             "NewImage": new.serialize(), "OldImage": old.serialize(),
                             "SequenceNumber": f"{seq:021d}",
                             "StreamViewType": "NEW_AND_OLD_IMAGES"}})
    return records


def _fields(item: Any) -> dict[str, Any]:
    names = ("pk", "sk", "tenant_id", "invitation_id", "campaign_id", "position_id",
             "candidate_id", "status", "channels", "locale", "deadline_at", "grace_hours",
             "interview_url", "created_at", "status_changed_at", "reason", "version")
    out = {n: getattr(item, n) for n in names}
    out["hash_key"], out["range_key"] = out.pop("pk"), out.pop("sk")
    return out


def bench_stream(container: Any, requests: Requests, tenant_id: str,
                 campaign: dict[str, Any]) -> dict[str, Any]:
    from chalicelib.pool.models import PoolStatsItem, TagItem
    from chalicelib.triggers.stream import stream_handler
    from infra.local.glue import LambdaContext

    records = stream_records(tenant_id, campaign, EVENTS)
    context = LambdaContext("stream")
    failures = 0
    requests.take()
    started = time.perf_counter()
    for i in range(0, len(records), 100):
        result = stream_handler({"Records": records[i:i + 100]}, context)
        failures += len(result["batchItemFailures"])
        if (i // 100) % 20 == 19:  # progress on stderr (a long run)
            print(f"{i + 100} records, {time.perf_counter() - started:.0f} s", file=sys.stderr,
                  flush=True)
    seconds = time.perf_counter() - started
    calls = requests.take()
    replay_started = time.perf_counter()
    sample = records[:500]
    for i in range(0, len(sample), 100):  # a replay of the first 500 records
        stream_handler({"Records": sample[i:i + 100]}, context)
    replay_seconds = time.perf_counter() - replay_started
    replay_calls = requests.take()
    tags = {tag: TagItem.count(TagItem.index_keys(tenant_id, tag, "", "")[0],
                               index_name="gsi1")
            for tag in ("no_show", "exception_pool", "breach", "hold_contact", "re_invite")}
    stats = list(PoolStatsItem.gsi1.query(PoolStatsItem.score_index_keys(tenant_id, 0, "")[0]))
    scored = len(stats)
    events_counted = sum(int(getattr(s, "events", 0) or 0) for s in stats)
    return {"behaviour_events": len(records), "batches": (len(records) + 99) // 100,
            "seconds": round(seconds, 1), "events_per_s": round(len(records) / seconds, 1),
            "failed_records": failures, "tags_written": tags,
            "candidates_scored": scored, "events_counted_once": events_counted,
            "replay_of_500_records_s": round(replay_seconds, 1),
            "requests_per_event": {op: round(n / len(records), 3)
                                   for op, n in calls.most_common()},
            "requests_per_event_total": round(sum(calls.values()) / len(records), 3),
            "replay_requests": dict(replay_calls.most_common())}


def load_pool(tenant_id: str, campaign_id: str, position_id: str, n: int) -> float:
    """Candidates with a profile, stats (score) and tags, written with BatchWriteItem."""
    from concurrent.futures import ThreadPoolExecutor

    from chalicelib.invitations.models import CandidateItem
    from chalicelib.pool.models import PoolStatsItem, TagItem
    from chalicelib.shared.models import Item

    rng = random.Random(11)

    def items(i: int) -> list[Item]:
        cand = f"pool{i:08d}"
        score = round(rng.uniform(5, 95), 1)
        out: list[Item] = [CandidateItem(*CandidateItem.key(tenant_id, cand), tenant_id=tenant_id,
                                         candidate_id=cand, name=f"P{i}",
                                         email=f"p{i}@example.com",
                                         locale="zh-CN" if i % 10 == 0 else "en", created_at=T0)]
        gpk, gsk = PoolStatsItem.score_index_keys(tenant_id, score, cand)
        out.append(PoolStatsItem(*PoolStatsItem.key(tenant_id, cand), tenant_id=tenant_id,
                                 candidate_id=cand, score=score, events=3,
                                 positions={position_id}, campaigns={campaign_id},
                                 last_activity_at=T0 - timedelta(days=i % 200),
                                 gsi1pk=gpk, gsi1sk=gsk))
        tags = ["no_show", "exception_pool"] if i % 2 == 0 else ["vip"]
        if i % 20 == 0:
            tags.append("breach")
        if i % 7 == 0:
            tags.append("re_invite")
        for tag in tags:
            tpk, tsk = TagItem.key(tenant_id, cand, tag, campaign_id)
            ipk, isk = TagItem.index_keys(tenant_id, tag, campaign_id, cand)
            out.append(TagItem(tpk, tsk, tenant_id=tenant_id, candidate_id=cand, tag=tag,
                               campaign_id=campaign_id, source=f"rule:{tag}", reason="bench",
                               created_at=T0, gsi1pk=ipk, gsi1sk=isk))
        return out

    def write(start: int) -> None:
        with Item.batch_write() as batch:
            for i in range(start, min(start + 500, n)):
                for item in items(i):
                    batch.save(item)

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(write, range(0, n, 500)))
    return time.perf_counter() - started


def bench_segments(container: Any, capacity: Capacity, tenant_id: str,
                   campaign_id: str) -> dict[str, Any]:
    shapes = {
        "no_show_group_of_campaign": {"tag": "no_show", "campaign_id": campaign_id},
        "all_no_show_and_breach": {"all": "no_show,breach"},
        "no_show_not_breach_score_40_plus": {"tag": "no_show", "none": "breach",
                                             "min_score": "40"},
        "any_re_invite_or_breach": {"any": "re_invite,breach"},
        "no_show_locale_zh_CN": {"tag": "no_show", "locale": "zh-CN"},
    }
    out: dict[str, Any] = {}
    service = container.talent_pool
    for name, params in shapes.items():
        latencies: list[float] = []
        returned = 0
        capacity.units, capacity.calls = 0.0, Counter()
        cursor = None
        for _ in range(REPEAT):  # walks the segment page by page (stable cursors)
            started = time.perf_counter()
            page = service.candidates(tenant_id, params.get("tag"), params.get("campaign_id"),
                                      50, cursor, T0, params)
            latencies.append((time.perf_counter() - started) * 1000)
            returned += len(page["items"])
            cursor = page["next_cursor"]
        latencies.sort()
        out[name] = {"pages": REPEAT, "page_size": 50, "returned": returned,
                     "p50_ms": round(statistics.median(latencies), 1),
                     "p95_ms": round(latencies[int(0.95 * (len(latencies) - 1))], 1),
                     "read_units_per_returned": round(capacity.units / max(returned, 1), 3),
                     "requests": dict(capacity.calls)}
    from chalicelib.pool.services.talent_pool import parse_segment

    started = time.perf_counter()
    counted = service.count(tenant_id, parse_segment({"all": "breach"}), T0)
    out["count_breach"] = {"count": counted,
                           "seconds": round(time.perf_counter() - started, 2)}
    return out


def main() -> int:
    data = Path(tempfile.mkdtemp(prefix="tl-pool-"))
    cloud = LocalCloud(CloudConfig(data_dir=data, dynamodb_port=free_port(),
                                   moto_port=free_port(), in_memory=True))
    with cloud:
        cloud.apply_env()
        os.environ.update(stage_environment("test"))
        provision("test")
        from chalicelib import bootstrap
        from chalicelib.clock import FixedClock
        from chalicelib.config import Settings
        from chalicelib.shared.models import Item

        container = bootstrap.Container(Settings.from_env(), clock=FixedClock(T0))
        bootstrap.use(container)
        capacity = Capacity()
        capacity.install(Item._get_connection().connection.client)
        requests = Requests()
        requests.install(Item._get_connection().connection.client)
        tenant = container.tenants.create_tenant("Bench Co")
        tid = tenant["tenant_id"]
        position = container.catalog.create_position(tid, "Engineer", None, T0)
        campaign = container.catalog.create_campaign(
            tid, position_id=position["id"], name="stream", channels=["email"],
            window_hours=72, deadline_at=None, locale=None, now=T0)
        stream = bench_stream(container, requests, tid, campaign) if EVENTS else {}
        other = container.tenants.create_tenant("Pool Co")["tenant_id"]
        load_s = load_pool(other, "camp1", "pos1", CANDIDATES)
        segments = bench_segments(container, capacity, other, "camp1")
    result = {"stream": stream,
              "segments": {"candidates": CANDIDATES, "load_seconds": round(load_s, 1),
                           "items_loaded_per_candidate": "profile + stats + 1-4 tags",
                           **segments},
              "machine": f"{os.cpu_count()} cores, DynamoDB Local in memory, one process",
              "note": "read units as DynamoDB Local reports them (ReturnConsumedCapacity)"}
    print(json.dumps(result, indent=2))
    (ROOT / "benchmarks" / "results" / "pool_stream.json").write_text(
        json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
