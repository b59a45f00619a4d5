"""Export of invitation rows to S3: seconds and peak memory (RSS).

Two measurements, both through the production code path's streaming writer
(`services/exports.write_export`: rows -> CSV encoder -> 8 MiB parts -> S3 multipart upload
via `shared/adapters/object_store.ObjectStore`) against a moto S3 server started as a separate
process for this benchmark (the local cloud runs moto inside the test process, where the
stored objects would count in the exporter's RSS):

1. `writer`: BENCH_ROWS (default 1,000,000) synthetic invitation rows, generated page by page
   (500 a page, the values an exported invitation has), streamed to S3. Run at two sizes
   (BENCH_ROWS / 10 and BENCH_ROWS) so the peak RSS can be compared: bounded memory means
   the same peak whatever the row count. The object is then read back in chunks and its
   lines counted.
2. `end_to_end`: BENCH_E2E_ROWS (default 20,000) invitations written into DynamoDB Local
   (one campaign; loading is timed separately: DynamoDB Local is the bottleneck here, not
   the export), then `ExportService.run` - Query pages from the gsi1 status index ->
   rows -> S3 - exactly as the exporter Lambda runs it.

Peak RSS is the process's high-water mark (ru_maxrss) and a 50 ms sampler of VmRSS during
each export, so the baseline (interpreter, boto3, pynamodb) is reported beside it.

    python benchmarks/export_invitations.py        (~3-5 min on 2 cores)

Results: benchmarks/results/export_invitations.json
"""

from __future__ import annotations

import json
import os
import resource
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from infra.local.cloud import CloudConfig, LocalCloud, free_port  # noqa: E402
from infra.local.provision import provision  # noqa: E402
from infra.local.runner import stage_environment  # noqa: E402

ROWS = int(os.environ.get("BENCH_ROWS", "1000000"))
E2E_ROWS = int(os.environ.get("BENCH_E2E_ROWS", "20000"))
T0 = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
MIB = 1024 * 1024


def rss_now() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


def rss_peak() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


class Sampler:
    """The highest VmRSS seen while it runs (every 50 ms)."""

    def __init__(self) -> None:
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, rss_now())
            self._stop.wait(0.05)

    def __enter__(self) -> Sampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, rss_now())


def synthetic_pages(rows: int, page: int = 500) -> Iterator[list[dict[str, Any]]]:
    """Rows as `invitation_row` makes them, a page at a time (never all in memory)."""
    for start in range(0, rows, page):
        yield [{"invitation_id": f"inv-tn01bench-{i:020d}", "campaign_id": "cmp01benchcampaign",
                "position_id": "pos01benchposition", "candidate_id": f"cand{i:020d}",
                "status": ("completed", "no_show", "sent")[i % 3], "channels": ["email", "sms"],
                "locale": "zh-CN", "timezone": "Asia/Shanghai",
                "created_at": T0, "status_changed_at": T0 + timedelta(hours=i % 72),
                "deadline_at": T0 + timedelta(days=3), "grace_hours": 48,
                "rounds_done": i % 3, "score": (i % 100) if i % 3 == 0 else None,
                "delivery_problem": None, "reason": "schedule_conflict" if i % 7 == 0 else None,
                "reason_text": "考试周" if i % 7 == 0 else None,
                "extension_requested_at": None}
                for i in range(start, min(start + page, rows))]


def count_lines(s3: Any, bucket: str, key: str) -> int:
    body = s3.get_object(Bucket=bucket, Key=key)["Body"]
    lines = 0
    for chunk in body.iter_chunks(chunk_size=MIB):
        lines += chunk.count(b"\r\n")
    return lines


def writer_run(objects: Any, s3: Any, bucket: str, rows: int) -> dict[str, Any]:
    from chalicelib.reports.domain.exports import CONTENT_TYPES, Format, Report, RowEncoder
    from chalicelib.reports.services.exports import write_export

    key = f"exports/tenant=tn01bench/report=invitations/date=2026-11-25/bench-{rows}.csv"
    before = rss_now()
    with Sampler() as sampler:
        started = time.perf_counter()
        upload = objects.start(key, CONTENT_TYPES[Format.CSV])
        written, size = write_export(upload, RowEncoder(Report.INVITATIONS, Format.CSV),
                                     synthetic_pages(rows))
        seconds = time.perf_counter() - started
    head = s3.head_object(Bucket=bucket, Key=key)
    lines = count_lines(s3, bucket, key)
    return {"rows": written, "seconds": round(seconds, 1),
            "rows_per_s": round(written / seconds), "bytes": size,
            "mib": round(size / MIB, 1), "parts": -(-size // (8 * MIB)),
            "object_bytes_in_s3": head["ContentLength"], "lines_read_back": lines,
            "rss_before_mib": round(before / MIB, 1),
            "rss_peak_during_mib": round(sampler.peak / MIB, 1),
            "rss_growth_mib": round((sampler.peak - before) / MIB, 1)}


def load_invitations(tenant_id: str, campaign_id: str, rows: int) -> float:
    from chalicelib.invitations.domain.invitation import Status
    from chalicelib.invitations.models import InvitationItem

    statuses = [Status.COMPLETED, Status.NO_SHOW, Status.SENT]
    started = time.perf_counter()
    with InvitationItem.batch_write() as batch:
        for i in range(rows):
            inv_id = f"inv-{tenant_id}-{i:020d}"
            status = statuses[i % 3].value
            pk, sk = InvitationItem.key(tenant_id, inv_id)
            gpk, gsk = InvitationItem.status_index_keys(tenant_id, campaign_id, status, inv_id)
            batch.save(InvitationItem(
                pk, sk, tenant_id=tenant_id, invitation_id=inv_id, campaign_id=campaign_id,
                position_id="pos01bench", candidate_id=f"cand{i:020d}", status=status,
                channels=["email", "sms"], locale="zh-CN", deadline_at=T0 + timedelta(days=3),
                grace_hours=48, interview_url="https://interview.example.com/x",
                created_at=T0, status_changed_at=T0, timezone="Asia/Shanghai",
                gsi1pk=gpk, gsi1sk=gsk, version=1))
    return time.perf_counter() - started


def end_to_end(container: Any, s3: Any, bucket: str) -> dict[str, Any]:
    tenant = container.tenants.create_tenant("Bench Co")
    tid = tenant["tenant_id"]
    position = container.catalog.create_position(tid, "Engineer", None, T0)
    campaign = container.catalog.create_campaign(
        tid, position_id=position["id"], name="校园招聘", channels=["email"], window_hours=72,
        deadline_at=None, locale=None, now=T0)
    load_seconds = load_invitations(tid, campaign["id"], E2E_ROWS)
    created = container.exports.create(tid, report="invitations", fmt="csv",
                                       campaign_id=campaign["id"], start=None, end=None, now=T0)
    before = rss_now()
    with Sampler() as sampler:
        started = time.perf_counter()
        result = container.exports.run(tid, created["export_id"], T0)
        seconds = time.perf_counter() - started
    view = container.exports.get(tid, created["export_id"], T0)
    assert result == "done" and view["rows"] == E2E_ROWS, (result, view)
    return {"rows": view["rows"], "bytes": view["bytes"],
            "load_seconds_dynamodb_local": round(load_seconds, 1),
            "load_rows_per_s": round(E2E_ROWS / load_seconds),
            "export_seconds": round(seconds, 1), "export_rows_per_s": round(E2E_ROWS / seconds),
            "rss_before_mib": round(before / MIB, 1),
            "rss_peak_during_mib": round(sampler.peak / MIB, 1),
            "rss_growth_mib": round((sampler.peak - before) / MIB, 1)}


def separate_s3(bucket: str) -> subprocess.Popen[bytes]:
    """moto's S3 in a child process; S3 clients built from now on go there."""
    port = free_port()
    child = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1",
                              "-p", str(port)], stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.2)
    os.environ["AWS_ENDPOINT_URL_S3"] = f"http://127.0.0.1:{port}"
    import boto3

    boto3.client("s3").create_bucket(Bucket=bucket)
    return child


def main() -> int:
    data = Path(tempfile.mkdtemp(prefix="tl-export-"))
    cloud = LocalCloud(CloudConfig(data_dir=data, dynamodb_port=free_port(),
                                   moto_port=free_port(), in_memory=True))
    with cloud:
        cloud.apply_env()
        os.environ.update(stage_environment("test"))
        resources = provision("test")
        s3_server = separate_s3(resources.bucket)
        from chalicelib.bootstrap import Container, use
        from chalicelib.config import Settings

        container = Container(Settings.from_env())
        use(container)
        objects = container.export_objects
        import boto3

        s3 = boto3.client("s3")
        small = writer_run(objects, s3, resources.bucket, max(ROWS // 10, 1))
        large = writer_run(objects, s3, resources.bucket, ROWS)
        e2e = end_to_end(container, s3, resources.bucket)
        s3_server.terminate()
        s3_server.wait(timeout=30)
    result = {
        "what": "CSV export of invitation rows through write_export + S3 multipart (8 MiB "
                "parts) into moto's S3 server in a separate process; RSS of the exporting "
                "process (rows from a generator for the writer runs, from DynamoDB Local's "
                "gsi1 Query pages end to end)",
        "writer_synthetic_rows": {"small": small, "large": large,
                                  "peak_rss_large_minus_small_mib": round(
                                      large["rss_peak_during_mib"]
                                      - small["rss_peak_during_mib"], 1)},
        "end_to_end_dynamodb_local": e2e,
        "process_peak_rss_mib": round(rss_peak() / MIB, 1),
        "machine": f"{os.cpu_count()} cores",
    }
    print(json.dumps(result, indent=2, ensure_ascii=False))
    (ROOT / "benchmarks" / "results" / "export_invitations.json").write_text(
        json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
